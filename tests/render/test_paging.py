"""Property-based tests of paging: pages within the budget, every word once and in order.

``paginate`` works on plain text and counts as Telegram does (UTF-16 code units, so an emoji is
two); ``full_page`` must turn any Article -- paragraphs full of ``<``, ``&`` and ``>``, paragraphs
of thousands of characters without a space -- into valid HTML of at most 4096 visible characters.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.article.model import Article, content_id
from bot.i18n import Language, t
from bot.render import views
from bot.render.html import tg_len
from bot.render.paging import SEPARATOR, group_blocks, paginate
from tests.botapi.html_rules import check_html, visible_text

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ARABIC_WORDS = ("التحالف", "الدولي", "قال", "إن", "الحسكة", "سجن", "غويران", "في", "و", "123")
MARKUP = ("<", ">", "&", "&amp;", "<b>", '"', "'", "</i>", "&lt;")
PUNCTUATION = (".", "،", "؟", "!", ":", "«", "»", "“", "”")
ASTRAL = ("😀", "𝕏", "🇸🇾")  # two UTF-16 units each (the flag is four)

words = st.one_of(
    st.sampled_from(ARABIC_WORDS),
    st.sampled_from(MARKUP),
    st.sampled_from(ASTRAL),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12),
)
sentences = (
    st.lists(words, min_size=1, max_size=25)
    .map(" ".join)
    .flatmap(lambda body: st.sampled_from(PUNCTUATION).map(lambda end: body + end))
)
prose = st.lists(sentences, min_size=1, max_size=8).map(" ".join)
no_space_runs = st.tuples(st.sampled_from(("ب", "x", "😀", "&", "<")), st.integers(1, 3000)).map(
    lambda pair: pair[0] * pair[1]
)
paragraphs = st.one_of(prose, no_space_runs, st.text(max_size=300).filter(str.strip))


def squeezed(texts: list[str] | tuple[str, ...]) -> str:
    """All non-space characters in order: what must survive paging, whatever the cuts."""
    return "".join("".join(texts).split())


@PROPERTY_SETTINGS
@given(st.lists(paragraphs, max_size=10), st.integers(2, 500))
def test_pages_fit_the_budget_and_keep_every_word_once_in_order(blocks: list[str], budget: int) -> None:
    pages = paginate(blocks, budget)
    for page in pages:
        assert page, "no empty page"
        assert tg_len(SEPARATOR.join(page)) <= budget
    assert squeezed([piece for page in pages for piece in page]) == squeezed(blocks)


@PROPERTY_SETTINGS
@given(st.lists(paragraphs, min_size=1, max_size=10), st.integers(2, 500))
def test_blocks_that_fit_stay_whole(blocks: list[str], budget: int) -> None:
    pieces = [piece for page in paginate(blocks, budget) for piece in page]
    for block in blocks:
        if tg_len(block) <= budget:
            assert block in pieces


def make_article(title: str, body: list[str]) -> Article:
    """An Article built directly, as a hand-corrected JSON file could give it."""
    return Article(id=content_id(title, body), title=title, paragraphs=tuple(body))


articles = st.builds(
    make_article,
    title=st.one_of(st.sampled_from(("خبر", "<b>عاجل</b> & مهم", "")), st.text(max_size=300)),
    body=st.lists(st.one_of(paragraphs, st.text(max_size=50).filter(str.strip)), min_size=1, max_size=8),
)


@settings(PROPERTY_SETTINGS, max_examples=100)
@given(articles, st.sampled_from(("ar", "en")))
def test_every_full_page_is_valid_html_within_telegram_limits(article: Article, lang: Language) -> None:
    total = views.page_count(article, lang)
    assert total >= 1
    shown = []
    for number in range(1, total + 1):
        view = views.full_page(article, lang, number)
        assert check_html(view.text) == []
        visible = visible_text(view.text)
        assert tg_len(visible) <= MessageLimit.MAX_TEXT_LENGTH
        header = visible_text(t(lang, "full_header", title=views.heading(article), n=number, m=total))
        assert visible.startswith(header + SEPARATOR)
        shown.append(visible[len(header) + len(SEPARATOR) :])
        buttons = [b for row in (view.keyboard.inline_keyboard if view.keyboard else ()) for b in row]
        assert all(len(str(b.callback_data).encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA for b in buttons)
    assert squeezed(shown) == squeezed(article.paragraphs)


def test_full_page_with_a_title_longer_than_a_message() -> None:
    article = make_article("ع" * 5000, ["فقرة قصيرة من الخبر."])
    view = views.full_page(article, "ar", 1)
    assert tg_len(visible_text(view.text)) <= MessageLimit.MAX_TEXT_LENGTH


@PROPERTY_SETTINGS
@given(st.lists(st.text(alphabet="ab<>", min_size=1, max_size=60), max_size=40), st.integers(min_value=1, max_value=200))
def test_grouped_blocks_are_never_split_and_stay_in_order(blocks: list[str], budget: int) -> None:
    pages = group_blocks(blocks, budget)
    assert [block for page in pages for block in page] == blocks and all(pages)
    for page in pages:  # within the budget, unless one block alone is larger
        assert len(page) == 1 or tg_len(SEPARATOR.join(page)) <= budget


def test_grouped_blocks_are_measured_as_asked() -> None:
    rendered = ["<b>" + "x" * 10 + "</b>"] * 4  # 17 characters of markup, 10 shown
    assert len(group_blocks(rendered, 24)) == 4
    assert group_blocks(rendered, 24, size=lambda block: tg_len(visible_text(block))) == [rendered[:2], rendered[2:]]
