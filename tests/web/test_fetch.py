"""Fetching pages: limits, content types, charsets, and ``python -m bot parse URL``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.errors import FetchError
from bot.web.fetch import Fetcher, fetch_article
from tests.pages import STORIES, TEMPLATES, encoded
from tests.web.server import Route, Site

STORY = STORIES[0]


async def test_a_page_is_fetched_extracted_and_parsed(site: Site) -> None:
    site.routes["/a"] = Route(encoded(TEMPLATES["semantic"](STORY), "utf-8"))
    article = await fetch_article(site.url("/a"))
    assert article.paragraphs == STORY.paragraphs and article.outlet == STORY.outlet
    assert article.url == STORY.url  # the page's canonical address, not the one fetched


async def test_the_address_fetched_stands_in_for_a_missing_canonical_url(site: Site) -> None:
    site.routes["/old"] = Route(redirect="/b")
    site.routes["/b"] = Route(encoded(TEMPLATES["div_soup"](STORY), "utf-8"))
    article = await fetch_article(site.url("/old"))
    assert article.url == site.url("/b")  # after the redirect


@pytest.mark.parametrize(
    ("header", "declared", "sent"),
    [
        ("text/html; charset=windows-1256", "windows-1256", "cp1256"),  # header and meta agree
        ("text/html", "windows-1256", "cp1256"),  # charset from the meta
        ("text/html; charset=utf-8", "windows-1256", "cp1256"),  # the header is wrong
        ("text/html; charset=windows-1256", "utf-8", "utf-8"),  # the header is wrong the other way
        ("text/html; charset=iso-8859-6", "utf-8", "iso8859-6"),  # an Arabic charset only the header names
    ],
)
async def test_the_charset_comes_from_the_header_or_the_meta_and_the_bytes_overrule_both(
    site: Site, header: str, declared: str, sent: str
) -> None:
    page = TEMPLATES["table_layout"](STORY).replace("charset=windows-1256", f"charset={declared}")
    site.routes["/p"] = Route(encoded(page, sent), content_type=header)
    article = await fetch_article(site.url("/p"))
    assert article.paragraphs == STORY.paragraphs and article.title == STORY.title


@pytest.mark.parametrize(
    ("route", "words"),
    [
        (Route(b"gone", status=404), "HTTP 404"),
        (Route(b"oops", status=500), "HTTP 500"),
        (Route(b"%PDF-1.4", content_type="application/pdf"), "not an HTML page (application/pdf)"),
        (Route(b"\x89PNG", content_type="image/png"), "not an HTML page"),
        (Route(stream_bytes=20_000_000, headers={"Content-Length": "20000000"}), "too large (20.0 MB"),
        (Route(stream_bytes=20_000_000), "too large (over 1.0 MB)"),  # no length given: cut off while streaming
    ],
    ids=["404", "500", "pdf", "png", "20MB-declared", "20MB-chunked"],
)
async def test_bad_answers_are_one_clear_error(site: Site, route: Route, words: str) -> None:
    site.routes["/x"] = route
    async with Fetcher(max_bytes=1_000_000) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(site.url("/x"), "page")
    assert words in caught.value.problem and site.url("/x") in str(caught.value)


async def test_a_slow_server_times_out(site: Site) -> None:
    site.routes["/slow"] = Route(b"<p>late</p>", delay=1.5)
    async with Fetcher(timeout=0.3) as fetcher:
        with pytest.raises(FetchError, match=r"0\.3 s"):
            await fetcher.get(site.url("/slow"))


async def test_redirects_are_capped(site: Site) -> None:
    for n in range(8):
        site.routes[f"/r{n}"] = Route(redirect=f"/r{n + 1}")
    async with Fetcher(max_redirects=3) as fetcher:
        with pytest.raises(FetchError, match="more than 3 redirects"):
            await fetcher.get(site.url("/r0"))
    assert site.hits["/r3"] == 1 and site.hits["/r5"] == 0


@pytest.mark.parametrize("address", ["ftp://example.org/a", "file:///etc/passwd", "news.example.net/a", "http://"])
async def test_only_web_addresses_are_fetched(address: str) -> None:
    async with Fetcher() as fetcher:
        with pytest.raises(FetchError, match="not a web address"):
            await fetcher.get(address)


async def test_a_refused_connection_is_a_fetch_error() -> None:
    async with Fetcher(timeout=2) as fetcher:
        with pytest.raises(FetchError, match="cannot be fetched"):
            await fetcher.get("http://127.0.0.1:9/nothing-listens-here")


def test_cli_parse_url_prints_the_same_json(site: Site) -> None:
    site.routes["/a"] = Route(encoded(TEMPLATES["inline_dateline"](STORY), "utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "parse", site.url("/a")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["paragraphs"] == list(STORY.paragraphs) and printed["image"] == STORY.image
    assert printed["dateline"]["agency"] == STORY.agency and printed["source_format"] == "html"


def test_cli_parse_url_failure_is_one_line_exit_2(site: Site) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "parse", site.url("/missing")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "HTTP 404" in done.stderr and "Traceback" not in done.stderr
