"""ParseWorker: small or cached articles load at once, large ones in a child process, errors intact."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.article import load_article
from bot.articles.worker import ParseWorker
from bot.errors import ArticleError, NoBodyError, SourceError, WorkerError
from tests.article.conftest import OTHER_OUTLET


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "big.txt"
    path.write_text(OTHER_OUTLET, "utf-8")
    return path


async def test_a_large_file_is_parsed_in_a_child_then_served_from_the_cache(source: Path, tmp_path: Path) -> None:
    worker = ParseWorker(tmp_path / "cache", inline_bytes=0)  # every uncached file counts as large
    assert worker.quick(source) is None  # too large to parse here, and not cached yet
    article = await worker.load(source)
    assert article == load_article(source)
    assert len(list((tmp_path / "cache").glob("*.jsonl"))) == 1  # written by the child
    assert worker.quick(source) == article  # now it comes from the cache, without a child


@pytest.mark.parametrize("cache", ["none", "unwritable"])
async def test_without_a_usable_cache_the_child_sends_the_article_back(source: Path, tmp_path: Path, cache: str) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", "utf-8")
    worker = ParseWorker(None if cache == "none" else blocker / "cache", inline_bytes=0)
    assert await worker.load(source) == load_article(source)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt", "not-a-folder"]  # nothing left behind


def test_a_small_file_is_parsed_in_process(source: Path) -> None:
    assert ParseWorker(None).quick(source) == load_article(source)


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"\x00\x01\x02 binary", SourceError), ("الرئيسية\nتابعونا\n".encode(), NoBodyError)],
)
async def test_errors_in_the_child_come_back_as_the_same_error(
    tmp_path: Path, content: bytes, error: type[ArticleError]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(error) as expected:
        load_article(bad)
    with pytest.raises(error) as got:
        await ParseWorker(None, inline_bytes=0).load(bad)
    assert str(got.value) == str(expected.value)


def _fake_interpreter(tmp_path: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/sh\n{script}\n", "utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))


async def test_a_child_that_dies_is_an_error_not_a_wait(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_interpreter(tmp_path, "echo 'MemoryError' >&2; kill -9 $$", monkeypatch)  # as the OOM killer would
    with pytest.raises(WorkerError, match=r"the parsing process stopped \(MemoryError\)"):
        await asyncio.wait_for(ParseWorker(None, inline_bytes=0).load(source), timeout=30)


def _children() -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            found |= {int(pid) for pid in (task / "children").read_text().split()}
        except FileNotFoundError:
            continue  # a thread that ended while we looked (parses run in threads that come and go)
    return found


async def test_cancelling_a_load_stops_its_child(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_interpreter(tmp_path, "exec sleep 60", monkeypatch)
    before = _children()
    loading = asyncio.create_task(ParseWorker(None, inline_bytes=0).load(source))
    for _ in range(100):
        await asyncio.sleep(0.02)
        if _children() - before:
            break
    assert _children() - before, "the child never started"
    loading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loading
    assert not _children() - before  # killed and reaped


def test_a_missing_file_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        ParseWorker(None).quick(tmp_path / "missing.txt")


async def test_the_child_gets_no_bot_setting_and_so_no_token(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:SECRET-token-never-shown")
    dump = tmp_path / "env.txt"
    _fake_interpreter(tmp_path, f"env > {dump}; exit 3", monkeypatch)
    with pytest.raises(WorkerError, match="the parsing process stopped"):
        await ParseWorker(None, inline_bytes=0).load(source)
    seen = dump.read_text("utf-8")
    assert "SECRET" not in seen and "BOT_" not in seen and "PATH=" in seen


async def test_a_child_that_dies_halfway_through_its_answer_is_an_error(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status = '{"kind": "", "problem": "", "written": ""}'
    _fake_interpreter(tmp_path, f"echo '{status}'; echo '{{\"format\": 1, \"paragraph_'; kill -9 $$", monkeypatch)
    with pytest.raises(WorkerError, match="the parsing process stopped"):
        await ParseWorker(None, inline_bytes=0).load(source)


async def test_the_child_imports_the_bots_own_package_from_anywhere(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "bot").mkdir(parents=True)  # a folder named like the package, where the bot runs
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    assert await ParseWorker(None, inline_bytes=0).load(source) == load_article(source)


def test_a_child_of_another_parser_version_refuses_to_run(source: Path) -> None:
    from bot.articles.worker import _child

    assert _child([str(source), "", "3", "700", "0" * 16]) == 2


SLOW_PARSE_SCRIPT = """
import asyncio, sys, time
import bot.articles.cache as cache
from bot.articles.worker import ParseWorker

def slow_parse(*args, **kwargs):  # a parse that takes a minute, in Python (a thread cannot be interrupted)
    for _ in range(600):
        time.sleep(0.1)
    raise SystemExit("never")

cache.parse_bytes = slow_parse

async def main():
    loading = asyncio.ensure_future(ParseWorker(None).load(sys.argv[1]))
    await asyncio.sleep(0.3)
    loading.cancel()  # the bot stops
    try:
        await loading
    except asyncio.CancelledError:
        print("cancelled", flush=True)

asyncio.run(main())
"""


def test_a_stopping_bot_never_waits_for_a_parse_running_in_a_thread(source: Path) -> None:
    """A cancelled load returns at once, and the process exits without waiting for the abandoned parse."""
    import subprocess
    import time

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", SLOW_PARSE_SCRIPT, str(source)], env=env, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 0 and result.stdout.strip() == "cancelled", result.stderr
    assert time.monotonic() - started < 20  # not the minute the parse would take
