from __future__ import annotations

from pathlib import Path

import pytest

from bot.article import load_article
from bot.article.cache import load_article_cached, parser_fingerprint
from bot.errors import SourceError

from .conftest import OTHER_OUTLET


def test_cache_gives_the_same_article_and_is_used(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    cache_dir = tmp_path / "cache"
    first = load_article_cached(source, cache_dir)
    entries = list(cache_dir.glob("*.json"))
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
    assert len(list(cache_dir.glob("*.json"))) == 3
    assert len(parser_fingerprint()) == 16


def test_broken_cache_entry_is_parsed_again_and_errors_stay_clear(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    cache_dir = tmp_path / "cache"
    load_article_cached(source, cache_dir)
    entry = next(cache_dir.glob("*.json"))
    entry.write_text("{broken", "utf-8")
    assert load_article_cached(source, cache_dir) == load_article(source)
    with pytest.raises(SourceError, match="no such file"):
        load_article_cached(tmp_path / "missing.txt", cache_dir)
    assert load_article_cached(source, None) == load_article(source)
