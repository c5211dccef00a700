"""The corrections table: a part with its own migrations, one row per slot, target and field,
kept across a restart and applied again to a freshly parsed article."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.article import Article, load_article
from bot.article.corrections import Correction, apply_corrections, parse_correction_args
from bot.errors import StoreError
from bot.store.corrections import CorrectionLog
from bot.store.feeds import FeedLog
from bot.store.sqlite import CORRECTION_MIGRATIONS, FEED_MIGRATIONS, SCHEMA_VERSION, SqliteStore


def made(slot: str, target: str, field: str, value: str, at: float, admin: int = 7) -> Correction:
    return Correction.model_validate(
        {"slot": slot, "target": target, "field": field, "value": value, "admin_id": admin, "at": at}
    )


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "bot.sqlite3")


def test_the_store_is_a_correction_log(store: SqliteStore) -> None:
    assert isinstance(store, CorrectionLog) and isinstance(store, FeedLog)
    assert store.part_version("corrections") == len(CORRECTION_MIGRATIONS)
    assert store.corrections("a.txt") == [] and store.all_corrections(10) == [] and store.correction_count() == 0


def test_corrections_survive_close_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    kept = [made("a.txt", "0123456789", "speaker", "أحمد الشرع، الرئيس السوري", 1.5), made("a.txt", "", "outlet", "", 2.25)]
    for correction in kept:
        store.add_correction(correction)
    store.close()
    reopened = SqliteStore(path)
    assert reopened.corrections("a.txt") == kept  # every field as written, oldest first
    reopened.close()


def test_a_correction_replaces_the_one_of_the_same_slot_target_and_field(store: SqliteStore) -> None:
    store.add_correction(made("a.txt", "0123456789", "speaker", "الأول", 1, admin=1))
    store.add_correction(made("a.txt", "0123456789", "org", "un", 2))
    store.add_correction(made("b.txt", "0123456789", "speaker", "غيره", 3))
    store.add_correction(made("a.txt", "0123456789", "speaker", "الثاني", 4, admin=2))
    assert store.correction_count() == 3
    assert [(c.field, c.value, c.admin_id) for c in store.corrections("a.txt")] == [("org", "un", 7), ("speaker", "الثاني", 2)]
    assert [c.value for c in store.corrections("b.txt")] == ["غيره"]


def test_remove_says_whether_there_was_one(store: SqliteStore) -> None:
    store.add_correction(made("a.txt", "0123456789", "hidden", "1", 1))
    assert store.remove_correction("a.txt", "0123456789", "org") is False
    assert store.remove_correction("b.txt", "0123456789", "hidden") is False
    assert store.remove_correction("a.txt", "0123456789", "hidden") is True
    assert store.remove_correction("a.txt", "0123456789", "hidden") is False
    assert store.correction_count() == 0


def test_all_corrections_newest_first_within_the_limit(store: SqliteStore) -> None:
    for at, slot in [(3, "c.txt"), (1, "a.txt"), (2, "b.txt"), (4, "a.txt")]:
        store.add_correction(made(slot, "", "date" if at == 4 else "outlet", "x", at))
    assert [(c.slot, c.at) for c in store.all_corrections(10)] == [("a.txt", 4), ("c.txt", 3), ("b.txt", 2), ("a.txt", 1)]
    assert [c.at for c in store.all_corrections(2)] == [4, 3]
    store.add_correction(made("a.txt", "", "outlet", "y", 5))  # a replaced correction moves to the front
    assert [(c.slot, c.field, c.value) for c in store.all_corrections(1)] == [("a.txt", "outlet", "y")]


def test_every_method_commits_before_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    store.add_correction(made("a.txt", "", "outlet", "x", 1))
    other = sqlite3.connect(path)  # another process's view of the file, while the store is open
    assert other.execute("SELECT slot, value FROM corrections").fetchall() == [("a.txt", "x")]
    assert store.remove_correction("a.txt", "", "outlet")
    assert other.execute("SELECT COUNT(*) FROM corrections").fetchone() == (0,)
    other.close()
    store.close()


def test_a_store_made_before_corrections_gets_the_table_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    store.add_subscriber(5, "en")
    store.save_feed_state("https://x.example/feed", '"e1"', None)
    store.close()
    db = sqlite3.connect(path)  # as the store the code before corrections wrote: the other parts only
    db.executescript("DROP TABLE corrections; DELETE FROM schema_parts WHERE name = 'corrections';")
    assert db.execute("SELECT name, version FROM schema_parts ORDER BY name").fetchall() == [
        ("articles", 1),
        ("feeds", len(FEED_MIGRATIONS)),
    ]
    db.close()

    reopened = SqliteStore(path)
    assert reopened.schema_version() == SCHEMA_VERSION
    assert reopened.part_version("corrections") == len(CORRECTION_MIGRATIONS)
    assert reopened.part_version("feeds") == len(FEED_MIGRATIONS)
    assert reopened.is_subscribed(5) and reopened.feed_state("https://x.example/feed") is not None
    reopened.add_correction(made("a.txt", "", "outlet", "x", 1))
    assert reopened.correction_count() == 1
    reopened.close()


def test_a_row_this_code_cannot_read_is_a_store_error(store: SqliteStore, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    db.execute("INSERT INTO corrections VALUES ('a.txt', '', 'title', 'x', 1, 1.0)")  # a field of a newer version
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="cannot read"):
        store.corrections("a.txt")
    store.add_correction(made("b.txt", "", "outlet", "y", 2))
    assert [c.slot for c in store.all_corrections(10)] == ["b.txt"]  # what the bot reads at start-up: the rest


def test_no_correction_is_written_to_a_replaced_file(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    path.unlink()
    with pytest.raises(StoreError, match="deleted or replaced"):
        store.add_correction(made("a.txt", "", "outlet", "x", 1))


def test_corrections_from_the_store_give_the_same_version_after_a_restart(tmp_path: Path, article: Article) -> None:
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    for at, args in enumerate((["3", "speaker", "أحمد الشرع"], ["٢٠", "hide"], ["date", "2022-01-25"])):
        target, field, value = parse_correction_args(article, args)
        store.add_correction(Correction(slot="article.txt", target=target, field=field, value=value, admin_id=7, at=at))
    before = apply_corrections(article, store.corrections("article.txt")).article
    store.close()

    reopened = SqliteStore(path)  # a restart: the article parsed again, its corrections read back
    after = apply_corrections(load_article(None), reopened.corrections("article.txt"))
    assert after.article.id == before.id != article.id and after.stale == ()
    assert len(after.article.statements) == len(article.statements) - 1
    reopened.close()
