"""The SQLite store: one file, created on first run, with a schema version and migrations.

Migrations are a list of SQL scripts; ``MIGRATIONS[n]`` takes the schema from version ``n`` to
``n + 1``. A database newer than this code is refused with :class:`~bot.errors.StoreError`.

Tables a component owns alone (the feed poller's) are a *part* with migrations of its own,
versioned in ``schema_parts`` rather than by ``user_version``: adding one never renumbers the
main migrations.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection
from pathlib import Path

from bot.errors import StoreError
from bot.store.base import ChannelPosts, Delivery, DeliveryKind, DeliveryStats
from bot.store.feeds import FeedState, StoredEntry

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE channel_posts (
        slot TEXT NOT NULL,
        channel TEXT NOT NULL,
        article_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        PRIMARY KEY (slot, channel, position)
    );
    CREATE TABLE subscribers (
        chat_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL DEFAULT 'ar',
        subscribed_at REAL NOT NULL
    );
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        slot TEXT NOT NULL,
        article_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'ar',
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,
        message_id INTEGER,
        error TEXT,
        updated_at REAL NOT NULL,
        UNIQUE (chat_id, article_id)
    );
    CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
    """,
    """
    CREATE TABLE user_languages (
        user_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL,
        chosen_at REAL NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

FEED_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE feed_state (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        polled_at REAL NOT NULL
    );
    CREATE TABLE feed_entries (
        feed TEXT NOT NULL,
        entry_key TEXT NOT NULL,
        slot TEXT NOT NULL,
        article_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        article TEXT NOT NULL,
        published REAL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (feed, entry_key)
    );
    CREATE INDEX feed_entries_article ON feed_entries (article_id);
    CREATE INDEX feed_entries_recent ON feed_entries (updated_at);
    """,
)
PARTS: dict[str, tuple[str, ...]] = {"feeds": FEED_MIGRATIONS}
"""Each part's own migrations, applied after the main ones."""


class _FeedTables:
    """:class:`~bot.store.feeds.FeedLog` on SQLite (mixed into :class:`SqliteStore`)."""

    _db: sqlite3.Connection
    path: str

    def _migrate_parts(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_parts (name TEXT PRIMARY KEY, version INTEGER NOT NULL)")
        for name, steps in PARTS.items():
            row = self._db.execute("SELECT version FROM schema_parts WHERE name = ?", (name,)).fetchone()
            version = int(row[0]) if row else 0
            if version > len(steps):
                newer = f"has {name} schema {version}, newer than this code ({len(steps)})"
                raise StoreError(f"the store {self.path} {newer}")
            for target in range(version, len(steps)):
                self._db.executescript(
                    f"BEGIN; {steps[target]} INSERT INTO schema_parts (name, version) VALUES ('{name}', {target + 1}) "
                    f"ON CONFLICT (name) DO UPDATE SET version = excluded.version; COMMIT;"
                )

    def part_version(self, name: str) -> int:
        """The schema version of one part (0 when it has no tables yet)."""
        row = self._db.execute("SELECT version FROM schema_parts WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else 0

    def feed_state(self, url: str) -> FeedState | None:
        row = self._db.execute("SELECT etag, last_modified FROM feed_state WHERE url = ?", (url,)).fetchone()
        return FeedState(url, row[0], row[1]) if row else None

    def save_feed_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._db.execute(
            "INSERT INTO feed_state (url, etag, last_modified, polled_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "polled_at = excluded.polled_at",
            (url, etag, last_modified, time.time()),
        )

    def feed_entry(self, feed: str, key: str) -> StoredEntry | None:
        row = self._db.execute(
            "SELECT slot, article_id, fingerprint FROM feed_entries WHERE feed = ? AND entry_key = ?", (feed, key)
        ).fetchone()
        return StoredEntry(feed, key, row[0], row[1], row[2]) if row else None

    def feed_entry_for_article(self, article_id: str) -> StoredEntry | None:
        row = self._db.execute(
            "SELECT feed, entry_key, slot, fingerprint FROM feed_entries WHERE article_id = ? LIMIT 1", (article_id,)
        ).fetchone()
        return StoredEntry(row[0], row[1], row[2], article_id, row[3]) if row else None

    def save_feed_entry(self, entry: StoredEntry, article_json: str, published: float | None) -> None:
        now = time.time()
        self._db.execute(
            "INSERT INTO feed_entries (feed, entry_key, slot, article_id, fingerprint, article, published, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed, entry_key) DO UPDATE SET slot = excluded.slot, "
            "article_id = excluded.article_id, fingerprint = excluded.fingerprint, article = excluded.article, "
            "published = excluded.published, updated_at = excluded.updated_at",
            (entry.feed, entry.key, entry.slot, entry.article_id, entry.fingerprint, article_json, published, now),
        )

    def feed_articles(self, limit: int) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT slot, article FROM feed_entries ORDER BY updated_at DESC, rowid DESC LIMIT ?", (limit,)
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def feed_entry_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM feed_entries").fetchone()[0])


class SqliteStore(_FeedTables):
    """:class:`~bot.store.base.Store` on SQLite (WAL journal, one connection per process)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from None

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"the store {self.path} has schema {version}, newer than this code ({SCHEMA_VERSION})")
        for target in range(version, SCHEMA_VERSION):
            self._db.executescript(f"BEGIN; {MIGRATIONS[target]} PRAGMA user_version = {target + 1}; COMMIT;")
        self._migrate_parts()

    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # channel posts ---------------------------------------------------------------------

    def channel_posts(self, slot: str, channel: str) -> ChannelPosts | None:
        rows = self._db.execute(
            "SELECT article_id, message_id FROM channel_posts WHERE slot = ? AND channel = ? ORDER BY position",
            (slot, channel),
        ).fetchall()
        if not rows:
            return None
        return ChannelPosts(slot, channel, rows[0][0], tuple(int(r[1]) for r in rows))

    def save_channel_posts(self, slot: str, channel: str, article_id: str, message_ids: list[int]) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM channel_posts WHERE slot = ? AND channel = ?", (slot, channel))
            self._db.executemany(
                "INSERT INTO channel_posts (slot, channel, article_id, position, message_id) VALUES (?, ?, ?, ?, ?)",
                [(slot, channel, article_id, i, mid) for i, mid in enumerate(message_ids)],
            )

    def delete_channel_posts(self, slot: str, channel: str) -> None:
        self._db.execute("DELETE FROM channel_posts WHERE slot = ? AND channel = ?", (slot, channel))

    # subscribers -----------------------------------------------------------------------

    def add_subscriber(self, chat_id: int, language: str) -> bool:
        with self._transaction():
            existed = self.is_subscribed(chat_id)
            self._db.execute(
                "INSERT INTO subscribers (chat_id, language, subscribed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
                (chat_id, language, time.time()),
            )
        return not existed

    def remove_subscriber(self, chat_id: int) -> bool:
        with self._transaction():
            cursor = self._db.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))
            self._db.execute(
                "UPDATE deliveries SET state = 'dropped', error = 'unsubscribed', updated_at = ? "
                "WHERE chat_id = ? AND state = 'pending'",
                (time.time(), chat_id),
            )
        return cursor.rowcount > 0

    def is_subscribed(self, chat_id: int) -> bool:
        return self._db.execute("SELECT 1 FROM subscribers WHERE chat_id = ?", (chat_id,)).fetchone() is not None

    # users' choices --------------------------------------------------------------------

    def set_language(self, user_id: int, language: str) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO user_languages (user_id, language, chosen_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, chosen_at = excluded.chosen_at",
                (user_id, language, time.time()),
            )

    def languages(self) -> dict[int, str]:
        return dict(self._db.execute("SELECT user_id, language FROM user_languages").fetchall())

    # outbox ----------------------------------------------------------------------------

    def enqueue(self, slot: str, article_id: str, kind: DeliveryKind) -> int:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO deliveries (chat_id, slot, article_id, kind, language, updated_at) "
            "SELECT chat_id, ?, ?, ?, language, ? FROM subscribers",
            (slot, article_id, kind, time.time()),
        )
        return cursor.rowcount

    def claim_due(self, now: float, limit: int, article_ids: Collection[str] | None = None) -> list[Delivery]:
        only, ids = self._only(article_ids)
        args: list[object] = [now, *ids]
        with self._transaction():
            rows = self._db.execute(
                "SELECT id, chat_id, slot, article_id, kind, language, attempts FROM deliveries "
                f"WHERE state = 'pending' AND next_attempt_at <= ?{only} ORDER BY next_attempt_at, id LIMIT ?",
                (*args, limit),
            ).fetchall()
            self._db.executemany(
                "UPDATE deliveries SET state = 'sending', updated_at = ? WHERE id = ?",
                [(now, row[0]) for row in rows],
            )
        return [Delivery(r[0], r[1], r[2], r[3], r[4], r[5], "sending", r[6]) for r in rows]

    def mark_sent(self, delivery_id: int, message_id: int) -> None:
        self._db.execute(
            "UPDATE deliveries SET state = 'sent', message_id = ?, attempts = attempts + 1, error = NULL, "
            "updated_at = ? WHERE id = ?",
            (message_id, time.time(), delivery_id),
        )

    def mark_retry(self, delivery_id: int, at: float, error: str, *, count_attempt: bool = True) -> None:
        self._db.execute(
            "UPDATE deliveries SET state = 'pending', next_attempt_at = ?, error = ?, "
            "attempts = attempts + ?, updated_at = ? WHERE id = ?",
            (at, error[:500], 1 if count_attempt else 0, time.time(), delivery_id),
        )

    def mark_failed(self, delivery_id: int, error: str) -> None:
        self._db.execute(
            "UPDATE deliveries SET state = 'failed', error = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
            (error[:500], time.time(), delivery_id),
        )

    def mark_dropped(self, delivery_id: int, reason: str) -> None:
        with self._transaction():
            row = self._db.execute("SELECT chat_id FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
            self._db.execute(
                "UPDATE deliveries SET state = 'dropped', error = ?, updated_at = ? WHERE id = ?",
                (reason[:500], time.time(), delivery_id),
            )
            if row is not None:
                self._db.execute("DELETE FROM subscribers WHERE chat_id = ?", (row[0],))
                self._db.execute(
                    "UPDATE deliveries SET state = 'dropped', error = ?, updated_at = ? "
                    "WHERE chat_id = ? AND state = 'pending'",
                    (reason[:500], time.time(), row[0]),
                )

    def next_due(self, article_ids: Collection[str] | None = None) -> float | None:
        only, ids = self._only(article_ids)
        row = self._db.execute(
            f"SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'{only}", ids
        ).fetchone()
        return float(row[0]) if row and row[0] is not None else None

    @staticmethod
    def _only(article_ids: Collection[str] | None) -> tuple[str, list[str]]:
        """An SQL condition (and its arguments) keeping the rows of ``article_ids``; nothing when None."""
        if article_ids is None:
            return "", []
        ids = sorted(article_ids)
        return (f" AND article_id IN ({', '.join('?' * len(ids))})" if ids else " AND 0"), ids

    def recover(self, older_than: float | None = None) -> int:
        cutoff = float("inf") if older_than is None else older_than
        cursor = self._db.execute(
            "UPDATE deliveries SET state = 'pending', updated_at = ? WHERE state = 'sending' AND updated_at < ?",
            (time.time(), cutoff),
        )
        return cursor.rowcount

    def stats(self) -> DeliveryStats:
        counts = dict(self._db.execute("SELECT state, COUNT(*) FROM deliveries GROUP BY state").fetchall())
        subscribers = int(self._db.execute("SELECT COUNT(*) FROM subscribers").fetchone()[0])
        return DeliveryStats(
            subscribers=subscribers,
            pending=int(counts.get("pending", 0)),
            sending=int(counts.get("sending", 0)),
            sent=int(counts.get("sent", 0)),
            failed=int(counts.get("failed", 0)),
            dropped=int(counts.get("dropped", 0)),
        )

    def deliveries(self, article_id: str | None = None) -> list[tuple[int, str, int]]:
        """``(chat_id, state, attempts)`` rows, for tests and diagnostics."""
        query = "SELECT chat_id, state, attempts FROM deliveries"
        args: tuple[str, ...] = ()
        if article_id is not None:
            query += " WHERE article_id = ?"
            args = (article_id,)
        return [(int(r[0]), str(r[1]), int(r[2])) for r in self._db.execute(query + " ORDER BY id", args)]

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
