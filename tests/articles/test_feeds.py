"""The feed poller against a feed server and a page server on 127.0.0.1, with a real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.articles.feeds import FeedPoller, slot_for
from bot.store.sqlite import SqliteStore
from bot.web.fetch import Fetcher
from tests.pages import STORIES, TEMPLATES, Item, atom, encoded, rss
from tests.web.server import Route, Site

INTERVAL = 60.0


class Clock:
    """The poller's clock, moved by the test (backoff without waiting)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "bot.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _poller(site: Site, store: SqliteStore, clock: Clock, *feeds: str, timeout: float = 5.0) -> FeedPoller:
    return FeedPoller(
        [site.url(f) for f in feeds],
        store,
        interval=INTERVAL,
        fetcher=Fetcher(timeout=timeout, max_bytes=2_000_000),
        clock=clock,
    )


def _pages(site: Site, *indexes: int, template: str = "semantic") -> list[Item]:
    items = []
    for index in indexes:
        story = STORIES[index]
        site.routes[f"/news/{index}"] = Route(encoded(TEMPLATES[template](story), "utf-8"))
        items.append(Item(f"urn:story:{index}", site.url(f"/news/{index}"), story))
    return items


async def test_first_read_is_backlog_then_a_conditional_get_then_news(
    site: Site, store: SqliteStore, clock: Clock
) -> None:
    items = _pages(site, 0, 1)
    site.routes["/feed"] = Route(rss(items), content_type="application/rss+xml", etag='"v1"')
    poller = _poller(site, store, clock, "/feed")
    first = await poller.poll()
    assert [(f.kind, f.backlog) for f in first.found] == [("new", True), ("new", True)]
    assert [f.article.paragraphs for f in first.found] == [STORIES[0].paragraphs, STORIES[1].paragraphs]
    assert first.found[0].slot == slot_for(site.url("/feed"), "urn:story:0")

    again = await poller.poll()  # same ETag: 304, no page fetched again
    assert again.not_modified == 1 and again.found == []
    assert site.requests[-1][1].get("If-None-Match") == '"v1"'
    assert site.hits["/news/0"] == 1

    items += _pages(site, 2)
    site.routes["/feed"] = Route(rss(items), content_type="application/rss+xml", etag='"v2"')
    later = await poller.poll()
    assert [(f.kind, f.backlog, f.article.title) for f in later.found] == [("new", False, STORIES[2].title)]
    assert (site.hits["/news/0"], site.hits["/news/2"]) == (1, 1)  # only the new entry's page
    await poller.aclose()


async def test_full_text_in_the_feed_needs_no_page_fetch(site: Site, store: SqliteStore, clock: Clock) -> None:
    story = STORIES[1]
    image = "https://cdn.example.net/feed.jpg"
    item = Item("urn:full", site.url("/never-fetched"), story, full_text=True, image=image)
    site.routes["/feed"] = Route(rss([item]), content_type="application/rss+xml")
    poller = _poller(site, store, clock, "/feed")
    [found] = (await poller.poll()).found
    assert site.hits["/never-fetched"] == 0
    assert found.article.paragraphs == story.paragraphs and found.article.title == story.title
    assert (found.article.url, found.article.image) == (site.url("/never-fetched"), image)
    assert found.article.published is not None  # from the feed's pubDate
    await poller.aclose()


async def test_an_atom_feed_with_last_modified(site: Site, store: SqliteStore, clock: Clock) -> None:
    items = _pages(site, 2, template="div_soup")
    stamp = "Tue, 20 Feb 2024 06:10:00 GMT"
    site.routes["/atom"] = Route(atom(items), content_type="application/atom+xml", last_modified=stamp)
    poller = _poller(site, store, clock, "/atom")
    assert [f.article.outlet for f in (await poller.poll()).found] == [STORIES[2].outlet]
    assert (await poller.poll()).not_modified == 1
    assert site.requests[-1][1].get("If-Modified-Since") == stamp
    await poller.aclose()


async def test_changed_touched_and_duplicated_entries(site: Site, store: SqliteStore, clock: Clock) -> None:
    items = _pages(site, 0)
    site.routes["/feed"] = Route(rss(items), content_type="application/rss+xml")
    poller = _poller(site, store, clock, "/feed")
    [first] = (await poller.poll()).found

    # the feed lists the same story under a new id and link: recognised by its content id
    site.routes["/copy"] = site.routes["/news/0"]
    copy = Item("urn:copy", site.url("/copy"), STORIES[0])
    site.routes["/feed"] = Route(rss([*items, copy]), content_type="application/rss+xml")
    assert (await poller.poll()).found == []

    # the newsroom corrects the story: a new version in the same slot
    fixed = STORIES[0].__class__(**{**STORIES[0].__dict__, "title": STORIES[0].title + " (محدث)"})
    site.routes["/news/0"] = Route(encoded(TEMPLATES["semantic"](fixed), "utf-8"))
    site.routes["/feed"] = Route(rss([Item("urn:story:0", site.url("/news/0"), fixed), copy]), content_type="application/rss+xml")
    [changed] = (await poller.poll()).found
    assert changed.kind == "changed" and changed.slot == first.slot and changed.article.id != first.article.id
    await poller.aclose()


async def test_entries_are_recognised_across_restarts(site: Site, tmp_path: Path, clock: Clock) -> None:
    items = _pages(site, 0, 1)
    site.routes["/feed"] = Route(rss(items), content_type="application/rss+xml")  # no validators: always 200
    store = SqliteStore(tmp_path / "bot.sqlite3")
    poller = _poller(site, store, clock, "/feed")
    ids = sorted(f.article.id for f in (await poller.poll()).found)
    await poller.aclose()
    store.close()

    reopened = SqliteStore(tmp_path / "bot.sqlite3")
    restarted = _poller(site, reopened, clock, "/feed")
    assert sorted(article.id for _, article in restarted.known_articles()) == ids  # served before any fetch
    assert (await restarted.poll()).found == []
    assert (site.hits["/feed"], site.hits["/news/0"], site.hits["/news/1"]) == (2, 1, 1)
    await restarted.aclose()
    reopened.close()


async def test_failing_feeds_and_pages_are_reported_retried_with_backoff_and_stop_nothing(
    site: Site, store: SqliteStore, clock: Clock
) -> None:
    good = _pages(site, 0)
    site.routes["/good"] = Route(rss(good), content_type="application/rss+xml", etag='"g"')
    site.routes["/broken-xml"] = Route(b"<rss><channel><item><title>x", content_type="application/rss+xml")
    site.routes["/not-a-feed"] = Route(b"<html><body>hello</body></html>", content_type="text/xml")
    site.routes["/error"] = Route(b"", status=500)
    site.routes["/slow"] = Route(rss(good), content_type="application/rss+xml", delay=1.0)
    pages = _pages(site, 1)
    site.routes["/huge"] = Route(stream_bytes=20_000_000)
    site.routes["/pdf"] = Route(b"%PDF-1.4", content_type="application/pdf")
    pages += [Item("urn:missing", site.url("/gone"), STORIES[2]), Item("urn:huge", site.url("/huge"), STORIES[2])]
    pages += [Item("urn:pdf", site.url("/pdf"), STORIES[2])]
    site.routes["/mixed"] = Route(rss(pages), content_type="application/rss+xml", etag='"m"')
    feeds = ("/good", "/broken-xml", "/not-a-feed", "/error", "/slow", "/missing-feed", "/mixed")
    poller = _poller(site, store, clock, *feeds, timeout=0.5)

    result = await poller.poll()
    assert sorted(f.article.title for f in result.found) == sorted([STORIES[0].title, STORIES[1].title])
    problems = poller.problems
    assert "HTTP 500" in problems[site.url("/error")] and "HTTP 404" in problems[site.url("/missing-feed")]
    assert "not an RSS or Atom feed" in problems[site.url("/broken-xml")]
    assert "not an RSS or Atom feed" in problems[site.url("/not-a-feed")]
    assert "0.5 s" in problems[site.url("/slow")]
    assert "HTTP 404" in problems[site.url("/gone")] and "too large" in problems[site.url("/huge")]
    assert "not an HTML page" in problems[site.url("/pdf")]
    assert site.url("/good") not in problems and site.url("/mixed") not in problems

    hits = dict(site.hits)
    clock.now += INTERVAL / 2  # before the backoff ends: no failing address is tried again
    soon = await poller.poll()
    assert soon.found == [] and soon.skipped >= 8
    assert site.hits["/error"] == hits["/error"] and site.hits["/gone"] == hits["/gone"]
    assert site.hits["/mixed"] == hits["/mixed"] + 1  # read again in full (a page of it failed): no 304
    last_mixed = [headers for path, headers in site.requests if path == "/mixed"][-1]
    assert "If-None-Match" not in last_mixed

    site.routes["/error"] = Route(rss(_pages(site, 2)), content_type="application/rss+xml")
    site.routes["/gone"] = site.routes["/news/2"]
    clock.now += INTERVAL  # the first backoff (one interval) is over
    recovered = await poller.poll()
    assert site.url("/error") not in poller.problems and site.url("/gone") not in poller.problems
    # the feed that answered 500 is read for the first time (backlog); the page that was gone now holds
    # the same story, recognised by its content id: one article, found once
    assert [(f.article.title, f.backlog) for f in recovered.found] == [(STORIES[2].title, True)]
    assert "HTTP 500" not in " ".join(poller.problems.values())

    clock.now += INTERVAL
    still = await poller.poll()  # the broken XML failed twice: its wait doubled, not tried this time
    assert site.url("/broken-xml") in poller.problems and still.skipped >= 1
    await poller.aclose()


async def test_a_stopping_bot_cuts_the_poll_short_and_the_rest_comes_next_time(
    site: Site, store: SqliteStore, clock: Clock
) -> None:
    items = _pages(site, 0, 1, 2)
    site.routes["/feed"] = Route(rss(items), content_type="application/rss+xml", etag='"s"')
    poller = _poller(site, store, clock, "/feed")
    asked = 0

    def keep_going() -> bool:
        nonlocal asked
        asked += 1
        return asked <= 2  # the feed and one entry, then the bot stops

    cut = await poller.poll(keep_going)
    assert cut.stopped and len(cut.found) == 1
    rest = await poller.poll()
    assert sorted(f.article.title for f in [*cut.found, *rest.found]) == sorted(s.title for s in STORIES)
    assert not rest.stopped and (await poller.poll()).not_modified == 1
    await poller.aclose()
