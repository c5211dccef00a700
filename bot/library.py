"""A library of articles: a folder of raw text, HTML pages or JSON files, or the bundled article.

Files are parsed once (again only when their size or modification time changes). After the first
scan, a new or changed file is loaded only once it is stable: the same size and modification time
at two scans in a row, so a file still being written is not news. A broken file is recorded in
:attr:`Library.broken` and skipped; it never stops the others. The first scan reads small files
first and serves each article as soon as it is parsed. Every version of
an article seen while running stays reachable by its id, so buttons on old messages keep
working.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.article import Article
from bot.article.cache import load_article_cached
from bot.article.files import DEFAULT_MAX_BYTES
from bot.article.search import SearchIndex
from bot.article.worker import ParseWorker
from bot.errors import ArticleError, BotError

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".json")
RETRY_SECONDS = 300  # after a failure that is not the file's fault
REORDER_SECONDS = 0.25  # during a scan, how often the articles loaded so far are put in order and served
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """The current version of one article file."""

    slot: str
    article: Article
    mtime_ns: int
    size: int

    @property
    def sort_key(self) -> tuple[datetime, int]:
        return (self.article.published or _EPOCH, self.mtime_ns)


@dataclass
class Changes:
    """What one :meth:`Library.refresh` found."""

    new: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)
    stopped: bool = False  # the scan was cut short (the bot is stopping)


class Library:
    """Articles by slot (file name) and by id."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        single: Article | None = None,
        single_slot: str = "bundled",
        max_summary_sentences: int = 3,
        max_summary_chars: int = 700,
        cache_dir: Path | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.folder = folder
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        """Files larger than this are broken, never read (``BOT_MAX_ARTICLE_BYTES``)."""
        self.max_summary_sentences = max_summary_sentences
        self.max_summary_chars = max_summary_chars
        self._entries: dict[str, Entry] = {}
        self._by_id: dict[str, Article] = {}
        self._index = SearchIndex()
        self._unindexed: deque[Article] = deque()
        self._indexing = threading.Lock()  # the index may be built in a thread while the bot searches
        self._articles: tuple[Article, ...] = ()  # newest first: one tuple per version, so views cache by it
        self._order: tuple[list[Entry], dict[str, int]] = ([], {})
        """Entries newest first, and each current article id's place in them: one attribute, replaced
        whole, so a search running in a thread never pairs one scan's order with another's ranks."""
        self.broken: dict[str, str] = {}
        self._broken_stamp: dict[str, tuple[int, int]] = {}
        self._retry_at: dict[str, tuple[tuple[int, int], float]] = {}  # failures that may pass: when to try again
        self._seen: dict[str, tuple[int, int]] = {}  # each file's stamp at the last scan: stable when unchanged
        self.waiting: dict[str, Path] = {}
        """Slots whose article is still being loaded (a large single article at start-up)."""
        self.scanned = folder is None
        """Whether the folder has been read once (the bot may start before it is)."""
        self.collection = folder is not None
        """Whether the library holds many articles (a folder, feeds): /latest, /list and /search are offered."""
        self._added: set[str] = set()  # slots another source put here (feeds): a folder scan leaves them alone
        self._reported: set[str] = set()  # problems another source reported (see note_problems)
        if single is not None:
            self._put(Entry(single_slot, single, 0, 0))
            self._reorder()

    @classmethod
    def of(cls, article: Article, slot: str = "bundled") -> Library:
        """A library holding one article."""
        return cls(single=article, single_slot=slot)

    @classmethod
    def awaiting(cls, path: Path, slot: str = "bundled") -> Library:
        """A library that will hold the one article at ``path`` once it is loaded (see :meth:`add`)."""
        library = cls()
        library.waiting[slot] = path
        return library

    @property
    def loading(self) -> bool:
        """Whether articles are still being loaded for the first time (users are asked to wait)."""
        return bool(self.waiting) or not self.scanned

    def add(self, slot: str, article: Article) -> Entry:
        """Put a loaded article in ``slot`` (a file it was waiting for, or the single article)."""
        entry = Entry(slot, article, 0, 0)
        self.waiting.pop(slot, None)
        self._added.add(slot)
        self._put(entry)
        self._reorder()
        return entry

    def note_problems(self, problems: dict[str, str]) -> None:
        """Replace the problems another source (the feeds) reports; listed with the broken files in /stats."""
        for key in self._reported - problems.keys():
            self.broken.pop(key, None)
        self.broken.update(problems)
        self._reported = set(problems)

    def refresh(self) -> Changes:
        """Pick up new, changed, removed and broken files in the folder, parsing them here."""
        changes, todo = self._scan()
        for slot, path, stamp in todo:
            try:
                article = load_article_cached(
                    path,
                    self.cache_dir,
                    max_summary_sentences=self.max_summary_sentences,
                    max_summary_chars=self.max_summary_chars,
                    max_bytes=self.max_bytes,
                    roots=self._roots,
                )
            except Exception as exc:
                self._failed(slot, stamp, exc, changes)
            else:
                self._loaded(slot, stamp, article, changes)
        self._reorder()
        self.scanned = True
        return changes

    async def refresh_async(self, worker: ParseWorker, keep_going: Callable[[], bool] = lambda: True) -> Changes:
        """:meth:`refresh`, with large files parsed by ``worker`` while the caller's event loop runs on.

        ``keep_going`` is asked twice a second: when it says no (the bot is stopping), the file
        being parsed is abandoned, the scan ends with ``changes.stopped`` set, and what is left is
        read at the next scan.
        """
        changes, todo = self._scan()
        reordered, unserved = time.monotonic(), False
        for done, (slot, path, stamp) in enumerate(todo):
            if not keep_going():
                return self._stopped(changes, len(todo) - done)
            loading = asyncio.ensure_future(worker.load(path, roots=self._roots))
            while not loading.done():
                await asyncio.wait({loading}, timeout=REORDER_SECONDS if unserved else 0.5)
                if not loading.done() and unserved:  # this one takes a while: serve what is loaded meanwhile
                    self._reorder()
                    reordered, unserved = time.monotonic(), False
                if not loading.done() and not keep_going():
                    loading.cancel()  # kills a parsing child
                    with contextlib.suppress(asyncio.CancelledError):
                        await loading
                    return self._stopped(changes, len(todo) - done)
            exc = loading.exception()
            if exc is None:
                self._loaded(slot, stamp, loading.result(), changes)
                unserved = True
            elif isinstance(exc, Exception):
                self._failed(slot, stamp, exc, changes)
            else:
                raise exc
            if unserved and (time.monotonic() - reordered >= REORDER_SECONDS or not self._order[0]):
                self._reorder()  # at most a few times a second: each article is served as soon as it is parsed
                reordered, unserved = time.monotonic(), False
        self._reorder()
        self.scanned = True
        return changes

    @property
    def _roots(self) -> list[Path] | None:
        """Where a symbolic link in the folder may point: into the folder itself."""
        return [self.folder] if self.folder is not None else None

    def _stopped(self, changes: Changes, left: int) -> Changes:
        log.info("library: stopping; %d file(s) left for the next scan", left)
        changes.stopped = True
        self._reorder()
        return changes

    def _scan(self) -> tuple[Changes, list[tuple[str, Path, tuple[int, int]]]]:
        """Note removed and unreadable files; list the new and changed ones still to load."""
        changes = Changes()
        todo: list[tuple[str, Path, tuple[int, int]]] = []
        if self.folder is None:
            return changes, todo
        seen: dict[str, tuple[int, int]] = {}
        for path in sorted(self._files()):
            slot = path.name
            try:
                stat = path.stat()
            except OSError as exc:
                seen[slot] = (0, 0)
                self._break(slot, f"cannot read the file ({exc.strerror or exc})", changes)
                continue
            stamp = seen[slot] = (stat.st_mtime_ns, stat.st_size)
            known = self._entries.get(slot)
            if (known and (known.mtime_ns, known.size) == stamp) or self._broken_stamp.get(slot) == stamp:
                continue
            retry = self._retry_at.get(slot)
            if retry is not None and retry[0] == stamp and time.monotonic() < retry[1]:
                continue
            if self.scanned and self._seen.get(slot) != stamp:
                continue  # new or changed since the last scan: maybe still being written, loaded once stable
            todo.append((slot, path, stamp))
        self._seen = seen
        todo.sort(key=lambda item: item[2][1])  # small files first: a huge one holds up no other
        for slot in [s for s in self._entries if s not in seen and s not in self._added]:
            del self._entries[slot]
            changes.removed.append(slot)
        for slot in [s for s in self.broken if s not in seen and s not in self._reported]:
            del self.broken[slot]
            self._broken_stamp.pop(slot, None)
        return changes, todo

    def _failed(self, slot: str, stamp: tuple[int, int], exc: Exception, changes: Changes) -> None:
        if isinstance(exc, ArticleError):
            self._break(slot, exc.problem, changes)
            self._broken_stamp[slot] = stamp  # the same bytes would fail again: wait for the file to change
        else:  # a parser bug, a killed parsing process, a full disk: tried again after a pause
            if isinstance(exc, BotError):
                log.error("library: %s", exc)
                problem = str(exc)
            else:
                log.error("library: unexpected error loading %s", slot, exc_info=exc)
                problem = f"unexpected error ({type(exc).__name__})"
            self._break(slot, problem, changes)
            self._retry_at[slot] = (stamp, time.monotonic() + RETRY_SECONDS)

    def _loaded(self, slot: str, stamp: tuple[int, int], article: Article, changes: Changes) -> None:
        known = self._entries.get(slot)
        self.broken.pop(slot, None)
        self._broken_stamp.pop(slot, None)
        self._retry_at.pop(slot, None)
        if known is not None and known.article == article:  # touched, not changed: keep the object the
            article = known.article  # view caches know, so they find it by identity, not by comparing it all
        entry = Entry(slot, article, *stamp)
        if known is None:
            changes.new.append(entry)
        elif known.article.id != article.id:
            changes.changed.append(entry)
        self._put(entry)

    def _files(self) -> Iterable[Path]:
        assert self.folder is not None
        try:
            yield from (
                p for p in self.folder.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith(".")
            )
        except OSError as exc:
            log.error("cannot list the library folder %s: %s", self.folder, exc)

    def _break(self, slot: str, problem: str, changes: Changes) -> None:
        log.warning("library: skipping %s: %s", slot, problem)
        self.broken[slot] = problem
        changes.broken[slot] = problem

    def _put(self, entry: Entry) -> None:
        self._entries[entry.slot] = entry
        self._by_id[entry.article.id] = entry.article
        self._unindexed.append(entry.article)  # indexed later: index_pending() or the next search

    def _reorder(self) -> None:
        ordered = sorted(self._entries.values(), key=lambda e: e.sort_key, reverse=True)
        articles = tuple(entry.article for entry in ordered)
        if articles != self._articles:  # the same articles keep the same tuple: the views' caches still hold
            self._articles = articles
        self._order = (ordered, {entry.article.id: i for i, entry in enumerate(ordered)})

    # reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[Entry]:
        """Current articles, newest first."""
        return list(self._order[0])

    def articles(self) -> tuple[Article, ...]:
        """Current articles, newest first: the same tuple until the library changes."""
        return self._articles

    def latest(self) -> Article | None:
        """The newest article."""
        ordered = self._order[0]
        return ordered[0].article if ordered else None

    def get(self, article_id: str) -> Article | None:
        """Any version seen while running, by id."""
        return self._by_id.get(article_id)

    def slot_of(self, article_id: str) -> str | None:
        """The file an article id currently lives in."""
        return next((e.slot for e in self._order[0] if e.article.id == article_id), None)

    def index_pending(self) -> int:
        """Index the articles loaded since the last call; safe to run in a thread while the bot searches.

        Indexing takes about 0.7 ms an article, 7 s for 10,000: the bot runs it in a thread after
        each refresh rather than in the first search, and runs searches in a thread too, so that a
        search arriving meanwhile shares the work without holding up the event loop.
        """
        done = 0
        while self._unindexed:
            with self._indexing:  # one article at a time, so two threads can share the work
                if self._unindexed:
                    self._index.add(self._unindexed.popleft())
                    done += 1
        return done

    def search(self, query: str, limit: int = 10) -> list[Article]:
        """Current articles matching every word of ``query``, best first (newest first on ties)."""
        self.index_pending()
        ordered, rank = self._order  # the same scan's, even if another one finishes meanwhile
        with self._indexing:
            scores = self._index.scores(query, rank)
        best = sorted(scores, key=lambda article_id: (-scores[article_id], rank[article_id]))[:limit]
        return [ordered[rank[article_id]].article for article_id in best]
