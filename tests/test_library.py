from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from bot.article.model import Article
from bot.article.search import keys, search_key
from bot.article.worker import ParseWorker
from bot.errors import WorkerError
from bot.library import Library

from .article.conftest import OTHER_OUTLET

BUNDLED = (Path(__file__).resolve().parents[1] / "bot" / "data" / "article.txt").read_text("utf-8")


def write(path: Path, text: str, mtime: int | None = None) -> None:
    path.write_text(text, "utf-8")
    if mtime is not None:
        os.utime(path, ns=(mtime, mtime))


def test_folder_new_changed_removed_and_broken(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BUNDLED)
    write(tmp_path / "b.txt", OTHER_OUTLET)
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01binary\x00")
    (tmp_path / "notes.md").write_text("ignored")
    library = Library(tmp_path)
    changes = library.refresh()
    assert sorted(e.slot for e in changes.new) == ["a.txt", "b.txt"]
    assert "binary" in changes.broken["broken.txt"] and "broken.txt" in library.broken
    assert len(library) == 2
    # newest first: 2023 before 2022
    assert [e.slot for e in library.entries()] == ["b.txt", "a.txt"]
    assert library.latest() is not None and library.latest() == library.entries()[0].article

    unchanged = library.refresh()
    assert (unchanged.new, unchanged.changed, unchanged.broken) == ([], [], {})  # parsed once

    old_id = library.entries()[1].article.id
    write(tmp_path / "a.txt", BUNDLED.replace("123 قتيلا", "130 قتيلا"), mtime=2_000_000_000_000_000_000)
    assert library.refresh().changed == []  # seen changed once: loaded when the next scan finds it the same
    changed = library.refresh()
    assert [e.slot for e in changed.changed] == ["a.txt"]
    assert library.get(old_id) is not None  # old buttons keep working
    assert library.slot_of(changed.changed[0].article.id) == "a.txt"

    (tmp_path / "b.txt").unlink()
    (tmp_path / "broken.txt").unlink()
    removed = library.refresh()
    assert removed.removed == ["b.txt"] and library.broken == {}


def test_search_is_arabic_aware(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BUNDLED)
    write(tmp_path / "b.txt", OTHER_OUTLET)
    library = Library(tmp_path)
    library.refresh()
    bundled_title = "تعليق جديد من التحالف الدولي حول أحداث الحسكة"
    assert [a.title for a in library.search("والتحالف")] == [bundled_title]
    assert [a.title for a in library.search("بالحسكه")] == [bundled_title]  # taa marbuta folded
    assert [a.title for a in library.search("برينان")] == [bundled_title]  # speakers
    assert next(a.title for a in library.search("المقداد")).startswith("وزير الخارجية")
    assert library.search("اسطورة غير موجودة") == []
    assert library.search("") == []


def test_search_keys() -> None:
    assert search_key("والمرصد") == search_key("المرصد") == search_key("مرصد")
    assert keys("أحداث الإنسانية") == keys("احداث الانسانيه")
    assert search_key("فقال") == "قال"


def test_library_uses_the_parse_cache(tmp_path: Path) -> None:
    folder, cache = tmp_path / "articles", tmp_path / "cache"
    folder.mkdir()
    write(folder / "a.txt", BUNDLED)
    first = Library(folder, cache_dir=cache)
    first.refresh()
    entry = next(cache.glob("*.jsonl"))
    entry.write_text(entry.read_text("utf-8").replace("تعليق جديد", "تعليق مخزن"), "utf-8")
    again = Library(folder, cache_dir=cache)  # a restart reads the cache instead of parsing
    again.refresh()
    latest = again.latest()
    assert latest is not None and latest.title.startswith("تعليق مخزن")


def test_indexing_in_a_thread_while_searching_gives_the_same_answers(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(40):
        write(folder / f"a{n:02}.txt", BUNDLED.replace("الحسكة", f"الحسكة {n}") if n % 2 else OTHER_OUTLET + f"\n{n}\n")
    queries = ["الحسكة", "المرصد السوري", "وزير الخارجية", "كلمة غير موجودة"]
    reference = Library(folder)
    reference.refresh()
    expected = {q: [a.id for a in reference.search(q)] for q in queries}
    library = Library(folder)
    library.refresh()
    indexer = threading.Thread(target=library.index_pending)
    indexer.start()
    during = [[a.id for a in library.search(q)] for q in queries * 5]  # a search first indexes what is left
    indexer.join()
    assert during == [expected[q] for q in queries * 5]
    assert library.index_pending() == 0
    assert {q: [a.id for a in library.search(q)] for q in queries} == expected
    assert expected["الحسكة"] and expected["كلمة غير موجودة"] == []


async def test_a_scan_stops_between_files_when_asked_and_the_next_one_finishes(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder / "a.txt", BUNDLED)
    write(folder / "b.txt", OTHER_OUTLET)
    library = Library(folder)
    asked: list[int] = []

    def keep_going() -> bool:
        asked.append(1)
        return len(asked) < 2  # the bot stops while the first file loads

    first = await library.refresh_async(ParseWorker(None), keep_going)
    assert len(first.new) == 1 and len(library) == 1 and library.loading  # not scanned to the end
    second = await library.refresh_async(ParseWorker(None))
    assert len(second.new) == 1 and len(library) == 2 and not library.loading


class _Stuck(ParseWorker):
    """A worker whose load never ends (a huge file), until cancelled."""

    def __init__(self) -> None:
        super().__init__(None)
        self.cancelled = False

    async def load(self, path: Path | str | None, *, roots: Sequence[Path] | None = None) -> Article:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        raise AssertionError("unreachable")


async def test_a_stop_abandons_the_file_being_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder / "huge.txt", BUNDLED)
    library, worker, stopping = Library(folder), _Stuck(), asyncio.Event()
    asyncio.get_running_loop().call_later(0.2, stopping.set)
    changes = await asyncio.wait_for(library.refresh_async(worker, lambda: not stopping.is_set()), timeout=5)
    assert changes.stopped and worker.cancelled and len(library) == 0 and library.loading


class _Flaky(ParseWorker):
    """A worker whose parsing process is killed the first time."""

    def __init__(self) -> None:
        super().__init__(None)
        self.calls = 0

    async def load(self, path: Path | str | None, *, roots: Sequence[Path] | None = None) -> Article:
        self.calls += 1
        if self.calls == 1:
            raise WorkerError(f"{path}: the parsing process stopped (Killed)")
        return await super().load(path, roots=roots)


async def test_a_killed_parse_is_tried_again_after_a_pause(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder / "a.txt", BUNDLED)
    library, worker = Library(folder), _Flaky()
    first = await library.refresh_async(worker)
    assert "a.txt" in first.broken and "Killed" in library.broken["a.txt"]
    await library.refresh_async(worker)  # too soon: not tried again (a broken file would never be)
    assert worker.calls == 1 and library.broken
    library._retry_at["a.txt"] = (library._retry_at["a.txt"][0], 0.0)  # as if RETRY_SECONDS had passed
    again = await library.refresh_async(worker)
    assert worker.calls == 2 and len(again.new) == 1 and not library.broken


def hostile_folder(folder: Path, outside: Path) -> None:
    """A good article beside a FIFO, links to /dev/zero and out of the folder, a huge sparse file, a folder."""
    folder.mkdir(exist_ok=True)
    write(folder / "good.txt", BUNDLED)
    os.mkfifo(folder / "fifo.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    outside.write_text(OTHER_OUTLET, "utf-8")
    (folder / "outside.txt").symlink_to(outside)
    with (folder / "huge.txt").open("wb") as out:
        out.truncate(30 * 1024 * 1024)
    (folder / "folder.txt").mkdir()


async def test_hostile_files_are_broken_and_never_block_a_scan(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    hostile_folder(folder, tmp_path / "outside.txt")
    library = Library(folder, max_bytes=20 * 1024 * 1024)
    try:
        changes = await asyncio.wait_for(library.refresh_async(ParseWorker(None)), timeout=20)
    finally:
        with open(os.open(folder / "fifo.txt", os.O_RDWR | os.O_NONBLOCK), "wb"):  # frees a blocked reader, if any
            pass
    assert [e.slot for e in changes.new] == ["good.txt"]
    assert "FIFO" in library.broken["fifo.txt"]
    assert "outside the library folder" in library.broken["zero.txt"]
    assert "outside the library folder" in library.broken["outside.txt"]
    assert "BOT_MAX_ARTICLE_BYTES" in library.broken["huge.txt"]
    assert "directory" in library.broken["folder.txt"]
    again = library.refresh()  # the same files again: still broken, never read, nothing new
    assert again.new == [] and set(library.broken) == {"fifo.txt", "zero.txt", "outside.txt", "huge.txt", "folder.txt"}


def test_a_half_written_file_is_news_only_once_it_is_stable(tmp_path: Path) -> None:
    """A new or changed file is loaded once its size and time are the same at two scans in a row."""
    write(tmp_path / "a.txt", BUNDLED)
    library = Library(tmp_path)
    assert [e.slot for e in library.refresh().new] == ["a.txt"]  # the first scan: files already there
    write(tmp_path / "b.txt", OTHER_OUTLET[: len(OTHER_OUTLET) // 2], mtime=1_900_000_000_000_000_000)
    assert library.refresh().new == []  # seen once: it may still be being written
    write(tmp_path / "b.txt", OTHER_OUTLET, mtime=1_900_000_001_000_000_000)  # the writer goes on
    assert library.refresh().new == []
    stable = library.refresh()
    assert [e.slot for e in stable.new] == ["b.txt"] and len(library) == 2
    assert stable.new[0].article.paragraphs[-1] in OTHER_OUTLET.splitlines()[-3:]  # the whole file, not half

    write(tmp_path / "a.txt", BUNDLED.replace("123 قتيلا", "130 قتيلا"), mtime=1_900_000_002_000_000_000)
    assert library.refresh().changed == []
    assert [e.slot for e in library.refresh().changed] == ["a.txt"]


class _SlowForBigFiles(ParseWorker):
    """A real worker that holds the load of any file over 100 KB until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__(None)
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def load(self, path: Path | str | None, *, roots: Sequence[Path] | None = None) -> Article:
        if path is not None and Path(path).stat().st_size > 100_000:
            self.waiting.set()
            await self.gate.wait()
        return await super().load(path, roots=roots)


async def test_the_first_scan_serves_each_article_as_soon_as_it_is_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder / "a-big.txt", "\n".join([BUNDLED] * 40))  # first by name, and slow to parse
    write(folder / "b-small.txt", OTHER_OUTLET)
    write(folder / "c-small.txt", BUNDLED.replace("الحسكة", "القامشلي"))
    library, worker = Library(folder), _SlowForBigFiles()
    scan = asyncio.ensure_future(library.refresh_async(worker))
    try:
        await asyncio.wait_for(worker.waiting.wait(), timeout=10)
        for _ in range(300):  # both small ones are served while the big file parses
            if len(library.entries()) == 2:
                break
            await asyncio.sleep(0.01)
        assert sorted(entry.slot for entry in library.entries()) == ["b-small.txt", "c-small.txt"]
        assert library.latest() is not None and library.loading
    finally:
        worker.gate.set()
        changes = await asyncio.wait_for(scan, timeout=30)
    assert len(changes.new) == 3 and len(library) == 3 and not library.loading
