"""ParseWorker: small or cached articles load at once, large ones in a child process, errors intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.article import load_article
from bot.article.worker import ParseWorker
from bot.errors import ArticleError, NoBodyError, SourceError

from .conftest import OTHER_OUTLET


async def test_a_large_file_is_parsed_in_a_child_then_served_from_the_cache(tmp_path: Path) -> None:
    source = tmp_path / "big.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    worker = ParseWorker(tmp_path / "cache", inline_bytes=0)  # every uncached file counts as large
    assert worker.quick(source) is None  # too large to parse here, and not cached yet
    article = await worker.load(source)
    assert article == load_article(source)
    assert worker._pool is None  # the child is stopped once nothing is pending
    assert len(list((tmp_path / "cache").glob("*.jsonl"))) == 1
    assert worker.quick(source) == article  # now it comes from the cache, without a child


def test_a_small_file_is_parsed_in_process(tmp_path: Path) -> None:
    source = tmp_path / "small.txt"
    source.write_text(OTHER_OUTLET, "utf-8")
    worker = ParseWorker(None)
    assert worker.quick(source) == load_article(source)
    assert worker._pool is None


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"\x00\x01\x02 binary", SourceError), ("الرئيسية\nتابعونا\n".encode(), NoBodyError)],
)
async def test_errors_in_the_child_come_back_as_the_same_error(
    tmp_path: Path, content: bytes, error: type[ArticleError]
) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    with pytest.raises(error) as expected:
        load_article(source)
    with pytest.raises(error) as got:
        await ParseWorker(None, inline_bytes=0).load(source)
    assert str(got.value) == str(expected.value)


def test_a_missing_file_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        ParseWorker(None).quick(tmp_path / "missing.txt")
