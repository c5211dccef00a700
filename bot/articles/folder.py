"""The library folder (``BOT_LIBRARY_DIR``): which files are new, changed, removed or broken.

Files are parsed once (again only when their size or modification time changes). After the first
scan, a new or changed file is loaded only once it is stable: the same size and modification time
at two scans in a row, so a file still being written is not news. A broken file is recorded in
:attr:`FolderSource.problems` and skipped; it never stops the others. A file that fails for a
reason that is not its own (a parser bug, a killed parsing child) is tried again after
:data:`RETRY_SECONDS`; one whose bytes are not an article waits until it changes.

This module only looks at the folder; :class:`~bot.articles.service.ArticleService` loads the
files it lists.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ArticleError, BotError

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".json")
RETRY_SECONDS = 300  # after a failure that is not the file's fault

Stamp = tuple[int, int]
"""A file's modification time (ns) and size."""


@dataclass(frozen=True)
class ToLoad:
    """A file to load: new, or changed since it was loaded."""

    slot: str
    path: Path
    stamp: Stamp


@dataclass
class FolderScan:
    """What one look at the folder found."""

    todo: list[ToLoad] = field(default_factory=list)
    """Smallest first: a huge file holds up no other."""
    removed: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)


class FolderSource:
    """One folder of article files (``.txt``, ``.html``, ``.htm``, ``.json``), slots named by file name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: dict[str, str] = {}
        """File name -> why it is skipped."""
        self.scanned = False
        """Whether the folder has been read once."""
        self._loaded: dict[str, Stamp] = {}  # the stamp of each file being served
        self._broken_stamp: dict[str, Stamp] = {}
        self._retry_at: dict[str, tuple[Stamp, float]] = {}  # failures that may pass: when to try again
        self._seen: dict[str, Stamp] = {}  # each file's stamp at the last scan: stable when unchanged

    @property
    def roots(self) -> list[Path]:
        """Where a symbolic link in the folder may point: into the folder itself."""
        return [self.folder]

    def scan(self) -> FolderScan:
        """Note removed and unreadable files; list the new and changed ones to load."""
        result = FolderScan()
        seen: dict[str, Stamp] = {}
        for path in sorted(self._files()):
            slot = path.name
            try:
                stat = path.stat()
            except OSError as exc:
                seen[slot] = (0, 0)
                self._break(slot, f"cannot read the file ({exc.strerror or exc})", result)
                continue
            stamp = seen[slot] = (stat.st_mtime_ns, stat.st_size)
            if self._loaded.get(slot) == stamp or self._broken_stamp.get(slot) == stamp:
                continue
            retry = self._retry_at.get(slot)
            if retry is not None and retry[0] == stamp and time.monotonic() < retry[1]:
                continue
            if self.scanned and self._seen.get(slot) != stamp:
                continue  # new or changed since the last scan: maybe still being written, loaded once stable
            result.todo.append(ToLoad(slot, path, stamp))
        self._seen = seen
        result.todo.sort(key=lambda item: item.stamp[1])
        for slot in [s for s in self._loaded if s not in seen]:
            del self._loaded[slot]
            result.removed.append(slot)
        for slot in [s for s in self.problems if s not in seen]:
            del self.problems[slot]
            self._broken_stamp.pop(slot, None)
        return result

    def loaded(self, item: ToLoad) -> None:
        """``item`` loaded: it is served until the file changes."""
        self._loaded[item.slot] = item.stamp
        self.problems.pop(item.slot, None)
        self._broken_stamp.pop(item.slot, None)
        self._retry_at.pop(item.slot, None)

    def failed(self, item: ToLoad, exc: Exception, result: FolderScan) -> None:
        """``item`` did not load: skipped until it changes (its own fault) or for a while (any other)."""
        if isinstance(exc, ArticleError):
            self._break(item.slot, exc.problem, result)
            self._broken_stamp[item.slot] = item.stamp  # the same bytes would fail again: wait for a change
            return
        if isinstance(exc, BotError):  # a killed parsing process, a full disk: tried again after a pause
            log.error("library: %s", exc)
            problem = str(exc)
        else:  # a parser bug
            log.error("library: unexpected error loading %s", item.slot, exc_info=exc)
            problem = f"unexpected error ({type(exc).__name__})"
        self._break(item.slot, problem, result)
        self._retry_at[item.slot] = (item.stamp, time.monotonic() + RETRY_SECONDS)

    def _files(self) -> Iterable[Path]:
        try:
            yield from (
                p for p in self.folder.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith(".")
            )
        except OSError as exc:
            log.error("cannot list the library folder %s: %s", self.folder, exc)

    def _break(self, slot: str, problem: str, result: FolderScan) -> None:
        log.warning("library: skipping %s: %s", slot, problem)
        self.problems[slot] = problem
        result.broken[slot] = problem
