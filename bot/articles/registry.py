"""The articles being served: the current version of each slot, every version by id, the order, search.

A slot is an article's place in its source: a file name in the library folder, the configured
slot of the single article, or a feed entry's slot. Every version seen while running stays
reachable by its id, so buttons on old messages keep working; a version that was delivered
before a restart is found in the store (``fallback``), since deliveries refer to it there.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cachetools import LRUCache

from bot.article import Article
from bot.article.search import SearchIndex

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MISSES = 4096
"""Ids the store did not know, remembered (the oldest forgotten first) so each is asked once."""


@dataclass(frozen=True)
class Entry:
    """The current version of one article slot (``mtime_ns`` and ``size`` of its file, 0 for other sources)."""

    slot: str
    article: Article
    mtime_ns: int = 0
    size: int = 0

    @property
    def sort_key(self) -> tuple[datetime, int]:
        return (self.article.published or _EPOCH, self.mtime_ns)


class Registry:
    """Articles by slot and by id, newest first, with a search index built off the event loop."""

    def __init__(self, *, fallback: Callable[[str], Article | None] | None = None) -> None:
        self.fallback = fallback
        """Where a version not seen while running is looked up by id (the store's article versions)."""
        self._entries: dict[str, Entry] = {}
        self._by_id: dict[str, Article] = {}
        self._missing: LRUCache[str, bool] = LRUCache(maxsize=MISSES)  # ids the fallback did not know
        self._asking = threading.Lock()
        self._index = SearchIndex()
        self._unindexed: deque[Article] = deque()
        self._indexing = threading.Lock()  # the index may be built in a thread while the bot searches
        self._articles: tuple[Article, ...] = ()  # newest first: one tuple per version, so views cache by it
        self._order: tuple[list[Entry], dict[str, int]] = ([], {})
        """Entries newest first, and each current article id's place in them: one attribute, replaced
        whole, so a search running in a thread never pairs one scan's order with another's ranks."""
        self.broken: dict[str, str] = {}
        """Slot or address -> what is wrong with it, for every source (listed by /stats)."""
        self.collection = False
        """Whether many articles are served (a folder, feeds): /latest, /list and /search are offered."""
        self.loading = False
        """Whether articles are still being loaded for the first time (users are asked to wait)."""

    # changing ----------------------------------------------------------------------------

    def put(self, entry: Entry) -> None:
        """Make ``entry`` its slot's current version (call :meth:`reorder` to serve it)."""
        self._entries[entry.slot] = entry
        self._by_id[entry.article.id] = entry.article
        self._unindexed.append(entry.article)  # indexed later: index_pending() or the next search

    def remove(self, slot: str) -> bool:
        """Stop serving ``slot`` (its versions stay reachable by id)."""
        return self._entries.pop(slot, None) is not None

    def current(self, slot: str) -> Entry | None:
        """The current version of ``slot``."""
        return self._entries.get(slot)

    def slots(self) -> list[str]:
        return list(self._entries)

    def reorder(self) -> None:
        """Serve what was put: the entries in order, newest first."""
        ordered = sorted(self._entries.values(), key=lambda e: e.sort_key, reverse=True)
        articles = tuple(entry.article for entry in ordered)
        if articles != self._articles:  # the same articles keep the same tuple: the views' caches still hold
            self._articles = articles
        self._order = (ordered, {entry.article.id: i for i, entry in enumerate(ordered)})

    # reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[Entry]:
        """Current articles, newest first."""
        return list(self._order[0])

    def articles(self) -> tuple[Article, ...]:
        """Current articles, newest first: the same tuple until the registry changes."""
        return self._articles

    def latest(self) -> Article | None:
        """The newest article."""
        ordered = self._order[0]
        return ordered[0].article if ordered else None

    def get(self, article_id: str) -> Article | None:
        """Any version seen while running, or delivered before (``fallback``, a store read: callers on
        an event loop check :meth:`in_memory` first and call this in a thread when it says no), by id."""
        article = self._by_id.get(article_id)
        if article is None and self.fallback is not None:
            with self._asking:  # several threads may ask at once; the LRU cache is not thread-safe
                if article_id in self._missing:
                    return None
            article = self.fallback(article_id)
            if article is not None:
                self._by_id[article_id] = article
            else:  # a forged or long-gone id asks the store once
                with self._asking:
                    self._missing[article_id] = True
        return article

    def in_memory(self, article_id: str) -> bool:
        """Whether :meth:`get` answers ``article_id`` without a store read."""
        if article_id in self._by_id or self.fallback is None:
            return True
        with self._asking:
            return article_id in self._missing

    def slot_of(self, article_id: str) -> str | None:
        """The slot an article id is the current version of."""
        return next((e.slot for e in self._order[0] if e.article.id == article_id), None)

    def index_pending(self) -> int:
        """Index the articles put since the last call; safe to run in a thread while the bot searches.

        Indexing takes about 0.7 ms an article, 7 s for 10,000: the bot runs it in a thread after
        each refresh rather than in the first search, and runs searches in a thread too, so that a
        search arriving meanwhile shares the work without holding up the event loop.
        """
        done = 0
        while self._unindexed:
            with self._indexing:  # one article at a time, so two threads can share the work
                if self._unindexed:
                    self._index.add(self._unindexed.popleft())
                    done += 1
        return done

    def search(self, query: str, limit: int = 10) -> list[Article]:
        """Current articles matching every word of ``query``, best first (newest first on ties)."""
        self.index_pending()
        ordered, rank = self._order  # the same scan's, even if another one finishes meanwhile
        with self._indexing:
            scores = self._index.scores(query, rank)
        best = sorted(scores, key=lambda article_id: (-scores[article_id], rank[article_id]))[:limit]
        return [ordered[rank[article_id]].article for article_id in best]
