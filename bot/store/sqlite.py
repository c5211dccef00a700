"""The SQLite store: one file, created on first run, with a schema version and migrations.

Migrations are a list of SQL scripts; ``MIGRATIONS[n]`` takes the schema from version ``n`` to
``n + 1``. A database newer than this code is refused with :class:`~bot.errors.StoreError`, and
so is a damaged one (``PRAGMA quick_check`` at opening).

Tables a component owns alone (the feed poller's, the admins' corrections) are a *part* with migrations of its own,
versioned in ``schema_parts`` rather than by ``user_version``: adding one never renumbers the
main migrations.

Safe to call from threads (the bot runs store calls off its event loop): writes go through one
connection under a lock, reads through another, so a database locked by another process delays
the writer only (WAL readers never wait for a writer). Before each write the file is checked to
be the one opened: when it was deleted or replaced while running, every write fails with
:class:`~bot.errors.StoreError` instead of landing in a file nobody will open again, and the
store is never recreated empty behind the operator's back.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from bot.article.corrections import Correction, Field
from bot.errors import StoreError
from bot.store.base import (
    Acquired,
    ChannelPosts,
    Delivery,
    DeliveryKind,
    DeliveryStats,
    Lease,
    OutgoingMessage,
)
from bot.store.feeds import FeedState, StoredEntry

T = TypeVar("T")
OUTBOX = "outbox"
REDELIVERY_DELAY = 1.5
"""Seconds before a row whose send may have arrived is due again (Telegram allows 1 message/s per chat)."""

log = logging.getLogger(__name__)

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
    """
    CREATE TABLE messages (
        article_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        markup TEXT,
        preview TEXT,
        PRIMARY KEY (article_id, kind, language)
    );
    ALTER TABLE deliveries ADD COLUMN owner TEXT;
    ALTER TABLE deliveries ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        expires_at REAL NOT NULL
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
ARTICLE_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE article_versions (
        article_id TEXT PRIMARY KEY,
        slot TEXT NOT NULL,
        article TEXT NOT NULL,
        saved_at REAL NOT NULL
    );
    """,
)
CORRECTION_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE corrections (
        slot TEXT NOT NULL,
        target TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        admin_id INTEGER NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (slot, target, field)
    );
    CREATE INDEX corrections_recent ON corrections (at);
    """,
)
PARTS: dict[str, tuple[str, ...]] = {
    "feeds": FEED_MIGRATIONS,
    "articles": ARTICLE_MIGRATIONS,
    "corrections": CORRECTION_MIGRATIONS,
}
"""Each part's own migrations, applied after the main ones."""


class _FeedTables:
    """:class:`~bot.store.feeds.FeedLog` on SQLite (mixed into :class:`SqliteStore`)."""

    _db: sqlite3.Connection
    path: str

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    def _query(self, sql: str, args: tuple[object, ...] | list[object] = ()) -> list[tuple[object, ...]]:
        raise NotImplementedError

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
        rows = self._query("SELECT version FROM schema_parts WHERE name = ?", (name,))
        return int(str(rows[0][0])) if rows else 0

    def feed_state(self, url: str) -> FeedState | None:
        rows = self._query("SELECT etag, last_modified FROM feed_state WHERE url = ?", (url,))
        return FeedState(url, _text(rows[0][0]), _text(rows[0][1])) if rows else None

    def save_feed_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._write(
            lambda db: db.execute(
                "INSERT INTO feed_state (url, etag, last_modified, polled_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
                "polled_at = excluded.polled_at",
                (url, etag, last_modified, time.time()),
            )
        )

    def feed_entry(self, feed: str, key: str) -> StoredEntry | None:
        rows = self._query(
            "SELECT slot, article_id, fingerprint FROM feed_entries WHERE feed = ? AND entry_key = ?", (feed, key)
        )
        return StoredEntry(feed, key, str(rows[0][0]), str(rows[0][1]), str(rows[0][2])) if rows else None

    def feed_entry_for_article(self, article_id: str) -> StoredEntry | None:
        rows = self._query(
            "SELECT feed, entry_key, slot, fingerprint FROM feed_entries WHERE article_id = ? LIMIT 1", (article_id,)
        )
        if not rows:
            return None
        return StoredEntry(str(rows[0][0]), str(rows[0][1]), str(rows[0][2]), article_id, str(rows[0][3]))

    def save_feed_entry(self, entry: StoredEntry, article_json: str, published: float | None) -> None:
        now = time.time()
        self._write(
            lambda db: db.execute(
                "INSERT INTO feed_entries (feed, entry_key, slot, article_id, fingerprint, article, published, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed, entry_key) DO UPDATE SET "
                "slot = excluded.slot, article_id = excluded.article_id, fingerprint = excluded.fingerprint, "
                "article = excluded.article, published = excluded.published, updated_at = excluded.updated_at",
                (entry.feed, entry.key, entry.slot, entry.article_id, entry.fingerprint, article_json, published, now),
            )
        )

    def feed_articles(self, limit: int) -> list[tuple[str, str]]:
        rows = self._query(
            "SELECT slot, article FROM feed_entries ORDER BY updated_at DESC, rowid DESC LIMIT ?", (limit,)
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    def feed_entry_count(self) -> int:
        return int(str(self._query("SELECT COUNT(*) FROM feed_entries")[0][0]))


class _ArticleTables:
    """The article versions deliveries refer to (mixed into :class:`SqliteStore`)."""

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    def _query(self, sql: str, args: tuple[object, ...] | list[object] = ()) -> list[tuple[object, ...]]:
        raise NotImplementedError

    KEEP_VERSIONS = 20
    """Versions kept per slot: the newest; a button of an older one says it is out of date."""

    def save_article(self, slot: str, article_id: str, article_json: str) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO article_versions (article_id, slot, article, saved_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article_id) DO NOTHING",
                (article_id, slot, article_json, time.time()),
            )
            db.execute(
                "DELETE FROM article_versions WHERE slot = ? AND article_id NOT IN (SELECT article_id FROM "
                "article_versions WHERE slot = ? ORDER BY saved_at DESC, rowid DESC LIMIT ?)",
                (slot, slot, self.KEEP_VERSIONS),
            )

        self._write(work)

    def article_json(self, article_id: str) -> str | None:
        rows = self._query("SELECT article FROM article_versions WHERE article_id = ?", (article_id,))
        return str(rows[0][0]) if rows else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class _CorrectionTables:
    """:class:`~bot.store.corrections.CorrectionLog` on SQLite (mixed into :class:`SqliteStore`)."""

    path: str

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    def _query(self, sql: str, args: tuple[object, ...] | list[object] = ()) -> list[tuple[object, ...]]:
        raise NotImplementedError

    _COLUMNS = "slot, target, field, value, admin_id, at"
    _unreadable: list[tuple[object, ...]]

    def _correction(self, row: tuple[object, ...]) -> Correction:
        slot, target, field, value, admin_id, at = row
        try:
            return Correction.model_validate(
                {"slot": slot, "target": target, "field": field, "value": value, "admin_id": admin_id, "at": at}
            )
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise StoreError(f"the store {self.path} holds a correction this code cannot read ({problem})") from None

    def add_correction(self, correction: Correction) -> None:
        c = correction
        self._write(
            lambda db: db.execute(
                f"INSERT INTO corrections ({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (slot, target, field) DO UPDATE SET value = excluded.value, "
                "admin_id = excluded.admin_id, at = excluded.at",
                (c.slot, c.target, c.field, c.value, c.admin_id, c.at),
            )
        )

    def remove_correction(self, slot: str, target: str, field: Field) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "DELETE FROM corrections WHERE slot = ? AND target = ? AND field = ?", (slot, target, field)
            )
            return cursor.rowcount > 0

        return self._write(work)

    def corrections(self, slot: str) -> list[Correction]:
        rows = self._query(f"SELECT {self._COLUMNS} FROM corrections WHERE slot = ? ORDER BY at, rowid", (slot,))
        return [self._correction(row) for row in rows]

    def all_corrections(self, limit: int) -> list[Correction]:
        rows = self._query(f"SELECT {self._COLUMNS} FROM corrections ORDER BY at DESC, rowid DESC LIMIT ?", (limit,))
        kept: list[Correction] = []
        for row in rows:  # one row a newer version wrote must not hide the others (nor stop the bot)
            try:
                kept.append(self._correction(row))
            except StoreError as exc:
                if row not in self._unreadable:  # read again before every refresh: said once
                    self._unreadable.append(row)
                    log.warning("%s; skipped", exc)
        return kept

    def correction_count(self) -> int:
        return int(str(self._query("SELECT COUNT(*) FROM corrections")[0][0]))


class SqliteStore(_FeedTables, _ArticleTables, _CorrectionTables):
    """:class:`~bot.store.base.Store` on SQLite (WAL journal; a write and a read connection, thread-safe)."""

    def __init__(self, path: Path | str, *, hostname: str | None = None) -> None:
        self.path = str(path)
        self._unreadable = []  # correction rows this code cannot read, already logged
        self.hostname = hostname or os.uname().nodename
        self._memory = self.path == ":memory:"
        self._lock = threading.RLock()
        self._read_lock = threading.Lock()
        self._identity: tuple[int, int] | None = None
        self._gone: str | None = None
        try:
            if not self._memory:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect()
            self._check_integrity()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            self._read = self._db if self._memory else self._connect()
            self._identity = self._file_identity()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"the store {self.path} is damaged ({exc}); restore it from a backup, or move it away to start empty"
            ) from None
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=5000")
        return db

    def _check_integrity(self) -> None:
        problems = [str(row[0]) for row in self._db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise StoreError(
                f"the store {self.path} is damaged ({'; '.join(problems[:3])}); "
                "restore it from a backup, or move it away to start empty"
            )

    def _file_identity(self) -> tuple[int, int] | None:
        if self._memory:
            return None
        stat = os.stat(self.path)
        return (stat.st_dev, stat.st_ino)

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"the store {self.path} has schema {version}, newer than this code ({SCHEMA_VERSION})")
        for target in range(version, SCHEMA_VERSION):
            self._db.executescript(f"BEGIN; {MIGRATIONS[target]} PRAGMA user_version = {target + 1}; COMMIT;")
        self._migrate_parts()

    # running statements ----------------------------------------------------------------

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one immediate transaction on the write connection, in the file opened."""
        with self._lock:
            self._check_file()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = work(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                raise StoreError(f"the store {self.path} could not be written: {exc}") from None

    def _query(self, sql: str, args: tuple[object, ...] | list[object] = ()) -> list[tuple[object, ...]]:
        lock = self._lock if self._memory else self._read_lock
        with lock:
            try:
                return list(self._read.execute(sql, args).fetchall())
            except sqlite3.Error as exc:
                raise StoreError(f"the store {self.path} could not be read: {exc}") from None

    def _check_file(self) -> None:
        if self._identity is None:
            return
        if self._gone is None:
            try:
                same = self._file_identity() == self._identity
            except OSError:
                same = False
            if not same:
                self._gone = (
                    f"the store {self.path} was deleted or replaced while the bot ran; nothing more is written "
                    "to it (restore the file, or restart to open the new one)"
                )
        if self._gone is not None:
            raise StoreError(self._gone)

    def schema_version(self) -> int:
        return int(str(self._query("PRAGMA user_version")[0][0]))

    # channel posts ---------------------------------------------------------------------

    def channel_posts(self, slot: str, channel: str) -> ChannelPosts | None:
        rows = self._query(
            "SELECT article_id, message_id, position FROM channel_posts WHERE slot = ? AND channel = ? "
            "ORDER BY position",
            (slot, channel),
        )
        if not rows:
            return None
        ids = tuple(int(str(r[1])) for r in rows if int(str(r[2])) >= 0)
        return ChannelPosts(slot, channel, str(rows[0][0]), ids)

    def save_channel_posts(self, slot: str, channel: str, article_id: str, message_ids: list[int]) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM channel_posts WHERE slot = ? AND channel = ?", (slot, channel))
            # a publication without posts (no channel) is kept as position -1, so it is still a row
            rows = [(slot, channel, article_id, i, mid) for i, mid in enumerate(message_ids)] or [
                (slot, channel, article_id, -1, 0)
            ]
            db.executemany(
                "INSERT INTO channel_posts (slot, channel, article_id, position, message_id) VALUES (?, ?, ?, ?, ?)",
                rows,
            )

        self._write(work)

    def delete_channel_posts(self, slot: str, channel: str) -> None:
        self._write(lambda db: db.execute("DELETE FROM channel_posts WHERE slot = ? AND channel = ?", (slot, channel)))

    # subscribers -----------------------------------------------------------------------

    def add_subscriber(self, chat_id: int, language: str) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            existed = db.execute("SELECT 1 FROM subscribers WHERE chat_id = ?", (chat_id,)).fetchone() is not None
            db.execute(
                "INSERT INTO subscribers (chat_id, language, subscribed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
                (chat_id, language, time.time()),
            )
            return not existed

        return self._write(work)

    def remove_subscriber(self, chat_id: int) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            cursor = db.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))
            db.execute(
                "UPDATE deliveries SET state = 'dropped', error = 'unsubscribed', updated_at = ? "
                "WHERE chat_id = ? AND state = 'pending'",
                (time.time(), chat_id),
            )
            return cursor.rowcount > 0

        return self._write(work)

    def is_subscribed(self, chat_id: int) -> bool:
        return bool(self._query("SELECT 1 FROM subscribers WHERE chat_id = ?", (chat_id,)))

    # users' choices --------------------------------------------------------------------

    def set_language(self, user_id: int, language: str) -> None:
        self._write(
            lambda db: db.execute(
                "INSERT INTO user_languages (user_id, language, chosen_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, chosen_at = excluded.chosen_at",
                (user_id, language, time.time()),
            )
        )

    def languages(self) -> dict[int, str]:
        return {int(str(u)): str(lang) for u, lang in self._query("SELECT user_id, language FROM user_languages")}

    # outbox ----------------------------------------------------------------------------

    def enqueue(self, slot: str, article_id: str, kind: DeliveryKind, messages: Mapping[str, OutgoingMessage]) -> int:
        if not messages:
            raise ValueError("enqueue needs at least one message")
        languages = sorted(messages)
        fallback = "ar" if "ar" in messages else languages[0]

        def work(db: sqlite3.Connection) -> int:
            self._save_messages(db, article_id, kind, messages)
            cursor = db.execute(
                "INSERT OR IGNORE INTO deliveries (chat_id, slot, article_id, kind, language, updated_at) "
                f"SELECT chat_id, ?, ?, ?, CASE WHEN language IN ({', '.join('?' * len(languages))}) "
                "THEN language ELSE ? END, ? FROM subscribers",
                (slot, article_id, kind, *languages, fallback, time.time()),
            )
            return cursor.rowcount

        return self._write(work)

    @staticmethod
    def _save_messages(
        db: sqlite3.Connection, article_id: str, kind: DeliveryKind, messages: Mapping[str, OutgoingMessage]
    ) -> None:
        db.executemany(
            "INSERT OR IGNORE INTO messages (article_id, kind, language, text, markup, preview) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(article_id, kind, lang, m.text, m.markup, m.preview) for lang, m in messages.items()],
        )

    def save_messages(self, article_id: str, kind: DeliveryKind, messages: Mapping[str, OutgoingMessage]) -> None:
        self._write(lambda db: self._save_messages(db, article_id, kind, messages))

    def missing_messages(self) -> list[tuple[str, DeliveryKind]]:
        rows = self._query(
            "SELECT DISTINCT d.article_id, d.kind FROM deliveries d LEFT JOIN messages m "
            "ON m.article_id = d.article_id AND m.kind = d.kind AND m.language = d.language "
            "WHERE d.state = 'pending' AND m.text IS NULL"
        )
        return [(str(a), "update" if k == "update" else "new") for a, k in rows]

    def acquire_lease(self, name: str, owner: str, pid: int, host: str, ttl: float, now: float) -> Acquired:
        def work(db: sqlite3.Connection) -> Acquired:
            row = db.execute("SELECT owner, pid, host, expires_at FROM leases WHERE name = ?", (name,)).fetchone()
            holder = Lease(name, str(row[0]), int(row[1]), str(row[2]), float(row[3])) if row else None
            if holder is not None and holder.owner != owner and holder.expires_at > now and self._alive(holder):
                return Acquired(False, holder)
            db.execute(
                "INSERT INTO leases (name, owner, pid, host, expires_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, "
                "host = excluded.host, expires_at = excluded.expires_at",
                (name, owner, pid, host, now + ttl),
            )
            recovered = 0
            if name == OUTBOX and (holder is None or holder.owner != owner):
                recovered = self._put_back(db, now, "owner IS NOT ?", (owner,))
            return Acquired(True, Lease(name, owner, pid, host, now + ttl), recovered)

        return self._write(work)

    def _alive(self, holder: Lease) -> bool:
        """Whether the holder's process may still run (only a process on this host can be checked)."""
        if holder.host != self.hostname:
            return True
        try:
            os.kill(holder.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    @staticmethod
    def _put_back(db: sqlite3.Connection, now: float, condition: str, args: tuple[object, ...]) -> int:
        """Rows left ``sending`` (matching ``condition``) back to pending: their outcome is unknown.

        They are due again only after Telegram's per-chat interval, as one may just have arrived.
        """
        cursor = db.execute(
            "UPDATE deliveries SET state = 'pending', owner = NULL, unknown = unknown + 1, "
            "next_attempt_at = MAX(next_attempt_at, ?), updated_at = ? "
            f"WHERE state = 'sending' AND {condition}",
            (now + REDELIVERY_DELAY, time.time(), *args),
        )
        return cursor.rowcount

    def release_lease(self, name: str, owner: str) -> None:
        def work(db: sqlite3.Connection) -> None:
            cursor = db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))
            if name == OUTBOX and cursor.rowcount:
                self._put_back(db, time.time(), "owner = ?", (owner,))

        self._write(work)

    def lease(self, name: str) -> Lease | None:
        """The current holder of lease ``name``, expired or not (diagnostics and tests)."""
        rows = self._query("SELECT owner, pid, host, expires_at FROM leases WHERE name = ?", (name,))
        if not rows:
            return None
        owner, pid, host, expires_at = rows[0]
        return Lease(name, str(owner), int(str(pid)), str(host), float(str(expires_at)))

    def claim_due(
        self, now: float, limit: int, owner: str, article_ids: Collection[str] | None = None
    ) -> list[Delivery]:
        only, ids = self._only(article_ids, "d.article_id")

        def work(db: sqlite3.Connection) -> list[Delivery]:
            holder = db.execute("SELECT owner, expires_at FROM leases WHERE name = ?", (OUTBOX,)).fetchone()
            if holder is None or holder[0] != owner or float(holder[1]) <= now:
                return []
            rows = db.execute(
                "SELECT d.id, d.chat_id, d.slot, d.article_id, d.kind, d.language, d.attempts, "
                "m.text, m.markup, m.preview "
                "FROM deliveries d JOIN messages m "
                "ON m.article_id = d.article_id AND m.kind = d.kind AND m.language = d.language "
                f"WHERE d.state = 'pending' AND d.next_attempt_at <= ?{only} ORDER BY d.next_attempt_at, d.id LIMIT ?",
                (now, *ids, limit),
            ).fetchall()
            db.executemany(
                "UPDATE deliveries SET state = 'sending', owner = ?, updated_at = ? WHERE id = ?",
                [(owner, now, row[0]) for row in rows],
            )
            return [
                Delivery(r[0], r[1], r[2], r[3], r[4], r[5], "sending", r[6], OutgoingMessage(r[7], r[8], r[9]))
                for r in rows
            ]

        return self._write(work)

    def mark_sent(self, delivery_id: int, message_id: int) -> None:
        self._write(
            lambda db: db.execute(
                "UPDATE deliveries SET state = 'sent', message_id = ?, attempts = attempts + 1, error = NULL, "
                "owner = NULL, updated_at = ? WHERE id = ?",
                (message_id, time.time(), delivery_id),
            )
        )

    def mark_retry(
        self, delivery_id: int, at: float, error: str, *, count_attempt: bool = True, unknown: bool = False
    ) -> None:
        self._write(
            lambda db: db.execute(
                "UPDATE deliveries SET state = 'pending', next_attempt_at = ?, error = ?, owner = NULL, "
                "attempts = attempts + ?, unknown = unknown + ?, updated_at = ? WHERE id = ?",
                (at, error[:500], 1 if count_attempt else 0, 1 if unknown else 0, time.time(), delivery_id),
            )
        )

    def mark_failed(self, delivery_id: int, error: str) -> None:
        self._write(
            lambda db: db.execute(
                "UPDATE deliveries SET state = 'failed', error = ?, attempts = attempts + 1, owner = NULL, "
                "updated_at = ? WHERE id = ?",
                (error[:500], time.time(), delivery_id),
            )
        )

    def mark_dropped(self, delivery_id: int, reason: str) -> None:
        def work(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT chat_id FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
            db.execute(
                "UPDATE deliveries SET state = 'dropped', error = ?, owner = NULL, updated_at = ? WHERE id = ?",
                (reason[:500], time.time(), delivery_id),
            )
            if row is not None:
                db.execute("DELETE FROM subscribers WHERE chat_id = ?", (row[0],))
                db.execute(
                    "UPDATE deliveries SET state = 'dropped', error = ?, updated_at = ? "
                    "WHERE chat_id = ? AND state = 'pending'",
                    (reason[:500], time.time(), row[0]),
                )

        self._write(work)

    def next_due(self, article_ids: Collection[str] | None = None) -> float | None:
        only, ids = self._only(article_ids)
        rows = self._query(f"SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'{only}", ids)
        return float(str(rows[0][0])) if rows and rows[0][0] is not None else None

    @staticmethod
    def _only(article_ids: Collection[str] | None, column: str = "article_id") -> tuple[str, list[object]]:
        """An SQL condition (and its arguments) keeping the rows of ``article_ids``; nothing when None."""
        if article_ids is None:
            return "", []
        ids: list[object] = [*sorted(article_ids)]
        return (f" AND {column} IN ({', '.join('?' * len(ids))})" if ids else " AND 0"), ids

    def delivery_counts(self, article_ids: Collection[str]) -> dict[str, int]:
        only, ids = self._only(article_ids)
        rows = self._query(f"SELECT state, COUNT(*) FROM deliveries WHERE 1{only} GROUP BY state", ids)
        return {str(state): int(str(count)) for state, count in rows}

    def stats(self) -> DeliveryStats:
        counts = {str(s): int(str(n)) for s, n in self._query("SELECT state, COUNT(*) FROM deliveries GROUP BY state")}
        subscribers = int(str(self._query("SELECT COUNT(*) FROM subscribers")[0][0]))
        unknown = int(str(self._query("SELECT COALESCE(SUM(unknown), 0) FROM deliveries")[0][0]))
        return DeliveryStats(
            subscribers=subscribers,
            pending=counts.get("pending", 0),
            sending=counts.get("sending", 0),
            sent=counts.get("sent", 0),
            failed=counts.get("failed", 0),
            dropped=counts.get("dropped", 0),
            resent_unknown=unknown,
        )

    def deliveries(self, article_id: str | None = None) -> list[tuple[int, str, int]]:
        """``(chat_id, state, attempts)`` rows, for tests and diagnostics."""
        query = "SELECT chat_id, state, attempts FROM deliveries"
        args: tuple[object, ...] = ()
        if article_id is not None:
            query += " WHERE article_id = ?"
            args = (article_id,)
        return [(int(str(r[0])), str(r[1]), int(str(r[2]))) for r in self._query(query + " ORDER BY id", args)]

    def close(self) -> None:
        with self._lock:
            if self._read is not self._db:
                self._read.close()
            self._db.close()
