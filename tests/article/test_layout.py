from __future__ import annotations

import json

import pytest

from bot.article import parse_text
from bot.article.layout import read_layout

from .conftest import OTHER_OUTLET


def test_bundled_article_structure(bundled_text: str, gold: dict[str, object]) -> None:
    article = parse_text(bundled_text)
    assert article.title == gold["title"]
    assert article.published is not None
    assert article.published.isoformat() == "2022-01-26T19:04:00+03:00"
    assert article.dateline is not None
    assert (article.dateline.place, article.dateline.agency) == ("بغداد", "ناس")
    assert article.credited_sources == ("RT",)
    assert len(article.paragraphs) == gold["body_paragraphs"]


def test_bundled_article_has_no_debris(bundled_text: str, gold: dict[str, object]) -> None:
    article = parse_text(bundled_text)
    dump = article.to_json()
    boilerplate = gold["boilerplate"]
    assert isinstance(boilerplate, list)
    for line in boilerplate:
        assert line not in dump
    assert all(p != article.title for p in article.paragraphs)
    assert "\u00a0" not in dump


def test_other_outlet_layout() -> None:
    article = parse_text(OTHER_OUTLET)
    assert article.title == "وزير الخارجية يحذر من «تصعيد خطير» في المنطقة"
    assert article.published is not None
    assert article.published.isoformat() == "2023-05-14T10:30:00+03:00"  # Damascus, from the dateline
    assert article.dateline is not None and article.dateline.agency == "سانا"
    assert len(article.paragraphs) == 7
    assert not any("تلغرام" in p or "الرئيسية" in p for p in article.paragraphs)


def test_title_in_braces_and_promo_and_url_debris() -> None:
    text = "\n".join(
        [
            "{عاجل} الحكومة تعلن خطة جديدة للكهرباء",
            "https://example.com/news/1234",
            "قناتنا على واتساب",
            "أعلنت الحكومة اليوم خطة جديدة لتحسين إمدادات الكهرباء في المحافظات الجنوبية.",
            "وقال وزير الكهرباء إن الخطة ستنفذ خلال ستة أشهر بتمويل حكومي.",
            "Share Tweet",
            "المصدر: رويترز",
        ]
    )
    article = parse_text(text)
    assert article.title == "عاجل الحكومة تعلن خطة جديدة للكهرباء"
    assert len(article.paragraphs) == 2
    assert article.credited_sources == ("رويترز",)


def test_html_page() -> None:
    html = """<!doctype html><html><head><title>site</title>
    <meta property="og:title" content="انفجار في ميناء المدينة">
    <meta property="article:published_time" content="2024-03-02T08:15:00+02:00"></head>
    <body><nav>الرئيسية | أخبار</nav><h1>انفجار في ميناء المدينة</h1>
    <article><p>وقع انفجار قوي في ميناء المدينة صباح اليوم وأدى إلى أضرار كبيرة في المباني القريبة.</p>
    <p>وقال مدير الميناء إن &quot;فرق الإطفاء سيطرت على الحريق بعد ساعتين&quot;.</p>
    <script>var x = "<p>";</script></article><footer>جميع الحقوق محفوظة</footer></body></html>"""
    article = parse_text(html)
    assert article.source_format == "html"
    assert article.title == "انفجار في ميناء المدينة"
    assert article.published is not None and article.published.isoformat() == "2024-03-02T08:15:00+02:00"
    assert len(article.paragraphs) == 2
    assert article.statements[0].text == "فرق الإطفاء سيطرت على الحريق بعد ساعتين"
    assert "var x" not in article.to_json()


def test_json_round_trip_and_hand_correction(bundled_text: str) -> None:
    article = parse_text(bundled_text)
    data = json.loads(article.to_json())
    assert set(data) >= {
        "id",
        "title",
        "published",
        "dateline",
        "credited_sources",
        "paragraphs",
        "statements",
        "summary",
    }
    assert parse_text(json.dumps(data, ensure_ascii=False)) == article.model_copy(update={"source_format": "json"})
    data["statements"][0]["speaker"] = "الناطق باسم التحالف"
    data["id"] = "anything-a-person-typed"
    corrected = parse_text(json.dumps(data, ensure_ascii=False))
    assert corrected.statements[0].speaker == "الناطق باسم التحالف"
    assert corrected.id != article.id and corrected.id.isalnum()  # a correction is a new version
    assert corrected.paragraphs == article.paragraphs


def test_json_without_offset_gets_the_default_zone(bundled_text: str) -> None:
    data = json.loads(parse_text(bundled_text).to_json())
    data["published"] = "2022-01-26T19:04:00"
    article = parse_text(json.dumps(data, ensure_ascii=False))
    assert article.published is not None and article.published.utcoffset() is not None


def test_id_is_stable_and_changes_with_content(bundled_text: str) -> None:
    first, again = parse_text(bundled_text), parse_text(bundled_text)
    assert first.id == again.id
    changed = parse_text(bundled_text.replace("123 قتيلا", "124 قتيلا"))
    assert changed.id != first.id


@pytest.mark.parametrize("lines", [["Home", "Login"], ["", "  ", "\u00a0"]])
def test_layout_without_body_is_an_error(lines: list[str]) -> None:
    from bot.errors import NoBodyError

    with pytest.raises(NoBodyError):
        read_layout(lines, path="x.txt")


def test_windows_1256_html_page_with_breadcrumbs_and_a_role_chain() -> None:
    from pathlib import Path

    from bot.article import parse_bytes

    page = (Path(__file__).parent / "data" / "sudan.html").read_text("utf-8")
    article = parse_bytes(page.encode("cp1256"))
    assert article.source_format == "html" and article.url == "https://example.org/news/123"
    assert article.title == 'الأمم المتحدة: الوضع الإنساني في السودان "كارثي"'
    # the byline div between headline and story is not the body's opening, and the page names no
    # site (no og:site_name, no publisher): no dateline and no outlet rather than a guessed one
    assert article.dateline is None and article.outlet is None
    assert len(article.paragraphs) == 4  # menus, "اقرأ أيضا", aside and footer left out
    assert article.paragraphs[0].startswith("حذرت الأمم المتحدة")
    spokesman = article.statements[1]
    assert (spokesman.speaker, spokesman.role) == ("ينس لاركيه", "المتحدث باسم مكتب تنسيق الشؤون الإنسانية")
    assert spokesman.org == "مكتب تنسيق الشؤون الإنسانية"
