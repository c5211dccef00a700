from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from bot.article.model import Article
from bot.article.search import keys, search_key
from bot.articles.registry import Registry
from bot.articles.service import ArticleService
from bot.articles.worker import ParseWorker
from bot.errors import WorkerError
from bot.settings import Settings
from tests.article.conftest import OTHER_OUTLET

BUNDLED = (Path(__file__).resolve().parents[2] / "bot" / "data" / "article.txt").read_text("utf-8")


def write(path: Path, text: str, mtime: int | None = None) -> None:
    path.write_text(text, "utf-8")
    if mtime is not None:
        os.utime(path, ns=(mtime, mtime))


def test_folder_new_changed_removed_and_broken(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BUNDLED)
    write(tmp_path / "b.txt", OTHER_OUTLET)
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01binary\x00")
    (tmp_path / "notes.md").write_text("ignored")
    library = ArticleService(folder=tmp_path)
    changes = library.refresh_now()
    assert sorted(e.slot for e in changes.new) == ["a.txt", "b.txt"]
    assert "binary" in changes.broken["broken.txt"] and "broken.txt" in library.registry.broken
    assert len(library.registry) == 2
    # newest first: 2023 before 2022
    assert [e.slot for e in library.registry.entries()] == ["b.txt", "a.txt"]
    assert library.registry.latest() is not None and library.registry.latest() == library.registry.entries()[0].article

    unchanged = library.refresh_now()
    assert (unchanged.new, unchanged.changed, unchanged.broken) == ([], [], {})  # parsed once

    old_id = library.registry.entries()[1].article.id
    write(tmp_path / "a.txt", BUNDLED.replace("123 قتيلا", "130 قتيلا"), mtime=2_000_000_000_000_000_000)
    assert library.refresh_now().changed == []  # seen changed once: loaded when the next scan finds it the same
    changed = library.refresh_now()
    assert [e.slot for e in changed.changed] == ["a.txt"]
    assert library.registry.get(old_id) is not None  # old buttons keep working
    assert library.registry.slot_of(changed.changed[0].article.id) == "a.txt"

    (tmp_path / "b.txt").unlink()
    (tmp_path / "broken.txt").unlink()
    removed = library.refresh_now()
    assert removed.removed == ["b.txt"] and library.registry.broken == {}


def test_search_is_arabic_aware(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BUNDLED)
    write(tmp_path / "b.txt", OTHER_OUTLET)
    library = ArticleService(folder=tmp_path)
    library.refresh_now()
    bundled_title = "تعليق جديد من التحالف الدولي حول أحداث الحسكة"
    assert [a.title for a in library.registry.search("والتحالف")] == [bundled_title]
    assert [a.title for a in library.registry.search("بالحسكه")] == [bundled_title]  # taa marbuta folded
    assert [a.title for a in library.registry.search("برينان")] == [bundled_title]  # speakers
    assert next(a.title for a in library.registry.search("المقداد")).startswith("وزير الخارجية")
    assert library.registry.search("اسطورة غير موجودة") == []
    assert library.registry.search("") == []


def test_search_keys() -> None:
    assert search_key("والمرصد") == search_key("المرصد") == search_key("مرصد")
    assert keys("أحداث الإنسانية") == keys("احداث الانسانيه")
    assert search_key("فقال") == "قال"


def test_library_uses_the_parse_cache(tmp_path: Path) -> None:
    folder, cache = tmp_path / "articles", tmp_path / "cache"
    folder.mkdir()
    write(folder / "a.txt", BUNDLED)
    first = ArticleService(folder=folder, worker=ParseWorker(cache))
    first.refresh_now()
    entry = next(cache.glob("*.jsonl"))
    entry.write_text(entry.read_text("utf-8").replace("تعليق جديد", "تعليق مخزن"), "utf-8")
    again = ArticleService(folder=folder, worker=ParseWorker(cache))  # a restart reads the cache instead of parsing
    again.refresh_now()
    latest = again.registry.latest()
    assert latest is not None and latest.title.startswith("تعليق مخزن")


def test_indexing_in_a_thread_while_searching_gives_the_same_answers(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(40):
        write(folder / f"a{n:02}.txt", BUNDLED.replace("الحسكة", f"الحسكة {n}") if n % 2 else OTHER_OUTLET + f"\n{n}\n")
    queries = ["الحسكة", "المرصد السوري", "وزير الخارجية", "كلمة غير موجودة"]
    reference = ArticleService(folder=folder)
    reference.refresh_now()
    expected = {q: [a.id for a in reference.registry.search(q)] for q in queries}
    library = ArticleService(folder=folder)
    library.refresh_now()
    indexer = threading.Thread(target=library.registry.index_pending)
    indexer.start()
    during = [[a.id for a in library.registry.search(q)] for q in queries * 5]  # a search first indexes what is left
    indexer.join()
    assert during == [expected[q] for q in queries * 5]
    assert library.registry.index_pending() == 0
    assert {q: [a.id for a in library.registry.search(q)] for q in queries} == expected
    assert expected["الحسكة"] and expected["كلمة غير موجودة"] == []


async def test_a_scan_stops_between_files_when_asked_and_the_next_one_finishes(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder / "a.txt", BUNDLED)
    write(folder / "b.txt", OTHER_OUTLET)
    library = ArticleService(folder=folder)
    asked: list[int] = []

    def keep_going() -> bool:
        asked.append(1)
        return len(asked) < 2  # the bot stops while the first file loads

    first = await library.refresh(keep_going)
    assert len(first.new) == 1 and len(library.registry) == 1 and library.registry.loading  # not scanned to the end
    second = await library.refresh()
    assert len(second.new) == 1 and len(library.registry) == 2 and not library.registry.loading


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
    worker, stopping = _Stuck(), asyncio.Event()
    library = ArticleService(folder=folder, worker=worker)
    asyncio.get_running_loop().call_later(0.2, stopping.set)
    changes = await asyncio.wait_for(library.refresh(lambda: not stopping.is_set()), timeout=5)
    assert changes.stopped and worker.cancelled and len(library.registry) == 0 and library.registry.loading


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
    worker = _Flaky()
    library = ArticleService(folder=folder, worker=worker)
    first = await library.refresh()
    assert "a.txt" in first.broken and "Killed" in library.registry.broken["a.txt"]
    await library.refresh()  # too soon: not tried again (a broken file would never be)
    assert worker.calls == 1 and library.registry.broken
    assert library.folder is not None
    library.folder._retry_at["a.txt"] = (library.folder._retry_at["a.txt"][0], 0.0)  # as if RETRY_SECONDS had passed
    again = await library.refresh()
    assert worker.calls == 2 and len(again.new) == 1 and not library.registry.broken


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
    library = ArticleService(folder=folder, worker=ParseWorker(None, max_bytes=20 * 1024 * 1024))
    try:
        changes = await asyncio.wait_for(library.refresh(), timeout=20)
    finally:
        with open(os.open(folder / "fifo.txt", os.O_RDWR | os.O_NONBLOCK), "wb"):  # frees a blocked reader, if any
            pass
    assert [e.slot for e in changes.new] == ["good.txt"]
    assert "FIFO" in library.registry.broken["fifo.txt"]
    assert "outside the library folder" in library.registry.broken["zero.txt"]
    assert "outside the library folder" in library.registry.broken["outside.txt"]
    assert "BOT_MAX_ARTICLE_BYTES" in library.registry.broken["huge.txt"]
    assert "directory" in library.registry.broken["folder.txt"]
    again = library.refresh_now()  # the same files again: still broken, never read, nothing new
    assert again.new == [] and set(library.registry.broken) == {"fifo.txt", "zero.txt", "outside.txt", "huge.txt", "folder.txt"}


def test_a_half_written_file_is_news_only_once_it_is_stable(tmp_path: Path) -> None:
    """A new or changed file is loaded once its size and time are the same at two scans in a row."""
    write(tmp_path / "a.txt", BUNDLED)
    library = ArticleService(folder=tmp_path)
    assert [e.slot for e in library.refresh_now().new] == ["a.txt"]  # the first scan: files already there
    write(tmp_path / "b.txt", OTHER_OUTLET[: len(OTHER_OUTLET) // 2], mtime=1_900_000_000_000_000_000)
    assert library.refresh_now().new == []  # seen once: it may still be being written
    write(tmp_path / "b.txt", OTHER_OUTLET, mtime=1_900_000_001_000_000_000)  # the writer goes on
    assert library.refresh_now().new == []
    stable = library.refresh_now()
    assert [e.slot for e in stable.new] == ["b.txt"] and len(library.registry) == 2
    assert stable.new[0].article.paragraphs[-1] in OTHER_OUTLET.splitlines()[-3:]  # the whole file, not half

    write(tmp_path / "a.txt", BUNDLED.replace("123 قتيلا", "130 قتيلا"), mtime=1_900_000_002_000_000_000)
    assert library.refresh_now().changed == []
    assert [e.slot for e in library.refresh_now().changed] == ["a.txt"]


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
    worker = _SlowForBigFiles()
    library = ArticleService(folder=folder, worker=worker)
    scan = asyncio.ensure_future(library.refresh())
    try:
        await asyncio.wait_for(worker.waiting.wait(), timeout=10)
        for _ in range(300):  # both small ones are served while the big file parses
            if len(library.registry.entries()) == 2:
                break
            await asyncio.sleep(0.01)
        assert sorted(entry.slot for entry in library.registry.entries()) == ["b-small.txt", "c-small.txt"]
        assert library.registry.latest() is not None and library.registry.loading
    finally:
        worker.gate.set()
        changes = await asyncio.wait_for(scan, timeout=30)
    assert len(changes.new) == 3 and len(library.registry) == 3 and not library.registry.loading


def test_corrections_apply_to_every_parse_and_again_when_they_change(tmp_path: Path) -> None:
    """The corrector sees each parsed article; :meth:`reapply` makes a new version of the slot alone."""
    write(tmp_path / "a.txt", BUNDLED)
    write(tmp_path / "b.txt", OTHER_OUTLET)
    outlets: dict[str, str] = {}

    def corrector(slot: str, article: Article) -> Article:
        outlet = outlets.get(slot)
        return article.model_copy(update={"outlet": outlet}).with_id() if outlet else article

    service = ArticleService(folder=tmp_path, corrector=corrector)
    service.refresh_now()
    parsed = service.registry.current("a.txt")
    assert parsed is not None and service.parsed("a.txt") is parsed.article  # no correction: the parse itself
    outlets["a.txt"] = "وكالة مصححة"
    changes = service.reapply("a.txt")
    assert [entry.slot for entry in changes.changed] == ["a.txt"] and changes.new == []
    corrected = changes.changed[0].article
    assert corrected.outlet == "وكالة مصححة" and corrected.id != parsed.article.id
    assert service.registry.get(parsed.article.id) is parsed.article  # the old version stays reachable
    assert service.reapply("a.txt").changed == []  # the same corrections: no new version
    assert service.reapply("missing.txt").fresh == []
    write(tmp_path / "a.txt", BUNDLED.replace("123 قتيلا", "130 قتيلا"), mtime=2_000_000_000_000_000_000)
    service.refresh_now()
    service.refresh_now()  # stable: loaded, and corrected like the version before
    current = service.registry.current("a.txt")
    assert current is not None and current.article.outlet == "وكالة مصححة"
    assert "130 قتيلا" in " ".join(current.article.paragraphs)


def test_the_registry_finds_a_version_it_never_served_through_its_fallback() -> None:
    article = Article(title="خبر محفوظ", paragraphs=("فقرة.",)).with_id()
    asked: list[str] = []

    def fallback(article_id: str) -> Article | None:
        asked.append(article_id)
        return article if article_id == article.id else None

    registry = Registry(fallback=fallback)
    assert registry.get(article.id) is article and registry.get(article.id) is article
    assert registry.get("0123456789ab") is None
    assert asked == [article.id, "0123456789ab"]  # a found version is kept: asked once
    assert registry.latest() is None and len(registry) == 0  # found by id, not served


def test_a_single_small_article_is_ready_at_once_and_a_large_one_waits(tmp_path: Path) -> None:
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    write(small, BUNDLED)
    write(large, "\n".join([BUNDLED] * 40))
    ready = ArticleService(worker=ParseWorker(None))
    ready.prepare(_settings(article_path=small))
    assert [entry.slot for entry in ready.registry.entries()] == ["small.txt"] and not ready.registry.loading
    waiting = ArticleService(worker=ParseWorker(None))
    waiting.prepare(_settings(article_path=large))
    assert waiting.waiting == {"large.txt": large} and waiting.registry.loading
    changes = asyncio.run(waiting.load_waiting())
    assert [entry.slot for entry in changes.new] == ["large.txt"] and not waiting.registry.loading


def _settings(**values: object) -> Settings:
    return Settings(token=None, **values)  # type: ignore[arg-type]


def test_the_registry_asks_its_fallback_once_for_an_id_it_does_not_know() -> None:
    asked: list[str] = []

    def fallback(article_id: str) -> Article | None:
        asked.append(article_id)
        return None

    registry = Registry(fallback=fallback)
    assert not registry.in_memory("forged00000")
    assert registry.get("forged00000") is None and registry.get("forged00000") is None
    assert asked == ["forged00000"] and registry.in_memory("forged00000")  # a forged id asks the store once
