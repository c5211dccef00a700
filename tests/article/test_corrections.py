"""Corrections by an admin: statement keys, each field applied, the latest winning, stale ones
reported, a new and stable version, a re-parse, and what an admin may type."""

from __future__ import annotations

import pickle
import re
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot.article import Article, load_article, parse_text
from bot.article.corrections import (
    KEY_LENGTH,
    Correction,
    Field,
    Requested,
    apply_corrections,
    article_key,
    changes,
    check_value,
    find_organisation,
    numbered_statements,
    parse_correction_args,
    parse_undo_args,
    statement_key,
    statement_keys,
    statement_number,
)
from bot.article.dates import default_zone
from bot.article.model import Statement
from bot.errors import BotError, CorrectionError
from bot.render.links import Link, to_callback

SLOT = "article.txt"

SMALL = """وزير الخارجية يحذر من «تصعيد خطير» في المنطقة

2023/05/14 10:30

دمشق - سانا

قال وزير الخارجية السوري فيصل المقداد في مؤتمر صحفي: «إن المنطقة تمر بمرحلة خطيرة تتطلب تعاون الجميع».

من جهته، أفادت منظمة الصحة العالمية بأن عدد المصابين ارتفع إلى 40 شخصا في الأسبوع الماضي.

وذكر شاهد عيان لـ«سانا» أن الطرقات كانت مغلقة طوال الليل بسبب الأمطار الغزيرة.

وتقع المدينة بين نهرين كبيرين ويبلغ عدد سكانها نحو مليون نسمة.
"""


@pytest.fixture
def small() -> Article:
    """Three statements: a minister (with a role and a body), an organisation, an eyewitness."""
    article = parse_text(SMALL)
    assert [s.speaker for s in article.statements] == ["فيصل المقداد", "منظمة الصحة العالمية", "شاهد عيان"]
    return article


def fix(article: Article, *args: str, at: float = 1.0, slot: str = SLOT, admin: int = 7) -> Correction:
    """The correction an admin makes by typing ``args`` after /correct."""
    target, field, value = parse_correction_args(article, args)
    return Correction(slot=slot, target=target, field=field, value=value, admin_id=admin, at=at)


def statement(text: str, speaker: str = "أحمد") -> Statement:
    return Statement(text=text, form="direct", speaker=speaker, paragraph=0)


# keys --------------------------------------------------------------------------------


def test_a_statement_key_is_short_hex_and_fits_callback_data_with_an_article_id(article: Article) -> None:
    keys = statement_keys(article)
    assert len(set(keys)) == len(article.statements)
    assert all(len(key) == KEY_LENGTH and int(key, 16) >= 0 for key in keys)
    assert keys[0] == statement_key(article.statements[0])
    to_callback(Link("statement", article.id, f"{keys[0]}.speaker"))  # checks Telegram's 64 bytes


def test_a_statement_key_survives_diacritics_tatweel_spacing_and_quote_marks() -> None:
    plain = statement("إن المنطقة تمر بمرحلة خطيرة")
    assert statement_key(statement("إنَّ المنطـــقة  تمرُّ\nبمرحلةٍ «خطيرة»")) == statement_key(plain)
    assert statement_key(statement("إن المنطقة تمر بمرحلة هادئة")) != statement_key(plain)
    assert statement_key(plain) == statement_key(statement(plain.text, speaker="غيره"))  # the words, not the speaker


def test_statements_with_the_same_words_get_different_keys(small: Article) -> None:
    twice = small.model_copy(update={"statements": (*small.statements, small.statements[0])}).with_id()
    keys = statement_keys(twice)
    assert keys[0] == statement_key(twice.statements[0]) != keys[-1] == statement_key(twice.statements[0], 2)
    assert statement_number(twice, keys[-1]) == 4 and statement_number(twice, "0" * KEY_LENGTH) is None


# each field --------------------------------------------------------------------------


def test_speaker_with_a_role_is_split_as_the_parser_splits_it(small: Article) -> None:
    corrected = apply_corrections(small, [fix(small, "1", "speaker", "أحمد", "الشرع،", "الرئيس", "السوري")]).article
    first = corrected.statements[0]
    assert (first.speaker, first.role) == ("أحمد الشرع", "الرئيس السوري")
    assert first.org == small.statements[0].org and first.text == small.statements[0].text  # the rest untouched
    assert corrected.statements[1:] == small.statements[1:]


def test_a_speaker_alone_clears_the_role_that_described_the_wrong_person(small: Article) -> None:
    assert small.statements[0].role == "وزير الخارجية السوري"
    first = apply_corrections(small, [fix(small, "1", "speaker", "أحمد الشرع")]).article.statements[0]
    assert (first.speaker, first.role) == ("أحمد الشرع", None)


def test_org_sets_the_name_the_parser_would_and_none_clears_it(small: Article) -> None:
    third = apply_corrections(small, [fix(small, "3", "org", "un")]).article.statements[2]
    assert (third.org, third.org_id) == ("الأمم المتحدة", "un")
    first = apply_corrections(small, [fix(small, "1", "org", "none")]).article
    assert (first.statements[0].org, first.statements[0].org_id) == (None, None)
    assert "فيصل المقداد" in first.sources  # grouped under the speaker once no body speaks


def test_a_hidden_statement_is_gone_from_statements_and_sources(article: Article) -> None:
    coalition = [i for i, s in enumerate(article.statements) if s.org_id == "coalition"]
    hides = [fix(article, str(i + 1), "hide", at=i) for i in coalition]
    corrected = apply_corrections(article, hides).article
    assert len(corrected.statements) == len(article.statements) - len(coalition)
    assert "التحالف الدولي" not in corrected.sources and "التحالف الدولي" in article.sources
    assert corrected.paragraphs == article.paragraphs  # the words stay in the text


def test_show_brings_a_hidden_statement_back(small: Article) -> None:
    hide, show = fix(small, "2", "hide", at=1), fix(small, "2", "show", at=2)
    assert len(apply_corrections(small, [hide]).article.statements) == 2
    assert apply_corrections(small, [hide, show]).article is small


def test_outlet_is_set_and_none_clears_it(small: Article) -> None:
    assert small.outlet == "سانا"
    assert apply_corrections(small, [fix(small, "outlet", "رويترز")]).article.outlet == "رويترز"
    assert apply_corrections(small, [fix(small, "outlet", "none")]).article.outlet is None


def test_a_date_alone_keeps_the_time_of_day_and_zone(small: Article) -> None:
    published = apply_corrections(small, [fix(small, "date", "2023-05-12")]).article.published
    assert published is not None and small.published is not None
    assert small.published.isoformat() == "2023-05-14T10:30:00+03:00"
    assert (published.date().isoformat(), published.timetz()) == ("2023-05-12", small.published.timetz())


def test_a_date_and_time_without_offset_is_in_the_default_zone_as_a_json_date_is(small: Article) -> None:
    published = apply_corrections(small, [fix(small, "date", "2023-05-12T08:15")]).article.published
    assert published == datetime(2023, 5, 12, 8, 15, tzinfo=default_zone())
    aware = apply_corrections(small, [fix(small, "date", "2023-05-12T08:15+00:00")]).article.published
    assert aware is not None and aware.utcoffset() == timedelta(0)
    undated = small.model_copy(update={"published": None}).with_id()
    midnight = apply_corrections(undated, [fix(undated, "date", "٢٠٢٣-٠٥-١٢")]).article.published
    assert midnight == datetime(2023, 5, 12, tzinfo=default_zone())
    assert apply_corrections(small, [fix(small, "date", "none")]).article.published is None


def test_a_date_in_another_zone_for_the_same_instant_is_still_a_change(small: Article) -> None:
    assert small.published is not None
    same_instant = small.published.astimezone(UTC).isoformat()
    corrected = apply_corrections(small, [fix(small, "date", same_instant)]).article
    assert corrected.published == small.published and corrected.id != small.id


# versions ----------------------------------------------------------------------------


def test_nothing_to_apply_gives_back_the_same_article(small: Article) -> None:
    assert apply_corrections(small, []).article is small
    same = [fix(small, "3", "speaker", "شاهد عيان"), fix(small, "outlet", "سانا"), fix(small, "1", "show")]
    applied = apply_corrections(small, same)
    assert applied.article is small and applied.stale == () and applied.invalid == ()


def test_a_correction_is_a_new_version_and_the_same_corrections_give_the_same_id(small: Article) -> None:
    made = [fix(small, "1", "speaker", "أحمد الشرع", at=1), fix(small, "2", "hide", at=2), fix(small, "outlet", "x", at=3)]
    first = apply_corrections(small, made).article
    assert first.id != small.id and first.id == first.with_id().id
    assert apply_corrections(small, list(reversed(made))).article.id == first.id
    assert Article.from_json(first.to_json()).id == first.id  # a coherent version: its JSON loads back as it


@pytest.mark.parametrize("field_args", [("1", "speaker", "أحمد"), ("1", "org", "un"), ("1", "hide"), ("outlet", "x"), ("date", "2023-01-01")])
def test_every_field_changes_the_id(small: Article, field_args: tuple[str, ...]) -> None:
    assert apply_corrections(small, [fix(small, *field_args)]).article.id != small.id


def test_a_correction_survives_a_re_parse(article: Article) -> None:
    made = [fix(article, "3", "speaker", "أحمد الشرع"), fix(article, "20", "hide"), fix(article, "date", "2022-01-25")]
    again = load_article(None)  # a fresh parse of the same file
    assert again is not article
    assert apply_corrections(again, made).article.id == apply_corrections(article, made).article.id


def test_a_correction_finds_its_statement_when_the_file_is_edited_elsewhere(small: Article) -> None:
    made = [fix(small, "3", "speaker", "مراسل سانا"), fix(small, "2", "hide")]
    edited = parse_text(
        SMALL.replace("وتقع المدينة", "وقال مسؤول محلي إن «الوضع تحت السيطرة».\n\nوتقع المدينة").replace(
            "«إن المنطقة", "«إنَّ المنطقة"  # a diacritic added inside the first statement
        )
    )
    assert len(edited.statements) == 4 and edited.id != small.id
    applied = apply_corrections(edited, made)
    assert applied.stale == ()
    assert [s.speaker for s in applied.article.statements] == ["فيصل المقداد", "مراسل سانا", "مسؤول محلي"]


# latest, stale, invalid --------------------------------------------------------------


def test_the_latest_correction_of_a_field_wins_whatever_the_order_given(small: Article) -> None:
    older, newer = fix(small, "1", "speaker", "الأول", at=5), fix(small, "1", "speaker", "الثاني", at=9)
    for given in ([older, newer], [newer, older]):
        assert apply_corrections(small, given).article.statements[0].speaker == "الثاني"
    other_field = fix(small, "1", "org", "un", at=1)  # older, but of another field: both apply
    first = apply_corrections(small, [newer, other_field, older]).article.statements[0]
    assert (first.speaker, first.org_id) == ("الثاني", "un")


def test_a_correction_of_a_statement_no_longer_there_is_reported_stale(small: Article) -> None:
    gone = Correction(slot=SLOT, target="0123456789", field="speaker", value="أحد", admin_id=1, at=1)
    kept = fix(small, "1", "speaker", "أحمد", at=2)
    applied = apply_corrections(small, [gone, kept])
    assert applied.stale == (gone,) and applied.article.statements[0].speaker == "أحمد"
    only_stale = apply_corrections(small, [gone])
    assert only_stale.article is small and only_stale.stale == (gone,)


def test_a_value_that_no_longer_checks_is_reported_not_raised(small: Article) -> None:
    removed = Correction(slot=SLOT, target=statement_keys(small)[0], field="org", value="gone_org", admin_id=1, at=1)
    applied = apply_corrections(small, [removed, fix(small, "outlet", "x", at=2)])
    assert applied.article.outlet == "x" and applied.article.statements == small.statements
    [(correction, problem)] = applied.invalid
    assert correction is removed and problem.reason == "unknown_org" and "gone_org" in str(problem)


def test_corrections_of_two_slots_are_not_applied_to_one_article(small: Article) -> None:
    with pytest.raises(ValueError, match="several articles"):
        apply_corrections(small, [fix(small, "outlet", "x"), fix(small, "outlet", "y", slot="other.txt")])


def test_a_correction_targets_a_statement_for_a_statement_field_only() -> None:
    with pytest.raises(ValidationError, match="names no statement"):
        Correction(slot=SLOT, target="", field="speaker", value="x", admin_id=1, at=1)
    # an article's field names its story (article_key) or, written by hand, none: any story in the slot
    Correction(slot=SLOT, target="0123456789", field="outlet", value="x", admin_id=1, at=1)
    Correction(slot=SLOT, target="", field="outlet", value="x", admin_id=1, at=1)
    with pytest.raises(ValidationError):
        Correction(slot=SLOT, target="", field="title", value="x", admin_id=1, at=1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="frozen"):
        Correction(slot=SLOT, field="outlet", value="x", admin_id=1, at=1).value = "y"  # type: ignore[misc]


# the admin's views of them -----------------------------------------------------------


def test_numbered_statements_count_hidden_ones_and_show_corrections(small: Article) -> None:
    made = [fix(small, "2", "hide"), fix(small, "3", "speaker", "مراسل")]
    rows = numbered_statements(small, made)
    assert [(r.number, r.hidden, r.statement.speaker) for r in rows] == [
        (1, False, "فيصل المقداد"),
        (2, True, "منظمة الصحة العالمية"),
        (3, False, "مراسل"),
    ]
    assert [r.key for r in rows] == list(statement_keys(small))
    assert parse_correction_args(small, ["3", "show"]).target == rows[2].key  # numbers do not move when one is hidden


def test_changes_name_the_statement_and_the_values_before_and_after(small: Article) -> None:
    gone = Correction(slot=SLOT, target="0123456789", field="hidden", value="1", admin_id=1, at=0)
    made = [
        fix(small, "date", "2023-05-12", at=4),
        fix(small, "1", "org", "coalition", at=3),
        fix(small, "3", "speaker", "مراسل", at=2),
        fix(small, "3", "speaker", "أقدم", at=1),  # superseded: not listed
        gone,
    ]
    listed = changes(small, made)
    assert [(c.correction.field, c.number, c.old, c.new, c.stale) for c in listed] == [
        ("date", None, "2023-05-14T10:30:00+03:00", "2023-05-12T10:30:00+03:00", False),
        ("org", 1, "وزارة الخارجية السورية", "التحالف الدولي", False),
        ("speaker", 3, "شاهد عيان", "مراسل", False),
        ("hidden", None, None, "1", True),
    ]
    assert listed[1].text == small.statements[0].text and listed[0].text is None
    unknown = changes(None, made[:2])
    assert [(c.number, c.text, c.old, c.new) for c in unknown] == [
        (None, None, None, "2023-05-12"),
        (None, None, None, "التحالف الدولي"),
    ]
    assert changes(small, []) == []


# what an admin types -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["2", "speaker", "أحمد", "الشرع"], ("speaker", "أحمد الشرع")),
        (["2", "speaker", "أحمد  الشرع "], ("speaker", "أحمد الشرع")),
        (["2", "المتحدث", "أحمد"], ("speaker", "أحمد")),
        (["2", "org", "coalition"], ("org", "coalition")),
        (["2", "ORG", "Coalition"], ("org", "coalition")),
        (["2", "org", "التحالف", "الدولي"], ("org", "coalition")),
        (["2", "org", "المرصد السوري"], ("org", "observatory")),
        (["2", "org", "the", "Syrian", "Democratic", "Forces"], ("org", "sdf")),
        (["2", "org", "United Nations"], ("org", "un")),
        (["2", "org", "الامم المتحده"], ("org", "un")),  # spelling folded
        (["2", "org", "none"], ("org", "")),
        (["2", "الجهة", "لا"], ("org", "")),
        (["2", "org", "-"], ("org", "")),
        (["2", "hide"], ("hidden", "1")),
        (["2", "إخفاء"], ("hidden", "1")),
        (["2", "show"], ("hidden", "")),
        (["2 show"], ("hidden", "")),  # one argument holding spaces (a caller that did not split)
    ],
)
def test_statement_corrections_as_typed(small: Article, args: list[str], expected: tuple[Field, str]) -> None:
    assert parse_correction_args(small, args) == Requested(statement_keys(small)[1], *expected)


@pytest.mark.parametrize("number", ["٣", "۳", "3", "٠٣"])
def test_statement_numbers_in_any_arabic_keyboards_digits(small: Article, number: str) -> None:
    assert parse_correction_args(small, [number, "hide"]).target == statement_keys(small)[2]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["outlet", "رويترز"], ("outlet", "رويترز")),
        (["الناشر", "وكالة", "الأنباء"], ("outlet", "وكالة الأنباء")),
        (["outlet", "none"], ("outlet", "")),
        (["date", "2022-01-21"], ("date", "2022-01-21")),
        (["التاريخ", "٢٠٢٢-٠١-٢١"], ("date", "2022-01-21")),
        (["date", "2022-01-21T10:30"], ("date", "2022-01-21T10:30:00")),
        (["date", "2022-01-21", "10:30+03:00"], ("date", "2022-01-21T10:30:00+03:00")),
        (["date", "none"], ("date", "")),
    ],
)
def test_article_corrections_as_typed(small: Article, args: list[str], expected: tuple[Field, str]) -> None:
    assert parse_correction_args(small, args) == Requested(article_key(small), *expected)


@pytest.mark.parametrize(
    ("args", "reason", "message"),
    [
        ([], "usage", "nothing to correct"),
        (["  "], "usage", "nothing to correct"),
        (["4", "hide"], "no_statement", "no statement 4: the article has 3"),
        (["0", "hide"], "no_statement", "no statement 0"),
        (["3"], "no_field", "what of statement 3"),
        (["3", "colour", "red"], "unknown_field", "'colour' is neither a statement number nor one of"),
        (["3a", "hide"], "unknown_field", "'3a' is neither"),
        (["²", "hide"], "unknown_field", "'²' is neither"),
        (["speaker", "أحمد"], "needs_statement", "which statement"),
        (["hide"], "needs_statement", "which statement"),
        (["3", "outlet", "x"], "article_field", "the outlet is the article's"),
        (["3", "speaker"], "missing_value", "the new speaker is missing"),
        (["3", "org"], "missing_value", "the new org is missing"),
        (["outlet"], "missing_value", "the new outlet is missing"),
        (["date"], "missing_value", "the new date is missing"),
        (["3", "hide", "now"], "unexpected_value", "hide takes nothing after it, not 'now'"),
        (["3", "org", "nato"], "unknown_org", "no organisation is called 'nato' (known: coalition, observatory, sdf, un)"),
        (["3", "org", "التحالف"], "unknown_org", "no organisation is called 'التحالف'"),  # a short name: not guessed
        (["date", "yesterday"], "bad_date", "'yesterday' is not a date"),
        (["date", "2022-02-30"], "bad_date", "'2022-02-30' is not a date"),
        (["date", "21/01/2022"], "bad_date", "write it as 2022-01-21"),
    ],
)
def test_what_cannot_be_corrected_says_what_was_wrong(
    small: Article, args: list[str], reason: str, message: str
) -> None:
    with pytest.raises(CorrectionError, match=re.escape(message)) as caught:
        parse_correction_args(small, args)
    assert caught.value.reason == reason and isinstance(caught.value, BotError)


def test_a_correction_error_names_its_details_and_pickles(small: Article) -> None:
    with pytest.raises(CorrectionError) as caught:
        parse_correction_args(small, ["9", "hide"])
    assert caught.value.details == {"number": 9, "count": 3}
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.reason, copy.problem, copy.details, str(copy)) == (
        "no_statement",
        caught.value.problem,
        {"number": 9, "count": 3},
        str(caught.value),
    )


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [("speaker", " ", "missing_value"), ("org", "nato", "unknown_org"), ("hidden", "yes", "bad_hidden"), ("date", "x", "bad_date")],
)
def test_check_value_refuses_what_no_correction_may_hold(field: Field, value: str, reason: str) -> None:
    with pytest.raises(CorrectionError) as caught:
        check_value(field, value)
    assert caught.value.reason == reason


def test_check_value_keeps_what_may_be_cleared() -> None:
    assert [check_value(f, "") for f in ("org", "hidden", "outlet", "date")] == ["", "", "", ""]
    assert check_value("date", "٢٠٢٢-٠١-٢١T٠٩:٠٥") == "2022-01-21T09:05:00"


def test_organisations_by_id_names_and_english() -> None:
    found = [find_organisation(text) for text in ("observatory", "SOHR", "the Syrian Observatory for Human Rights", "")]
    assert [org.id if org else None for org in found] == ["observatory", "observatory", "observatory", None]


def test_uncorrect_names_the_field_of_a_statement_or_of_the_article(small: Article) -> None:
    keys = statement_keys(small)
    assert parse_undo_args(small, ["2", "speaker"]) == (keys[1], "speaker")
    assert parse_undo_args(small, ["٣ الجهة"]) == (keys[2], "org")  # Arabic digits and words, one argument
    assert parse_undo_args(small, ["1", "show"]) == parse_undo_args(small, ["1", "hide"]) == (keys[0], "hidden")
    assert parse_undo_args(small, ["outlet"]) == (article_key(small), "outlet")
    assert parse_undo_args(small, ["التاريخ"]) == (article_key(small), "date")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ([], "usage"),
        (["9", "speaker"], "no_statement"),
        (["1"], "no_field"),
        (["speaker"], "needs_statement"),
        (["1", "date"], "article_field"),
        (["1", "colour"], "unknown_field"),
    ],
)
def test_uncorrect_mistakes_are_named(small: Article, args: list[str], reason: str) -> None:
    with pytest.raises(CorrectionError) as caught:
        parse_undo_args(small, args)
    assert caught.value.reason == reason


def test_an_outlet_or_date_correction_stays_with_its_story_not_its_slot(small: Article) -> None:
    """A file replaced by the next day's story keeps its slot: yesterday's date correction is stale."""
    dated = fix(small, "date", "2020-02-02")
    assert apply_corrections(small, [dated]).article.published is not None
    tomorrow = small.model_copy(update={"title": "خبر اليوم التالي"}).with_id()
    applied = apply_corrections(tomorrow, [dated])
    assert applied.article is tomorrow and applied.stale == (dated,)
    by_hand = Correction(slot=SLOT, field="outlet", value="يدوي", admin_id=1, at=2)  # no story named: any
    assert apply_corrections(tomorrow, [by_hand]).article.outlet == "يدوي"


def test_a_speaker_of_invisible_marks_only_is_no_speaker(small: Article) -> None:
    with pytest.raises(CorrectionError) as caught:
        parse_correction_args(small, ["1", "speaker", "\u200f\u202e"])
    assert caught.value.reason == "missing_value"


def test_the_list_marks_an_outlet_correction_of_the_slots_previous_story_stale(small: Article) -> None:
    dated = fix(small, "outlet", "وكالة الأمس")
    tomorrow = small.model_copy(update={"title": "خبر اليوم التالي"}).with_id()
    assert [change.stale for change in changes(small, [dated])] == [False]
    assert [change.stale for change in changes(tomorrow, [dated])] == [True]
