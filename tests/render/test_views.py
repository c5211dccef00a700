"""Rendering: Arabic-first layout, escaping and limits for every view of the bundled article."""

from __future__ import annotations

import dataclasses
import re
import time
import tracemalloc
from collections.abc import Callable

import pytest

from bot.article import Article
from bot.i18n import LANGUAGES, Language
from bot.render import views
from bot.render.channel import channel_posts
from bot.render.html import tg_len, visible
from bot.render.inline import INLINE_CACHE_BYTES, _matching, _results_bytes, inline_results
from tests.botapi.html_rules import check_html

ARABIC_START = re.compile("[\u0600-\u06ff]")


def all_views(article: Article, lang: Language) -> list[views.View]:
    rendered = [
        views.welcome(article, lang),
        views.summary(article, lang),
        views.quotes_menu(article, lang),
        views.help_view(article, lang, "news_bot"),
        views.about(article, lang),
    ]
    rendered += [views.statement_view(article, lang, n) for n in range(len(article.statements))]
    rendered += [views.full_page(article, lang, n) for n in range(1, views.page_count(article, lang) + 1)]
    for source in views.sources(article):
        pages = views.source_pages(article, lang, source.index)
        rendered += [views.source_page(article, lang, source.index, n) for n in range(1, len(pages) + 1)]
    rendered += channel_posts(article, lang, "news_bot")
    return rendered


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_view_is_valid_html_within_limits(article: Article, lang: Language) -> None:
    for view in all_views(article, lang):
        assert check_html(view.text) == []
        assert 0 < tg_len(visible(view.text)) <= 4096


def test_arabic_views_start_every_line_with_an_arabic_word(article: Article) -> None:
    offenders = {
        line.strip()[:40]
        for view in all_views(article, "ar")
        for line in visible(view.text).splitlines()
        if line.strip() and not ARABIC_START.match(line.strip())
    }
    assert offenders == set()


def test_article_text_is_escaped(article: Article) -> None:
    hostile = article.model_copy(
        update={
            "title": "<b>عنوان</b> & <script>",
            "paragraphs": ("فقرة فيها <i> و & و </blockquote> ونص عادي.",) * 3,
            "summary": ("ملخص فيه <a href='x'>رابط</a> & علامة.",),
        }
    )
    for view in (views.summary(hostile, "ar"), views.full_page(hostile, "ar", 1), views.welcome(hostile, "ar")):
        assert check_html(view.text) == []
        assert "&lt;b&gt;عنوان&lt;/b&gt; &amp; &lt;script&gt;" in view.text


def test_english_names_organisations_in_english_on_buttons_and_headers(article: Article) -> None:
    menu = views.quotes_menu(article, "en")
    labels = [b.text for row in menu.keyboard.inline_keyboard for b in row] if menu.keyboard else []
    counts = [len(source.statements) for source in views.sources(article)]
    assert labels == [f"The US-led international coalition ({counts[0]})", f"The Syrian Observatory for Human Rights ({counts[1]})"]
    assert f"The article quotes {len(article.statements)} statements." in menu.text
    assert views.source_page(article, "en", 1).text.startswith("<b>The Syrian Observatory for Human Rights</b>")
    assert "said (paraphrase):" in views.source_page(article, "en", 1).text
    # Arabic keeps the article's own names
    assert views.source_page(article, "ar", 1).text.startswith("<b>المرصد السوري لحقوق الإنسان</b>")


def test_an_organisation_the_file_does_not_know_keeps_its_arabic_name() -> None:
    assert views.source_name("هيئة غير معروفة", None, "en") == "هيئة غير معروفة"


def test_english_views_use_english_punctuation(article: Article) -> None:
    credited = article.model_copy(update={"credited_sources": ("RT", "AFP")})
    assert "Source of the text: ناس, RT, AFP." in views.summary(credited, "en").text
    assert "Credited: RT, AFP" in views.about(credited, "en").text
    assert "مصدر النص: ناس، RT، AFP." in views.summary(credited, "ar").text
    with_role = next(s for s in article.statements if s.role)
    assert f"{with_role.speaker}, {with_role.role}</b> said" in views.statement_block(with_role, "en")


def test_no_placeholder_for_what_the_article_does_not_say(article: Article) -> None:
    bare = article.model_copy(update={"dateline": None, "credited_sources": (), "outlet": None, "published": None})
    for lang in ("ar", "en"):
        for view in (views.about(bare, lang), views.summary(bare, lang), views.welcome(bare, lang)):
            assert ": -" not in view.text and "-." not in view.text
            assert "المكان" not in view.text and "Place" not in view.text
    assert "مصدر النص" not in views.summary(bare, "ar").text
    assert "الناشر: ناس" in views.welcome(article, "ar").text


def test_months_as_the_outlets_country_writes_them(article: Article) -> None:
    from bot.article.model import Dateline

    def in_place(place: str) -> str:
        moved = article.model_copy(update={"dateline": Dateline(place=place, agency="وكالة")})
        return views.about(moved, "ar").text

    assert "26 كانون الثاني 2022" in in_place("بغداد")
    assert "26 كانون الثاني 2022" in in_place("دمشق")
    assert "26 يناير 2022" in in_place("القاهرة")
    assert "26 يناير 2022" in in_place("الرياض")
    assert "26 جانفي 2022" in in_place("تونس")
    assert "26 January 2022" in views.about(article.model_copy(update={"dateline": None}), "en").text
SOURCE = "https://news.example.net/iraq/2023/05/water-talks"
IMAGE = "https://cdn.example.net/img/2023/water.jpg"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_summary_links_to_the_source_and_shows_the_lead_image(article: Article, lang: Language) -> None:
    linked = article.model_copy(update={"id": "a1b2c3d4e5f6", "url": SOURCE, "image": IMAGE})
    view = views.summary(linked, lang)
    assert view.keyboard is not None
    urls = [button.url for row in view.keyboard.inline_keyboard for button in row if button.url]
    assert urls == [SOURCE]
    preview = view.send_options["link_preview_options"]
    assert (preview.url, preview.show_above_text, preview.prefer_large_media) == (IMAGE, True, True)
    assert not preview.is_disabled
    channel = channel_posts(linked, lang, "news_bot")
    assert channel[0].preview == preview and channel[0].keyboard is not None
    assert SOURCE in [button.url for row in channel[0].keyboard.inline_keyboard for button in row]
    assert all(post.preview.is_disabled for post in channel[1:])  # the picture once, on the first post


@pytest.mark.parametrize("url", [None, "", "javascript:alert(1)", "/relative", "https://", "https://a b.example/x"])
def test_no_button_and_no_preview_without_a_web_address(article: Article, url: str | None) -> None:
    odd = article.model_copy(update={"id": "f6e5d4c3b2a1", "url": url, "image": url})
    view = views.summary(odd, "ar")
    assert view.keyboard is not None
    assert not any(button.url for row in view.keyboard.inline_keyboard for button in row)
    assert view.send_options["link_preview_options"].is_disabled
    assert views.full_page(odd, "ar", 1).send_options["link_preview_options"].is_disabled
def big_copy(article: Article, times: int) -> Article:
    """``article`` with its statements repeated ``times`` times, under another id."""
    return article.model_copy(update={"id": f"big{times:09d}", "statements": article.statements * times})


def cpu_seconds(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def test_the_library_sources_are_grouped_once_per_version(article: Article) -> None:
    """/quotes across a library holding 110,000 statements: the second call finds the groups made by the first."""
    big = big_copy(article, 5_000)
    articles = (big, article)
    first = cpu_seconds(lambda: views.library_quotes_menu(articles, "ar", big.id))
    again = cpu_seconds(lambda: views.library_quotes_menu(list(articles), "ar", big.id))  # equal, not the same object
    assert again * 20 < first
    key = views.library_sources(articles)[0].key
    page_one = cpu_seconds(lambda: views.library_source_page(articles, "ar", key, 1, big.id))
    page_two = cpu_seconds(lambda: views.library_source_page(articles, "ar", key, 2, big.id))
    assert page_two * 20 < page_one  # pages measured once; a page turn renders one page


def test_inline_answers_are_cached_by_the_normalised_query(article: Article) -> None:
    plain = inline_results(article, "التحالف الدولي", "ar", "news_bot")
    assert inline_results(article, "  التحالف   الدولي ", "ar", "news_bot") is plain
    assert inline_results(article, "التحالف\tالدولى", "ar", "news_bot") is plain  # alef maqsura folded too


def test_the_inline_cache_is_bounded_by_size(article: Article) -> None:
    """Distinct queries each matching 50 statements of 2,000 characters: more than the cache may keep."""
    words = [f"كلمة{n}" for n in range(200)]
    statement = dataclasses.replace(article.statements[0], text=" ".join(words) + " " + "نص " * 500)
    huge = article.model_copy(update={"id": "huge00000000", "statements": (statement,) * 60})
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        first = inline_results(huge, words[0], "ar", "news_bot")
        measured = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    estimated = _results_bytes(first)
    assert 0.5 < estimated / measured < 2, (estimated, measured)  # the cache weighs answers about right
    needed = INLINE_CACHE_BYTES // estimated + 20
    for word in words[1:needed]:
        assert len(inline_results(huge, word, "ar", "news_bot")) == 50
    assert _matching.cache.currsize <= INLINE_CACHE_BYTES
    assert len(_matching.cache) < needed - 10  # the oldest answers went: bounded by size, not by count
