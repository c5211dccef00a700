"""HTML pages: the story out of the site's debris, and the metadata from where the page keeps it."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from bot.article import parse_bytes, parse_text
from bot.article.page import read_page
from bot.errors import NoBodyError
from tests.pages import EXPECTED_DATELINE, STORIES, TEMPLATES, Story, encoded

OPEN_GRAPH = {"semantic", "inline_dateline"}  # the templates with og:url and og:image


@pytest.mark.parametrize("charset", ["utf-8", "cp1256"])
@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.slug.split("/")[0])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_gives_exactly_the_story(template: str, story: Story, charset: str) -> None:
    """Each template declares one charset; the page is sent in both, so half the cases declare it wrongly."""
    article = parse_bytes(encoded(TEMPLATES[template](story), charset), path=f"{template}.html")
    assert article.source_format == "html"
    assert article.paragraphs == story.paragraphs  # no menu, share bar, related story, policy or footer line
    assert article.title == story.title
    assert article.published == datetime.fromisoformat(story.published)
    assert article.outlet == story.outlet  # from og:site_name, the JSON-LD publisher or application-name
    if EXPECTED_DATELINE[template]:
        assert article.dateline is not None
        assert article.dateline.place.startswith(story.place) and article.dateline.agency == story.agency
    else:
        assert article.dateline is None
    if template in OPEN_GRAPH:
        assert (article.url, article.image) == (story.url, story.image)
    assert len(article.statements) >= 3


def test_a_header_line_is_never_the_dateline_or_the_outlet() -> None:
    """``عربي | English`` in an edition switcher looks like ``place | agency``; a page naming no site has no outlet."""
    page = f"""<html><head><title>{STORIES[0].title}</title></head><body>
    <div class="edition">عربي | English</div><div class="city">بغداد - صحو</div>
    <h1>{STORIES[0].title}</h1>
    {"".join(f"<p>{p}</p>" for p in STORIES[0].paragraphs)}
    </body></html>"""
    article = parse_text(page)
    assert article.dateline is None and article.outlet is None
    assert article.paragraphs == STORIES[0].paragraphs


def test_read_also_inside_the_story_is_not_a_dateline() -> None:
    story = STORIES[1]
    body = [f"<p>{story.paragraphs[0]}</p>", f"<p>اقرأ أيضاً: {story.related[0]}</p>"]
    page = f"<html><head><title>{story.title}</title></head><body><article><h1>{story.title}</h1>{''.join(body)}"
    page += "".join(f"<p>{p}</p>" for p in story.paragraphs[1:]) + "</article></body></html>"
    article = parse_text(page)
    assert article.dateline is None
    assert article.paragraphs == story.paragraphs


def test_a_host_name_is_not_an_outlet() -> None:
    """trafilatura falls back to the host name for the site name; that names no outlet."""
    story = STORIES[2]
    page = f"""<html><head><title>{story.title}</title><link rel="canonical" href="https://www.example.org/a/1"></head>
    <body><article><h1>{story.title}</h1>{"".join(f"<p>{p}</p>" for p in story.paragraphs)}</article></body></html>"""
    result = read_page(page)
    assert result.url == "https://www.example.org/a/1" and result.site_name is None


def test_a_page_without_a_story_is_no_body() -> None:
    page = "<html><head><title>Home</title></head><body><nav><a href='/'>Home</a> <a href='/en'>English</a></nav></body></html>"
    with pytest.raises(NoBodyError):
        parse_text(page)


def _nested(depth: int) -> str:
    """``depth`` unclosed ``<div>`` before the story: deeper than libxml2 builds a tree for."""
    story = STORIES[0]
    body = "".join(f"<p>{p}</p>" for p in story.paragraphs)
    return f"<html><head><title>{story.title}</title></head><body>{'<div>' * depth}{body}</body></html>"


def test_deeply_nested_unclosed_divs_still_give_the_story() -> None:
    article = parse_text(_nested(32_000))  # 160 KB
    assert article.paragraphs == STORIES[0].paragraphs


def _cpu_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        parse_text(text)
        best = min(best, time.process_time() - started)
    return best


def test_deep_nesting_is_read_in_linear_time() -> None:
    """Doubling the page (80 KB -> 160 KB of unclosed ``<div>``) at most about doubles the time (quadratic: x4)."""
    parse_text(_nested(1000))  # warm up: imports, trafilatura's caches
    small, large = _cpu_seconds(_nested(16_000)), _cpu_seconds(_nested(32_000))
    assert large / small < 3.0, (small, large)
