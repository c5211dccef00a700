from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.store.sqlite import SCHEMA_VERSION, SqliteStore


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
    assert store.enqueue("a", "v1", "new") == 3
    assert store.enqueue("a", "v1", "new") == 0
    assert store.enqueue("a", "v2", "update") == 3
    assert store.stats().pending == 6


def test_claim_send_retry_fail_drop_and_recover(store: SqliteStore) -> None:
    for chat in (1, 2, 3, 4):
        store.add_subscriber(chat, "ar")
    store.enqueue("a", "v1", "new")
    claimed = store.claim_due(now=100.0, limit=10)
    assert [d.chat_id for d in claimed] == [1, 2, 3, 4]
    assert store.claim_due(now=100.0, limit=10) == []  # claimed rows are not handed out twice
    one, two, three, four = claimed
    store.mark_sent(one.id, 55)
    store.mark_retry(two.id, at=200.0, error="500")
    store.mark_failed(three.id, "400 bad")
    store.mark_dropped(four.id, "403 blocked")
    stats = store.stats()
    assert (stats.sent, stats.pending, stats.failed, stats.dropped, stats.subscribers) == (1, 1, 1, 1, 3)
    assert store.claim_due(now=150.0, limit=10) == []  # not due yet
    assert store.next_due() == 200.0
    again = store.claim_due(now=250.0, limit=10)
    assert [d.chat_id for d in again] == [2] and again[0].attempts == 1
    assert store.recover() == 1  # a crash left it "sending"
    assert store.stats().pending == 1


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


def test_lease_and_article_filter_let_a_second_process_run_beside(store: SqliteStore) -> None:
    for chat in (1, 2):
        store.add_subscriber(chat, "ar")
    store.enqueue("a", "v1", "new")
    store.enqueue("b", "w1", "new")
    mine = store.claim_due(now=100.0, limit=10, article_ids={"v1"})
    assert {d.article_id for d in mine} == {"v1"} and len(mine) == 2
    assert store.next_due({"v1"}) is None and store.next_due({"w1"}) is not None
    assert store.recover(older_than=50.0) == 0  # claimed at 100: still leased to the other process
    assert store.recover(older_than=150.0) == 2


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
