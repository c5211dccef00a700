from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.article import load_article
from bot.articles.cache import cached, load_article_cached, parser_fingerprint, prune, read_entry, write_entry
from bot.errors import SourceError
from tests.article.conftest import OTHER_OUTLET


def test_cache_gives_the_same_article_and_is_used(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    cache_dir = tmp_path / "cache"
    first = load_article_cached(source, cache_dir)
    entries = list(cache_dir.glob("*.jsonl"))
    assert first == load_article(source) and len(entries) == 1
    # a hand-made change to the cache entry shows it is what the second load reads
    entries[0].write_text(entries[0].read_text("utf-8").replace(first.title, "عنوان من الذاكرة"), "utf-8")
    assert load_article_cached(source, cache_dir).title == "عنوان من الذاكرة"


def test_changed_file_or_options_make_a_new_entry(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    cache_dir = tmp_path / "cache"
    load_article_cached(source, cache_dir)
    source.write_text(OTHER_OUTLET.replace("40 شخصا", "41 شخصا"), "utf-8")
    changed = load_article_cached(source, cache_dir)
    assert "41 شخصا" in " ".join(changed.paragraphs)
    load_article_cached(source, cache_dir, max_summary_sentences=2)
    assert len(list(cache_dir.glob("*.jsonl"))) == 3
    assert len(parser_fingerprint()) == 16


def test_broken_cache_entry_is_parsed_again_and_errors_stay_clear(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    cache_dir = tmp_path / "cache"
    load_article_cached(source, cache_dir)
    entry = next(cache_dir.glob("*.jsonl"))
    entry.write_text("{broken", "utf-8")
    assert load_article_cached(source, cache_dir) == load_article(source)
    with pytest.raises(SourceError, match="no such file"):
        load_article_cached(tmp_path / "missing.txt", cache_dir)
    assert load_article_cached(source, None) == load_article(source)


def test_an_entry_holds_the_whole_article_and_a_cut_one_is_parsed_again(tmp_path: Path) -> None:
    article = load_article()
    entry = tmp_path / "cache" / "x.jsonl"
    write_entry(entry, article)
    assert read_entry(entry) == article and read_entry(entry).id == article.id
    lines = entry.read_bytes().splitlines(keepends=True)
    assert len(lines) == 1 + len(article.paragraphs) + len(article.statements)
    entry.write_bytes(b"".join(lines[: len(lines) // 2]))  # a disk that filled up mid-write, say
    assert cached(entry) is None


def test_pruning_drops_unused_old_format_and_stale_temporary_entries_and_nothing_else(tmp_path: Path) -> None:
    now = time.time()
    used, unused, old_format = (tmp_path / f"{c * 32}.{ext}" for c, ext in (("a", "jsonl"), ("b", "jsonl"), ("c", "json")))
    stale_tmp, fresh_tmp = tmp_path / "article-1.tmp", tmp_path / "article-2.tmp"
    others = [tmp_path / "notes.json", tmp_path / "old-other.tmp", tmp_path / "article.jsonl"]  # not the cache's
    for item in (used, unused, old_format, stale_tmp, fresh_tmp, *others):
        item.write_text("x", "utf-8")
    month = 31 * 86400
    for item in (unused, *others):
        os.utime(item, (now - month, now - month))
    os.utime(stale_tmp, (now - 7200, now - 7200))
    removed = prune(tmp_path, now=now)
    assert sorted(removed) == sorted([unused, old_format, stale_tmp])
    assert sorted(tmp_path.iterdir()) == sorted([used, fresh_tmp, *others])


def test_a_read_only_entry_is_still_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "a.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    first = load_article_cached(source, tmp_path / "cache")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "utime", refuse)
    monkeypatch.setattr("bot.articles.cache.parse_bytes", lambda *a, **k: pytest.fail("parsed again"))
    assert load_article_cached(source, tmp_path / "cache") == first


def test_reading_an_entry_marks_it_used(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    load_article_cached(source, tmp_path / "cache")
    entry = next((tmp_path / "cache").glob("*.jsonl"))
    os.utime(entry, (0, 0))
    load_article_cached(source, tmp_path / "cache")
    assert entry.stat().st_mtime > time.time() - 60
