from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.store.base import OutgoingMessage
from bot.store.sqlite import SCHEMA_VERSION, SqliteStore

MESSAGES = {"ar": OutgoingMessage("<b>خبر</b>", '{"inline_keyboard": []}'), "en": OutgoingMessage("news")}
ME = "host:1:me"


def hold(store: SqliteStore, owner: str = ME, now: float = 100.0, pid: int | None = None) -> bool:
    """Take the outbox lease as ``owner`` (a live process: this one, unless ``pid`` says otherwise)."""
    return store.acquire_lease("outbox", owner, pid or os.getpid(), store.hostname, 15.0, now).held


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "sub" / "bot.sqlite3")


def test_created_on_first_run_with_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "new" / "db.sqlite3"
    store = SqliteStore(path)
    assert path.exists() and store.schema_version() == SCHEMA_VERSION
    store.close()
    again = SqliteStore(path)  # reopening migrates nothing and keeps data
    assert again.schema_version() == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this code"):
        SqliteStore(path)


def test_subscribers(store: SqliteStore) -> None:
    assert store.add_subscriber(1, "ar") is True
    assert store.add_subscriber(1, "en") is False
    assert store.is_subscribed(1)
    assert store.remove_subscriber(1) is True
    assert store.remove_subscriber(1) is False
    assert store.stats().subscribers == 0


def test_enqueue_once_per_subscriber_and_version(store: SqliteStore) -> None:
    for chat in (1, 2, 3):
        store.add_subscriber(chat, "ar")
    assert store.enqueue("a", "v1", "new", MESSAGES) == 3
    assert store.enqueue("a", "v1", "new", MESSAGES) == 0
    assert store.enqueue("a", "v2", "update", MESSAGES) == 3
    assert store.stats().pending == 6


def test_claim_send_retry_fail_drop_and_recover(store: SqliteStore) -> None:
    for chat in (1, 2, 3, 4):
        store.add_subscriber(chat, "ar")
    store.enqueue("a", "v1", "new", MESSAGES)
    assert store.claim_due(now=100.0, limit=10, owner=ME) == []  # not without the outbox lease
    assert hold(store)
    claimed = store.claim_due(now=100.0, limit=10, owner=ME)
    assert [d.chat_id for d in claimed] == [1, 2, 3, 4]
    assert claimed[0].message == MESSAGES["ar"]  # the row carries what to send
    assert store.claim_due(now=100.0, limit=10, owner=ME) == []  # claimed rows are not handed out twice
    one, two, three, four = claimed
    store.mark_sent(one.id, 55)
    store.mark_retry(two.id, at=200.0, error="500")
    store.mark_failed(three.id, "400 bad")
    store.mark_dropped(four.id, "403 blocked")
    stats = store.stats()
    assert (stats.sent, stats.pending, stats.failed, stats.dropped, stats.subscribers) == (1, 1, 1, 1, 3)
    assert store.claim_due(now=150.0, limit=10, owner=ME) == []  # not due yet
    assert store.next_due() == 200.0
    assert hold(store, now=110.0)
    again = store.claim_due(now=112.0, limit=10, owner=ME) + store.claim_due(now=250.0, limit=10, owner=ME)
    assert again == []  # due at 200, and at 250 the lease (renewed at 110) is over
    assert hold(store, now=250.0)
    again = store.claim_due(now=250.0, limit=10, owner=ME)
    assert [d.chat_id for d in again] == [2] and again[0].attempts == 1
    taken = store.acquire_lease("outbox", "host:2:next", os.getpid(), store.hostname, 15.0, 300.0)
    assert taken.held and taken.recovered == 1  # the lease expired: its "sending" row is back
    assert store.stats().pending == 1 and store.stats().resent_unknown == 1


def test_channel_posts(store: SqliteStore) -> None:
    assert store.channel_posts("a", "@c") is None
    store.save_channel_posts("a", "@c", "v1", [10, 11])
    posts = store.channel_posts("a", "@c")
    assert posts is not None and posts.article_id == "v1" and posts.message_ids == (10, 11)
    store.save_channel_posts("a", "@c", "v2", [10])
    posts = store.channel_posts("a", "@c")
    assert posts is not None and posts.message_ids == (10,)
    store.delete_channel_posts("a", "@c")
    assert store.channel_posts("a", "@c") is None


def test_article_filter(store: SqliteStore) -> None:
    for chat in (1, 2):
        store.add_subscriber(chat, "ar")
    store.enqueue("a", "v1", "new", MESSAGES)
    store.enqueue("b", "w1", "new", MESSAGES)
    assert hold(store)
    mine = store.claim_due(now=100.0, limit=10, owner=ME, article_ids={"v1"})
    assert {d.article_id for d in mine} == {"v1"} and len(mine) == 2
    assert store.next_due({"v1"}) is None and store.next_due({"w1"}) is not None
    assert store.delivery_counts({"v1"}) == {"sending": 2}


def test_a_live_holder_keeps_the_lease_and_a_dead_one_loses_it_at_once(store: SqliteStore) -> None:
    store.add_subscriber(1, "ar")
    store.enqueue("a", "v1", "new", MESSAGES)
    assert hold(store, "host:1:bot")
    assert len(store.claim_due(now=100.0, limit=10, owner="host:1:bot")) == 1
    other = store.acquire_lease("outbox", "host:2:cli", 1, store.hostname, 15.0, 101.0)
    assert not other.held and other.holder is not None and other.holder.owner == "host:1:bot"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert hold(store, "host:3:gone", now=102.0, pid=os.getpid()) is False
    store.release_lease("outbox", "host:1:bot")  # a clean stop puts its row back
    assert store.stats().pending == 1
    assert hold(store, "host:3:gone", now=103.0, pid=int(dead.stdout))  # now held by a process that exits
    taken = store.acquire_lease("outbox", "host:4:next", os.getpid(), store.hostname, 15.0, 104.0)
    assert taken.held  # its process is gone: taken over at once, not after 15 s


def test_rows_queued_by_an_older_version_wait_for_their_message(tmp_path: Path) -> None:
    from bot.store.sqlite import MIGRATIONS

    path = tmp_path / "v2.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(f"{MIGRATIONS[0]} {MIGRATIONS[1]} PRAGMA user_version = 2;")
        db.execute("INSERT INTO subscribers (chat_id, language, subscribed_at) VALUES (7, 'en', 0)")
        db.execute(
            "INSERT INTO deliveries (chat_id, slot, article_id, kind, language, updated_at) "
            "VALUES (7, 'a', 'v1', 'new', 'en', 0)"
        )
    store = SqliteStore(path)
    assert hold(store)
    assert store.claim_due(now=100.0, limit=10, owner=ME) == []  # no message yet: it waits, it does not fail
    assert store.missing_messages() == [("v1", "new")]
    store.save_messages("v1", "new", MESSAGES)
    assert [d.message.text for d in store.claim_due(now=100.0, limit=10, owner=ME)] == ["news"]


def test_a_damaged_store_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    for chat in range(2000):
        store.add_subscriber(chat, "ar")
    store.close()
    data = bytearray(path.read_bytes())
    for page in range(1, 6):  # the headers of a few b-tree pages overwritten
        data[page * 4096 : page * 4096 + 12] = b"\xff" * 12
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="is damaged") as raised:
        SqliteStore(path)
    assert "\n" not in str(raised.value)
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="is damaged"):
        SqliteStore(tmp_path / "junk.sqlite3")


def test_a_store_deleted_while_running_stops_writes_and_is_not_recreated(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    store.add_subscriber(1, "ar")
    for leftover in tmp_path.glob("bot.sqlite3*"):
        leftover.unlink()
    with pytest.raises(StoreError, match="deleted or replaced"):
        store.add_subscriber(2, "ar")
    assert not path.exists()  # nothing recreated it empty
    with pytest.raises(StoreError, match="deleted or replaced"):
        store.set_language(1, "en")


def test_a_version_1_store_is_migrated_and_keeps_its_subscribers(tmp_path: Path) -> None:
    from bot.store.sqlite import MIGRATIONS

    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as db:  # the store as the first release left it
        db.executescript(f"{MIGRATIONS[0]} PRAGMA user_version = 1;")
        db.execute("INSERT INTO subscribers (chat_id, language, subscribed_at) VALUES (7, 'en', 0)")
    store = SqliteStore(path)
    assert store.schema_version() == SCHEMA_VERSION >= 2
    assert store.is_subscribed(7) and store.languages() == {}


def test_language_choices_are_kept(store: SqliteStore) -> None:
    store.set_language(1, "en")
    store.set_language(2, "ar")
    store.set_language(1, "ar")
    assert store.languages() == {1: "ar", 2: "ar"}


def test_a_database_locked_by_another_process_delays_only_the_writer(tmp_path: Path) -> None:
    import threading
    import time

    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    store.add_subscriber(1, "ar")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    writer = threading.Thread(target=lambda: store.add_subscriber(2, "ar"))
    writer.start()
    time.sleep(0.2)  # the writer now waits for the lock
    started = time.monotonic()
    assert store.is_subscribed(1) and store.stats().subscribers == 1  # reads go on meanwhile
    assert time.monotonic() - started < 1.0 and writer.is_alive()
    other.execute("COMMIT")
    writer.join(timeout=10)
    assert store.is_subscribed(2)
