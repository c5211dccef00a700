from __future__ import annotations

import pytest

from bot.article import parse_text
from bot.article.dates import find_date, mentioned_days


def test_date_forms_and_twelve_hour_clocks() -> None:
    assert str(find_date("2022.01.26 - 19:04", "Asia/Baghdad")) == "2022-01-26 19:04:00+03:00"
    assert str(find_date("نشر في: 15/03/2021 - 14:20", "Asia/Damascus")) == "2021-03-15 14:20:00+02:00"
    assert str(find_date("5 مارس 2023 11:30 م", "Africa/Cairo")) == "2023-03-05 23:30:00+02:00"
    assert str(find_date("26 كانون الثاني 2022 08:15 مساءً", "Asia/Baghdad")) == "2022-01-26 20:15:00+03:00"
    assert str(find_date("2022-01-26 12:05 AM", "Asia/Baghdad")) == "2022-01-26 00:05:00+03:00"
    assert str(find_date("2024-05-06T09:45:00Z")) == "2024-05-06 09:45:00+00:00"
    assert find_date("لا تاريخ هنا") is None
    assert mentioned_days("هجوم يوم 20 كانون الثاني على السجن") == [(1, 20)]


def test_inline_dateline_of_an_agency_is_taken_out_of_the_body() -> None:
    article = parse_text(
        "مصر تعلن خطة جديدة للطاقة الشمسية\n5 مارس 2023 11:30 م\n"
        "القاهرة (رويترز) - قال وزير الكهرباء المصري محمد شاكر إن الحكومة ستبني محطات جديدة للطاقة الشمسية.\n"
        "وأضاف أن المشروع سيوفر آلاف الوظائف في المحافظات الجنوبية خلال العام المقبل.\n"
    )
    assert article.dateline is not None and (article.dateline.place, article.dateline.agency) == ("القاهرة", "رويترز")
    assert article.paragraphs[0].startswith("قال وزير الكهرباء")
    assert article.published is not None and article.published.isoformat() == "2023-03-05T23:30:00+02:00"
    assert [s.speaker for s in article.statements] == ["محمد شاكر", "محمد شاكر"]


def test_am_and_pm_words_come_from_the_page_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from bot.article import dates, lexicon

    edited = replace(lexicon.page(), pm_words=("ليلاً", "م"))
    monkeypatch.setattr(lexicon, "page", lambda: edited)
    dates._meridiem.cache_clear()
    try:
        assert find_date("26/01/2022 10:15 ليلاً", "Asia/Baghdad").hour == 22  # type: ignore[union-attr]
        assert find_date("26/01/2022 08:15 مساءً", "Asia/Baghdad").hour == 8  # type: ignore[union-attr]
    finally:
        dates._meridiem.cache_clear()
