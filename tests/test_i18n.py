"""UI strings: CLDR plural forms in both languages, and numbers typed with any Arabic keyboard."""

from __future__ import annotations

import json
import re
import string
from importlib import resources

import pytest

from bot.i18n import LANGUAGES, Language, plural, plural_category, read_number, t

COUNTS = (0, 1, 2, 3, 10, 11, 100, 101)
CATEGORIES = {"ar": {"zero", "one", "two", "few", "many", "other"}, "en": {"one", "other"}}


def catalogue(lang: Language) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        resources.files("bot.data").joinpath("locales", f"{lang}.json").read_text("utf-8")
    )
    return data


def test_arabic_plural_categories_follow_cldr() -> None:
    got = [plural_category("ar", n) for n in COUNTS]
    assert got == ["zero", "one", "two", "few", "few", "many", "other", "other"]
    assert [plural_category("en", n) for n in COUNTS] == ["other", "one", *["other"] * 6]


@pytest.mark.parametrize(
    ("count", "arabic", "english"),
    [
        (0, "لا تصريحات", "0 statements"),
        (1, "تصريح واحد", "1 statement"),
        (2, "تصريحان", "2 statements"),
        (3, "3 تصريحات", "3 statements"),
        (10, "10 تصريحات", "10 statements"),
        (11, "11 تصريحاً", "11 statements"),
        (100, "100 تصريح", "100 statements"),
        (101, "101 تصريح", "101 statements"),
    ],
)
def test_statements_are_counted_in_both_languages(count: int, arabic: str, english: str) -> None:
    assert plural("ar", "n_statements", count) == arabic
    assert plural("en", "n_statements", count) == english


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("n_paragraphs", ["لا فقرات", "فقرة واحدة", "فقرتان", "3 فقرات", "10 فقرات", "11 فقرة", "100 فقرة", "101 فقرة"]),
        ("n_posts", ["لا منشورات", "منشور واحد", "منشوران", "3 منشورات", "10 منشورات", "11 منشوراً", "100 منشور", "101 منشور"]),
        ("n_results", ["لا نتائج", "نتيجة واحدة", "نتيجتان", "3 نتائج", "10 نتائج", "11 نتيجة", "100 نتيجة", "101 نتيجة"]),
        ("n_articles_in", ["أي خبر", "خبر واحد", "خبرين", "3 أخبار", "10 أخبار", "11 خبراً", "100 خبر", "101 خبر"]),
    ],
)
def test_arabic_counted_nouns(key: str, expected: list[str]) -> None:
    assert [plural("ar", key, n) for n in COUNTS] == expected


@pytest.mark.parametrize(
    ("key", "singular", "many"),
    [("n_paragraphs", "1 paragraph", "paragraphs"), ("n_posts", "1 post", "posts"),
     ("n_results", "1 result", "results"), ("n_articles_in", "1 article", "articles")],
)
def test_english_counted_nouns(key: str, singular: str, many: str) -> None:
    assert [plural("en", key, n) for n in COUNTS] == [
        f"0 {many}", singular, *(f"{n} {many}" for n in COUNTS[2:])
    ]


def test_sentences_about_a_count() -> None:
    assert plural("ar", "queued_for", 2) == "سيصل إلى مشتركَين."
    assert plural("ar", "queued_for", 11) == "سيصل إلى 11 مشتركاً."
    assert plural("en", "queued_for", 1) == "Queued for 1 subscriber."
    assert plural("ar", "bad_page", 1) == "رقم الصفحة غير صحيح. في النص الكامل صفحة واحدة: أرسل /full 1."
    assert plural("en", "bad_page", 3).endswith("has 3 pages: send /full 1 to /full 3.")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_message_has_the_languages_categories(lang: Language) -> None:
    forms = {key: value for key, value in catalogue(lang).items() if isinstance(value, dict)}
    assert len(forms) >= 7
    for key, value in forms.items():
        assert set(value) == CATEGORIES[lang], key
        names = {frozenset(name for _, name, _, _ in string.Formatter().parse(v) if name) - {"n"} for v in value.values()}
        assert len(names) == 1, f"{key}: its forms take different values"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_template_puts_a_bare_number_before_a_noun(lang: Language) -> None:
    """``{count} تصريحاً`` is what plural messages replace: a placeholder for a count is never followed by a word."""
    for key, value in catalogue(lang).items():
        if isinstance(value, str):
            assert not re.search(r"\{(count|n|m)\} (?!of |من )[^\W\d_]", value), key


def test_english_templates_have_no_arabic_punctuation() -> None:
    for key, value in catalogue("en").items():
        texts = value.values() if isinstance(value, dict) else [value]
        assert all(not re.search("[،؛؟]", str(text)) for text in texts), key


def test_t_and_plural_refuse_the_other_kind() -> None:
    with pytest.raises(TypeError):
        t("ar", "n_statements")
    with pytest.raises(TypeError):
        plural("ar", "welcome", 2)


@pytest.mark.parametrize(("typed", "number"), [("2", 2), ("٢", 2), ("۲", 2), ("١٢", 12), ("۱۰", 10), (" 3 ", 3)])
def test_numbers_in_any_arabic_keyboards_digits(typed: str, number: int) -> None:
    assert read_number(typed) == number


@pytest.mark.parametrize("typed", ["", "²", "①", "२", "2.5", "-1", "x", "1" * 7, "٢a"])
def test_what_is_not_a_number(typed: str) -> None:
    assert read_number(typed) is None
