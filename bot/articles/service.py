"""The article service: one file, the library folder and the feeds, loaded into one registry.

:class:`ArticleService` is the one place articles come from. It knows its sources (the single
article, ``BOT_LIBRARY_DIR``, ``BOT_FEED_URLS``), loads files through
:class:`~bot.articles.worker.ParseWorker` (the parse cache; large files in a parsing child, so an
event loop is never held up), applies the newsroom's corrections (``corrector``) to every parsed
article, and puts the result in its :class:`~bot.articles.registry.Registry`. Each refresh returns
:class:`Changes`: what is new, changed or gone, for delivery to publish. It knows nothing of
Telegram: :mod:`bot.telegram.jobs` schedules it and hands its changes to delivery.

The versions deliveries refer to are kept in the store by delivery (``Store.save_article``), and
the registry looks them up there (``fallback``), so a button on a message sent before a restart
still opens its article.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.article import Article
from bot.article.load import DEFAULT_ARTICLE
from bot.articles.cache import load_article_cached
from bot.articles.folder import FolderScan, FolderSource, ToLoad
from bot.articles.registry import Entry, Registry
from bot.articles.worker import ParseWorker
from bot.errors import BotError

if TYPE_CHECKING:
    from bot.articles.feeds import FeedPoller
    from bot.settings import Settings

log = logging.getLogger(__name__)

REORDER_SECONDS = 0.25
"""During a scan, how often the articles loaded so far are put in order and served."""

Corrector = Callable[[str, Article], Article]
"""``(slot, parsed article) -> the article as the newsroom corrected it`` (the same object when unchanged)."""


def _as_parsed(slot: str, article: Article) -> Article:
    return article


@dataclass
class Changes:
    """What one refresh found, for delivery."""

    new: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)
    backlog: set[str] = field(default_factory=set)
    """Slots of :attr:`new` that are not news: a feed's stories from before the bot followed it."""
    stopped: bool = False
    """The refresh was cut short (the bot is stopping); what is left is read at the next one."""

    @property
    def fresh(self) -> list[Entry]:
        """The new and changed entries, new first."""
        return [*self.new, *self.changed]


class ArticleService:
    """Every article the bot serves, from every source; see the module docstring."""

    def __init__(
        self,
        *,
        folder: Path | None = None,
        worker: ParseWorker | None = None,
        corrector: Corrector | None = None,
        fallback: Callable[[str], Article | None] | None = None,
    ) -> None:
        self.worker = worker or ParseWorker(None)
        self.folder = FolderSource(folder) if folder is not None else None
        self.corrector: Corrector = corrector or _as_parsed
        self.registry = Registry(fallback=fallback)
        self.registry.collection = folder is not None
        self.registry.loading = folder is not None
        self.waiting: dict[str, Path] = {}
        """Slots whose single article is still being loaded (a large file the cache does not hold)."""
        self.feeds: FeedPoller | None = None
        self._parsed: dict[str, Article] = {}  # each slot's article as parsed, before corrections
        self._polled = False  # the feeds polled once

    # building ----------------------------------------------------------------------------

    @classmethod
    def of(cls, article: Article, slot: str = "bundled") -> ArticleService:
        """A service holding one article already loaded."""
        service = cls()
        service.add(slot, article)
        return service

    @classmethod
    def from_settings(cls, settings: Settings) -> ArticleService:
        """The sources the settings name; nothing is read yet (see :meth:`prepare`, :meth:`refresh`)."""
        worker = ParseWorker(
            settings.cache_dir,
            max_summary_sentences=settings.summary_max_sentences,
            max_summary_chars=settings.summary_max_chars,
            max_bytes=settings.max_article_bytes,
        )
        if settings.library_dir is not None and not settings.library_dir.is_dir():
            raise BotError(f"the library folder {settings.library_dir} does not exist or is not a folder")
        return cls(folder=settings.library_dir, worker=worker)

    def prepare(self, settings: Settings) -> None:
        """Without a folder or feeds alone: the single article, loaded now when that is quick.

        A missing or unreadable file fails here, at once (:class:`~bot.errors.SourceError`); a
        large file the cache does not hold waits for :meth:`load_waiting`.
        """
        if self.folder is not None or (settings.feed_urls and settings.article_path is None):
            return
        article = self.worker.quick(settings.article_path)
        if article is not None:
            self.add(settings.article_slot, article)
        else:
            self.wait_for(settings.article_slot, settings.article_path or DEFAULT_ARTICLE)

    def wait_for(self, slot: str, path: Path) -> None:
        """Serve the article at ``path`` in ``slot`` once :meth:`load_waiting` has loaded it."""
        self.waiting[slot] = path
        self.registry.loading = True

    # sources -----------------------------------------------------------------------------

    def add(self, slot: str, parsed: Article, stamp: tuple[int, int] = (0, 0)) -> Entry:
        """Serve ``parsed`` (corrected) in ``slot``; the single article, a feed entry, a loaded file."""
        entry = self._put(slot, parsed, stamp)
        self.registry.reorder()
        return entry

    def _put(self, slot: str, parsed: Article, stamp: tuple[int, int]) -> Entry:
        known = self.registry.current(slot)
        article = self.corrector(slot, parsed)
        if known is not None and known.article == article:  # touched, not changed: keep the object the
            article = known.article  # view caches know, so they find it by identity, not by comparing it all
        self._parsed[slot] = parsed
        entry = Entry(slot, article, *stamp)
        self.registry.put(entry)
        self.waiting.pop(slot, None)
        return entry

    def _note(self, entry: Entry, known: Entry | None, changes: Changes) -> None:
        if known is None:
            changes.new.append(entry)
        elif known.article.id != entry.article.id:
            changes.changed.append(entry)

    def reapply(self, slot: str) -> Changes:
        """Apply the corrections of ``slot`` again (one was made or undone): a new version when they changed it."""
        changes = Changes()
        parsed, known = self._parsed.get(slot), self.registry.current(slot)
        if parsed is None or known is None:
            return changes
        entry = self._put(slot, parsed, (known.mtime_ns, known.size))
        self.registry.reorder()
        self._note(entry, known, changes)
        return changes

    def parsed(self, slot: str) -> Article | None:
        """``slot``'s article as parsed, before corrections."""
        return self._parsed.get(slot)

    async def load_waiting(self) -> Changes:
        """Load the single article the service waits for; a file that is not an article raises."""
        changes = Changes()
        for slot, path in list(self.waiting.items()):
            started = time.monotonic()
            article = await self.worker.load(path)
            self._note(self.add(slot, article), None, changes)
            log.info("article %s (%s) ready after %.1f s", slot, article.id, time.monotonic() - started)
        self._update_loading()
        return changes

    def refresh_now(self) -> Changes:
        """Read the folder, parsing here (the command line and tests: no event loop to keep free)."""
        changes = Changes()
        if self.folder is None:
            return changes
        scan = self.folder.scan()
        self._scanned(scan, changes)
        for item in scan.todo:
            try:
                article = load_article_cached(
                    item.path,
                    self.worker.cache_dir,
                    max_summary_sentences=self.worker.max_summary_sentences,
                    max_summary_chars=self.worker.max_summary_chars,
                    max_bytes=self.worker.max_bytes,
                    roots=self.folder.roots,
                )
            except Exception as exc:
                self.folder.failed(item, exc, scan)
            else:
                self._loaded(item, article, changes)
        return self._finish(scan, changes)

    async def refresh(self, keep_going: Callable[[], bool] = lambda: True) -> Changes:
        """Read the folder, with large files parsed by the worker while the event loop runs on.

        Each article is served as soon as it is parsed (at most a few reorders a second).
        ``keep_going`` is asked twice a second: when it says no (the bot is stopping), the file
        being parsed is abandoned and the refresh ends with ``changes.stopped`` set.
        """
        changes = Changes()
        if self.folder is None:
            return changes
        folder, scan = self.folder, self.folder.scan()
        self._scanned(scan, changes)
        reordered, unserved = time.monotonic(), False
        for done, item in enumerate(scan.todo):
            if not keep_going():
                return self._stopped(scan, changes, len(scan.todo) - done)
            loading = asyncio.ensure_future(self.worker.load(item.path, roots=folder.roots))
            while not loading.done():
                await asyncio.wait({loading}, timeout=REORDER_SECONDS if unserved else 0.5)
                if not loading.done() and unserved:  # this one takes a while: serve what is loaded meanwhile
                    self.registry.reorder()
                    reordered, unserved = time.monotonic(), False
                if not loading.done() and not keep_going():
                    loading.cancel()  # kills a parsing child
                    with contextlib.suppress(asyncio.CancelledError):
                        await loading
                    return self._stopped(scan, changes, len(scan.todo) - done)
            exc = loading.exception()
            if exc is None:
                self._loaded(item, loading.result(), changes)
                unserved = True
            elif isinstance(exc, Exception):
                folder.failed(item, exc, scan)
            else:
                raise exc
            if unserved and (time.monotonic() - reordered >= REORDER_SECONDS or self.registry.latest() is None):
                self.registry.reorder()
                reordered, unserved = time.monotonic(), False
        return self._finish(scan, changes)

    def _scanned(self, scan: FolderScan, changes: Changes) -> None:
        for slot in scan.removed:
            self.registry.remove(slot)
            self._parsed.pop(slot, None)
        changes.removed = scan.removed

    def _loaded(self, item: ToLoad, article: Article, changes: Changes) -> None:
        assert self.folder is not None
        self.folder.loaded(item)
        known = self.registry.current(item.slot)
        self._note(self._put(item.slot, article, item.stamp), known, changes)

    def _finish(self, scan: FolderScan, changes: Changes) -> Changes:
        assert self.folder is not None
        changes.broken = scan.broken
        self.folder.scanned = True
        self.registry.reorder()
        self._update_problems()
        self._update_loading()
        return changes

    def _stopped(self, scan: FolderScan, changes: Changes, left: int) -> Changes:
        log.info("library: stopping; %d file(s) left for the next scan", left)
        changes.stopped = True
        changes.broken = scan.broken
        self.registry.reorder()
        self._update_problems()
        return changes

    # feeds -------------------------------------------------------------------------------

    def follow(self, poller: FeedPoller) -> int:
        """Take the feeds as a source: serve what they gave in earlier runs (no fetch); how many."""
        self.feeds = poller
        self.registry.collection = True
        known = poller.known_articles()
        for slot, article in reversed(known):  # oldest first, so the newest version of a slot wins
            self._put(slot, article, (0, 0))
        self.registry.reorder()
        self._update_loading()
        return len(known)

    async def poll(self, keep_going: Callable[[], bool] = lambda: True) -> Changes:
        """Poll the feeds once: what is new or changed is served, and returned."""
        changes = Changes()
        if self.feeds is None:
            return changes
        result = await self.feeds.poll(keep_going=keep_going)
        for found in result.found:
            known = self.registry.current(found.slot)
            entry = self._put(found.slot, found.article, (0, 0))
            self._note(entry, known, changes)
            if found.backlog and known is None:
                changes.backlog.add(found.slot)
        changes.stopped = result.stopped
        self.registry.reorder()
        self._update_problems()
        self._polled = True
        self._update_loading()
        return changes

    async def aclose(self) -> None:
        """Close the feeds' HTTP client."""
        if self.feeds is not None:
            await self.feeds.aclose()
            self.feeds = None

    # state -------------------------------------------------------------------------------

    @property
    def scanned(self) -> bool:
        """Whether the folder has been read once (True without a folder)."""
        return self.folder is None or self.folder.scanned

    @property
    def polled(self) -> bool:
        """Whether the feeds have been polled once (True without feeds)."""
        return self.feeds is None or self._polled

    def _update_problems(self) -> None:
        problems = dict(self.folder.problems) if self.folder is not None else {}
        if self.feeds is not None:
            problems.update(self.feeds.problems)
        self.registry.broken = problems

    def _update_loading(self) -> None:
        self.registry.loading = bool(self.waiting) or not self.scanned or not self.polled
