"""The feed source: RSS and Atom feeds polled for new and changed entries, each made an article.

Each poll asks every feed that is due with a conditional GET (the ETag and Last-Modified of its
last full answer, kept in the store). Every entry the store does not know yet, or whose feed
fingerprint changed, is read: from the feed itself when it carries the story
(``content:encoded``), else by fetching its page; then extracted and parsed (in a thread) and
saved in the store with its article. An entry is recognised by its id (or link), then by content
id: the same story under a new id, or a touched entry whose article did not change, is no news.

A feed or page that fails (HTTP error, timeout, too large, not HTML, not a feed) is logged,
reported in :attr:`FeedPoller.problems` and tried again with exponential backoff; it never stops
the other feeds or entries. While an entry of a feed keeps failing, the feed's validators are
not saved, so the next poll reads the feed again instead of getting ``304 Not Modified``.

The entries of a feed read for the very first time are its backlog (:attr:`Found.backlog`):
stories published before the bot followed the feed, which the caller may choose not to treat as news.
An entry that could not be read in that first poll counts as news when a later poll reads it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.article import Article, parse_text
from bot.article.summary import DEFAULT_MAX_CHARS, DEFAULT_MAX_SENTENCES
from bot.errors import ArticleError, FetchError
from bot.store.feeds import FeedLog, StoredEntry
from bot.web.feed import FeedEntry, parse_feed
from bot.web.fetch import Fetcher, article_from_page

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 6 * 3600
"""The longest wait before trying a failing feed or page again."""
MAX_ENTRIES = 200
"""Entries read per feed and poll (a feed lists its newest first)."""
CONCURRENCY = 4
"""Pages fetched and parsed at once."""


@dataclass(frozen=True)
class Found:
    """An article a poll found: a new entry, or a new version of one already read."""

    slot: str
    article: Article
    kind: Literal["new", "changed"]
    backlog: bool
    """From a feed's first read: published before the bot followed the feed."""


@dataclass
class Health:
    """How fetching one address has gone lately."""

    failures: int = 0
    next_attempt: float = 0.0
    problem: str | None = None


@dataclass
class PollResult:
    """What one :meth:`FeedPoller.poll` did."""

    found: list[Found] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Feed or page address -> what went wrong, this poll."""
    not_modified: int = 0
    skipped: int = 0
    """Feeds and entries not tried, waiting out their backoff."""
    stopped: bool = False
    """The poll was cut short (the bot is stopping)."""


def slot_for(feed: str, key: str) -> str:
    """The library slot (and channel-post key) of one feed entry: stable across restarts."""
    return "feed-" + hashlib.sha256(f"{feed}\n{key}".encode()).hexdigest()[:12]


class FeedPoller:
    """Polls ``urls`` into the store; the caller adds what :meth:`poll` finds to its library."""

    def __init__(
        self,
        urls: Sequence[str],
        store: FeedLog,
        *,
        interval: float,
        fetcher: Fetcher | None = None,
        max_summary_sentences: int = DEFAULT_MAX_SENTENCES,
        max_summary_chars: int = DEFAULT_MAX_CHARS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.urls = list(dict.fromkeys(urls))
        self.store = store
        self.interval = interval
        self.fetcher = fetcher or Fetcher()
        self.max_summary_sentences = max_summary_sentences
        self.max_summary_chars = max_summary_chars
        self.clock = clock
        self.health: dict[str, Health] = {}
        self._limit = asyncio.Semaphore(CONCURRENCY)
        self._keep_going: Callable[[], bool] = lambda: True

    @property
    def problems(self) -> dict[str, str]:
        """Feeds and pages failing now, with what went wrong (for /stats)."""
        return {url: h.problem for url, h in self.health.items() if h.problem is not None}

    def known_articles(self, limit: int = 500) -> list[tuple[str, Article]]:
        """The articles the store holds from earlier runs (newest first): served at start-up without a fetch."""
        known: list[tuple[str, Article]] = []
        for slot, text in self.store.feed_articles(limit):
            try:
                known.append((slot, Article.from_json(text, path=slot)))
            except ArticleError as exc:
                log.warning("feeds: stored article %s cannot be read: %s", slot, exc)
        return known

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.fetcher.aclose()

    async def poll(self, keep_going: Callable[[], bool] = lambda: True) -> PollResult:
        """Read every feed that is due; never raises for a feed's or a page's failure.

        ``keep_going`` is asked before each feed and entry: when it says no (the bot is stopping),
        what is left is read at the next poll (the feed's validators are not saved).
        """
        result = PollResult()
        self._keep_going = keep_going
        for url in self.urls:
            if not keep_going():
                result.stopped = True
                break
            if not self._due(url):
                result.skipped += 1
                continue
            try:
                await self._poll_feed(url, result)
            except FetchError as exc:
                self._failed(url, exc.problem, result)
            except Exception as exc:  # a bug must not stop the other feeds
                log.error("feeds: unexpected error polling %s", url, exc_info=exc)
                self._failed(url, f"unexpected error ({type(exc).__name__})", result)
        return result

    async def _poll_feed(self, url: str, result: PollResult) -> None:
        state = self.store.feed_state(url)
        response = await self.fetcher.get(
            url, "feed", etag=state.etag if state else None, last_modified=state.last_modified if state else None
        )
        if response.not_modified:
            self._succeeded(url)
            result.not_modified += 1
            return
        feed = await asyncio.to_thread(parse_feed, response.content, url, response.content_type)
        first_read = state is None
        outcomes = await asyncio.gather(
            *(self._read_entry(url, entry, first_read, result) for entry in feed.entries[:MAX_ENTRIES])
        )
        result.found.extend(found for found in outcomes if isinstance(found, Found))
        self._succeeded(url)
        if all(outcome is not False for outcome in outcomes):  # every entry read: the next poll may get a 304
            self.store.save_feed_state(url, response.etag, response.last_modified)
        elif first_read:  # remember that the feed was read once, so what comes later is news
            self.store.save_feed_state(url, None, None)

    async def _read_entry(self, feed: str, entry: FeedEntry, first_read: bool, result: PollResult) -> Found | bool:
        """A :class:`Found`, True when there is nothing new, False when the entry could not be read."""
        stored = self.store.feed_entry(feed, entry.key)
        if stored is not None and stored.fingerprint == entry.fingerprint:
            return True
        where = entry.link or entry.key
        if entry.content_html is None and entry.link is None:
            log.debug("feeds: entry %s of %s has neither a link nor the story", entry.key, feed)
            return True
        if entry.content_html is None and not self._due(where):
            result.skipped += 1
            return False
        try:
            async with self._limit:
                if not self._keep_going():
                    result.stopped = True
                    return False
                article = await self._article(entry)
        except (FetchError, ArticleError) as exc:
            self._failed(where, exc.problem, result)
            return False
        except Exception as exc:  # a bug must not stop the other entries
            log.error("feeds: unexpected error reading %s", where, exc_info=exc)
            self._failed(where, f"unexpected error ({type(exc).__name__})", result)
            return False
        self._succeeded(where)
        slot = stored.slot if stored is not None else slot_for(feed, entry.key)
        if stored is None:
            same = self.store.feed_entry_for_article(article.id)
            if same is not None:  # the same story under another id or link: remember it, no news
                slot = same.slot
                stored = same
        record = StoredEntry(feed, entry.key, slot, article.id, entry.fingerprint)
        published = article.published.timestamp() if article.published else None
        self.store.save_feed_entry(record, article.to_json(indent=None), published)
        if stored is not None and stored.article_id == article.id:
            return True
        kind: Literal["new", "changed"] = "changed" if stored is not None else "new"
        log.info("feeds: %s entry %s (%s) from %s", kind, slot, article.id, feed)
        return Found(slot, article, kind, backlog=first_read)

    async def _article(self, entry: FeedEntry) -> Article:
        options = {"max_summary_sentences": self.max_summary_sentences, "max_summary_chars": self.max_summary_chars}
        if entry.content_html is not None:
            article = await asyncio.to_thread(parse_text, entry.page(), path=entry.link or entry.key, **options)
        else:
            assert entry.link is not None  # see _read_entry
            response = await self.fetcher.get(entry.link, "page")
            article = await asyncio.to_thread(article_from_page, response, **options)
        article = article.with_links(url=entry.link, image=entry.image)
        if article.published is None and entry.published is not None:
            article = article.model_copy(update={"published": entry.published})
        return article

    def _due(self, url: str) -> bool:
        health = self.health.get(url)
        return health is None or self.clock() >= health.next_attempt

    def _failed(self, url: str, problem: str, result: PollResult) -> None:
        health = self.health.setdefault(url, Health())
        health.failures += 1
        health.problem = problem
        delay = min(self.interval * 2 ** (health.failures - 1), MAX_BACKOFF_SECONDS)
        health.next_attempt = self.clock() + delay
        result.failed[url] = problem
        log.warning("feeds: %s: %s (failure %d, next try in %.0f s)", url, problem, health.failures, delay)

    def _succeeded(self, url: str) -> None:
        if self.health.pop(url, None) is not None:
            log.info("feeds: %s works again", url)
