"""Property-based tests of the article core: any input gives an Article or a documented error.

The documented errors are the :class:`bot.errors.ArticleError` subclasses (``SourceError``,
``EncodingError``, ``NoBodyError``, ``ArticleFormatError``); anything else escaping ``parse_text`` or
``parse_bytes`` is a bug. Arabic-heavy strategies mix news words, speech verbs and their complements
(``قال``، ``أكد``، ``وأضاف``، ``أن``، ``إن``), every quotation mark the parser knows, Arabic
punctuation, digits, newlines and no-break spaces, so the statement and speaker code is reached, not
only the "no body" exit.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.article import Article, parse_bytes, parse_text
from bot.article.summary import DEFAULT_MAX_SENTENCES
from bot.errors import ArticleError, ArticleFormatError

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NEWS_WORDS = (
    "التحالف",
    "الدولي",
    "المرصد",
    "السوري",
    "لحقوق",
    "الإنسان",
    "وزارة",
    "الصحة",
    "وزير",
    "الخارجية",
    "مدير",
    "اللواء",
    "جون",
    "برينان",
    "علي",
    "على",
    "في",
    "من",
    "إلى",
    "الذي",
    "يوم",
    "الأربعاء",
    "كانون",
    "الثاني",
    "بغداد",
    "الحسكة",
    "ناس",
    "سجن",
    "هجوم",
    "قتيلا",
    "المصدر",
    "ذاته",
    "البيان",
    "مصدر",
    "و",
    "ب",
    "ل",
    "RT",
)
SPEECH_WORDS = (
    "قال",
    "أكد",
    "وأضاف",
    "وأوضح",
    "وتابع",
    "ذكر",
    "أفاد",
    "أفادت",
    "مشيرا",
    "مبينا",
    "بحسب",
    "وفقا",
    "أن",
    "إن",
    "بأن",
    "فإن",
)
QUOTES = ('"', "«", "»", "“", "”", "'")
PUNCTUATION = (".", "،", ":", "؟", "؛", "-", "–", "/", "(", ")", "!", "…", "<", ">", "&", "{", "}")
SEPARATORS = (" ", " ", " ", "\n", "\n\n", "\u00a0", "\t", "\r\n", "")

numbers = st.one_of(
    st.integers(0, 3000).map(str),
    st.sampled_from(("19:04", "2022/01/26", "26-01-2022", "٢٠٢٢", "123")),
)
tokens = st.one_of(
    st.sampled_from(NEWS_WORDS),
    st.sampled_from(SPEECH_WORDS),
    st.sampled_from(QUOTES),
    st.sampled_from(PUNCTUATION),
    numbers,
)
arabic_mixes = st.lists(st.tuples(tokens, st.sampled_from(SEPARATORS)), max_size=250).map(
    lambda pairs: "".join(token + separator for token, separator in pairs)
)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """One news sentence, often with a speech verb, a speaker and a complement or a quotation."""
    words = st.lists(st.sampled_from(NEWS_WORDS), min_size=1, max_size=12).map(" ".join)
    kind = draw(st.sampled_from(("plain", "reported", "quoted", "continued", "colon")))
    verb = draw(st.sampled_from(SPEECH_WORDS[:8]))
    opening, closing = draw(st.sampled_from((('"', '"'), ("«", "»"), ("“", "”"))))
    end = draw(st.sampled_from((".", ".", "؟", "", "!")))
    if kind == "plain":
        return f"{draw(words)} {draw(numbers)} {draw(words)}{end}"
    if kind == "reported":
        return f"{verb} {draw(words)} {draw(st.sampled_from(('أن', 'إن', 'بأن')))} {draw(words)}{end}"
    if kind == "quoted":
        return f"{verb} {draw(words)} {opening}{draw(words)} {draw(words)}{closing}{end}"
    if kind == "colon":
        return f"{verb} {draw(words)}: {opening}{draw(words)}{closing}{end}"
    return f"{draw(st.sampled_from(('وأضاف', 'وتابع', 'وأوضح')))} أن {draw(words)}{end}"


@st.composite
def news_articles(draw: st.DrawFn) -> str:
    """A scraped-page-shaped text: title, optional date and dateline, paragraphs, optional debris."""
    title = " ".join(draw(st.lists(st.sampled_from(NEWS_WORDS), min_size=2, max_size=10)))
    lines = [title]
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(("2022/01/26 19:04", "الأربعاء 26 كانون الثاني 2022", "منذ ساعتين"))))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(("بغداد - ناس", "دمشق – سانا", "الحسكة (رويترز)"))))
    paragraphs = draw(st.lists(st.lists(sentences(), min_size=1, max_size=4).map(" ".join), min_size=1, max_size=8))
    lines.extend(paragraphs)
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(("تابعونا على تلغرام", "\u00a0", "الرئيسية", title))))
    separator = draw(st.sampled_from(("\n", "\n\n", "\r\n", "\n\u00a0\n")))
    return separator.join(lines)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=15,
)
article_keys = st.sampled_from(
    ("id", "title", "published", "dateline", "paragraphs", "statements", "summary", "credited_sources", "url")
)
json_articles = st.dictionaries(article_keys, json_values, max_size=9)


def parse_or_error(parse: Any, data: Any) -> Article | None:
    """``parse(data)``: the Article, or None for a documented ArticleError; any other exception propagates."""
    try:
        article = parse(data)
    except ArticleError as exc:
        assert str(exc), "an ArticleError must carry a message for a person"
        return None
    assert isinstance(article, Article)
    return article


def check_article(article: Article) -> None:
    """Invariants every parsed article keeps."""
    assert article.title.strip()
    assert article.paragraphs and all(p.strip() for p in article.paragraphs)
    body = "\n".join(article.paragraphs)
    assert len(article.summary) <= DEFAULT_MAX_SENTENCES
    for sentence in article.summary:
        assert sentence in body, "summary sentences are verbatim"
    for statement in article.statements:
        assert 0 <= statement.paragraph < len(article.paragraphs)
        assert statement.speaker.strip() and statement.text.strip()
    assert parse_text(article.to_json()).model_copy(update={"source_format": article.source_format}) == article


@PROPERTY_SETTINGS
@given(st.text(max_size=3000))
def test_any_text_gives_an_article_or_a_documented_error(text: str) -> None:
    article = parse_or_error(parse_text, text)
    if article is not None:
        assert article.paragraphs


@PROPERTY_SETTINGS
@given(st.binary(max_size=3000))
def test_any_bytes_give_an_article_or_a_documented_error(data: bytes) -> None:
    article = parse_or_error(parse_bytes, data)
    if article is not None:
        assert article.paragraphs


@PROPERTY_SETTINGS
@given(arabic_mixes)
# found by this test: a punctuation-only subject (a speaker named ""), a ZeroDivisionError when an
# earlier speaker had only one-letter words, an IndexError for "التحالف/المرصد", an empty title
@example("وأضاف - أن قال السوري المرصد أن قال 2022 وأوضح الذي كانون أكد جون كانون")
@example("عنوان\n\nوقال و إن الوضع مستقر تماما في المدينة.\n\nوقال التحالف إن الهجوم فشل تماما في المدينة.")
@example("عنوان\n\nوقال مدير التحالف/المرصد إن الوضع مستقر تماما في المدينة بعد الأحداث الأخيرة.")
@example("، أكد وزير برينان أن الحسكة بغداد السوري المرصد مشيرا الدولي ناس مدير")
def test_arabic_mixes_give_an_article_or_a_documented_error(text: str) -> None:
    article = parse_or_error(parse_text, text)
    if article is not None:
        check_article(article)


@PROPERTY_SETTINGS
@given(news_articles())
def test_news_shaped_texts_keep_the_article_invariants(text: str) -> None:
    article = parse_or_error(parse_text, text)
    if article is not None:
        check_article(article)


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(news_articles(), st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom")))
def test_every_supported_encoding_decodes_to_the_same_article(text: str, encoding: str) -> None:
    data = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    expected = parse_or_error(parse_text, text)
    if expected is None:
        assert parse_or_error(parse_bytes, data) is None
    else:
        assert parse_bytes(data) == expected


@PROPERTY_SETTINGS
@given(json_articles)
# found by this test: a non-string title or paragraph, deep nesting and a lone surrogate escape
# raised AttributeError, RecursionError and UnicodeEncodeError instead of ArticleFormatError
@example({"title": 5, "paragraphs": ["x"]})
@example({"title": None, "paragraphs": ["x"]})
@example({"title": "t", "paragraphs": [1]})
@example({"title": "\ud800", "paragraphs": ["x"]})
def test_json_shaped_input_gives_an_article_or_a_format_error(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    try:
        article = parse_text(text)
    except ArticleFormatError as exc:
        assert "not" in str(exc)
        return
    assert article.source_format == "json" and article.id


def test_deeply_nested_json_is_a_format_error() -> None:
    depth = 100_000
    text = '{"title": ' + "[" * depth + "]" * depth + "}"
    article = parse_or_error(parse_text, text)
    assert article is None
