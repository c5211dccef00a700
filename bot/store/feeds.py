"""What the feed poller keeps in the store: each feed's last answer, and each entry it turned into an article.

Entries are recognised across restarts by the feed's id for them (``guid``, else the link), then
by content id: the same story under a new id is no news. The article's JSON is kept with the
entry, so after a restart the bot serves the feed's articles without fetching a page again, and
the versions deliveries refer to are in the store, not only in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class FeedState:
    """The validators of a feed's last full answer, for the next conditional GET."""

    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class StoredEntry:
    """A feed entry the bot has read, and the article it made of it."""

    feed: str
    key: str
    slot: str
    article_id: str
    fingerprint: str


@runtime_checkable
class FeedLog(Protocol):
    """The store's feed tables. Every method commits before it returns."""

    def feed_state(self, url: str) -> FeedState | None:
        """The validators of ``url``'s last answer; None when it was never read."""
        ...

    def save_feed_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember the validators of ``url``'s last answer."""
        ...

    def feed_entry(self, feed: str, key: str) -> StoredEntry | None:
        """The entry ``key`` of ``feed``, if read before."""
        ...

    def feed_entry_for_article(self, article_id: str) -> StoredEntry | None:
        """Any entry, of any feed, that gave the article ``article_id``."""
        ...

    def save_feed_entry(self, entry: StoredEntry, article_json: str, published: float | None) -> None:
        """Insert or replace an entry with its current article (JSON written by ``Article.to_json``)."""
        ...

    def feed_articles(self, limit: int) -> list[tuple[str, str]]:
        """``(slot, article JSON)`` of the ``limit`` most recently read entries, newest first."""
        ...

    def feed_entry_count(self) -> int:
        """How many entries the feeds have given (for /stats)."""
        ...
