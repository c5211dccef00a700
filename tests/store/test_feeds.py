"""The feed tables: a part with its own migrations, and what the poller keeps there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.store.feeds import FeedLog, StoredEntry
from bot.store.sqlite import FEED_MIGRATIONS, PARTS, SCHEMA_VERSION, SqliteStore


def test_an_older_store_gets_the_feed_tables_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    store.add_subscriber(5, "en")
    store.close()
    db = sqlite3.connect(path)  # as a store written before the feed tables existed (and any other part)
    db.executescript(
        "DROP TABLE feed_entries; DROP TABLE feed_state; DROP TABLE article_versions; DROP TABLE corrections; "
        "DROP TABLE schema_parts;"
    )
    db.close()

    reopened = SqliteStore(path)
    assert reopened.schema_version() == SCHEMA_VERSION and reopened.part_version("feeds") == len(FEED_MIGRATIONS)
    assert reopened.is_subscribed(5) and isinstance(reopened, FeedLog) and reopened.part_version("articles") == 1
    reopened.save_feed_state("https://x.example/feed", '"e1"', None)
    state = reopened.feed_state("https://x.example/feed")
    assert state is not None and (state.etag, state.last_modified) == ('"e1"', None)
    reopened.close()


@pytest.mark.parametrize("part", sorted(PARTS))
def test_a_newer_schema_of_any_part_is_refused(tmp_path: Path, part: str) -> None:
    path = tmp_path / "bot.sqlite3"
    SqliteStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_parts SET version = 99 WHERE name = ?", (part,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=f"{part} schema 99"):
        SqliteStore(path)


def test_entries_by_key_and_by_article_newest_first(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "bot.sqlite3")
    first = StoredEntry("https://x.example/feed", "urn:1", "feed-aaa", "id1", "f1")
    store.save_feed_entry(first, '{"title": "a", "paragraphs": ["x"]}', None)
    store.save_feed_entry(StoredEntry("https://x.example/feed", "urn:2", "feed-bbb", "id2", "f2"), "{}", 1.0)
    store.save_feed_entry(StoredEntry(first.feed, "urn:1", "feed-aaa", "id3", "f3"), '{"v": 2}', None)  # a new version
    assert store.feed_entry(first.feed, "urn:1") == StoredEntry(first.feed, "urn:1", "feed-aaa", "id3", "f3")
    assert store.feed_entry(first.feed, "urn:9") is None
    assert store.feed_entry_for_article("id2") is not None and store.feed_entry_for_article("id1") is None
    assert [slot for slot, _ in store.feed_articles(10)] == ["feed-aaa", "feed-bbb"]
    assert store.feed_articles(1) == [("feed-aaa", '{"v": 2}')] and store.feed_entry_count() == 2
    store.close()
