"""Loading articles without holding up an event loop: large files are parsed in another process.

A news article parses in milliseconds, but a file of several megabytes takes seconds and, while
parsing, about twenty times its size in memory. :class:`ParseWorker` loads an article the cheap
way when it can (the parsed-article cache, or an in-process parse of a small file) and otherwise
hands the file to a child process, whose memory is given back to the system when it is done.
The bot awaits :meth:`ParseWorker.load` and keeps answering updates meanwhile.

The child is started on demand (``spawn``: no state of the parent is inherited) and stopped as
soon as no parse is pending, so an idle bot holds no second process.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import tempfile
from multiprocessing.pool import Pool
from pathlib import Path

from bot import errors
from bot.article.cache import cached, entry_for, prune, read_entry, read_source, save, write_entry
from bot.article.load import load_article, parse_bytes
from bot.article.model import Article
from bot.article.summary import DEFAULT_MAX_CHARS, DEFAULT_MAX_SENTENCES
from bot.errors import ArticleError

log = logging.getLogger(__name__)

INLINE_PARSE_BYTES = 256 * 1024
"""Files up to this size are parsed in-process: at about 1 s per MB that blocks for a quarter second at most."""


class ParseWorker:
    """Loads article files through the cache, parsing large ones in a child process."""

    def __init__(
        self,
        cache_dir: Path | None,
        *,
        max_summary_sentences: int = DEFAULT_MAX_SENTENCES,
        max_summary_chars: int = DEFAULT_MAX_CHARS,
        inline_bytes: int = INLINE_PARSE_BYTES,
    ) -> None:
        self.cache_dir = cache_dir
        self.max_summary_sentences = max_summary_sentences
        self.max_summary_chars = max_summary_chars
        self.inline_bytes = inline_bytes
        self._pool: Pool | None = None
        self._pending = 0
        self._starting = asyncio.Lock()

    def quick(self, path: Path | str | None) -> Article | None:
        """The article when it loads at once (cached, or small enough to parse here); ``None`` otherwise.

        Raises :class:`~bot.errors.SourceError` for a missing or unreadable file, so that mistake
        is reported before anything starts.
        """
        return self._quick(path)[2]

    async def load(self, path: Path | str | None) -> Article:
        """The article at ``path``; a large uncached file is parsed in the child process.

        Reading, hashing and loading from the cache happen in a thread, so that even a large
        article does not hold up the caller's event loop.
        """
        file, entry, article = await asyncio.to_thread(self._quick, path)
        if article is None:
            article = await self._in_child(file, entry)
        return article

    def _quick(self, path: Path | str | None) -> tuple[Path, Path | None, Article | None]:
        file, data = read_source(path)
        entry = entry_for(data, self.cache_dir, self.max_summary_sentences, self.max_summary_chars)
        if len(data) > self.inline_bytes:
            del data  # only its digest was needed: keep it out of memory while the cache entry loads
            return file, entry, cached(entry)
        article = cached(entry)
        if article is None:
            article = parse_bytes(
                data,
                path=str(file),
                max_summary_sentences=self.max_summary_sentences,
                max_summary_chars=self.max_summary_chars,
            )
            save(entry, article)
        return file, entry, article

    async def _in_child(self, file: Path, entry: Path | None) -> Article:
        """Parse ``file`` in the child, which writes the result to ``entry`` (or a temporary file)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[tuple[str, str, str]] = loop.create_future()

        def settle(result: tuple[str, str, str]) -> None:
            if not done.done():
                done.set_result(result)

        def fail(exc: BaseException) -> None:
            if not done.done():
                done.set_exception(exc)

        self._pending += 1
        try:
            async with self._starting:
                if self._pool is None:  # starting a process takes a moment: not on the event loop
                    self._pool = await asyncio.to_thread(multiprocessing.get_context("spawn").Pool, 1)
            self._pool.apply_async(
                _parse_to_entry,
                (str(file), str(entry) if entry else "", self.max_summary_sentences, self.max_summary_chars),
                callback=lambda result: loop.call_soon_threadsafe(settle, result),
                error_callback=lambda exc: loop.call_soon_threadsafe(fail, exc),
            )
            kind, problem, written = await done
        finally:
            self._pending -= 1
            if not self._pending:
                self.close()
        if kind:
            error = getattr(errors, kind, ArticleError)
            raise (error if issubclass(error, ArticleError) else ArticleError)(str(file), problem)
        target = Path(written)
        try:
            return await asyncio.to_thread(read_entry, target)
        finally:
            if entry is None or target != entry:
                target.unlink(missing_ok=True)
            elif entry is not None:
                prune(entry.parent)

    def close(self) -> None:
        """Stop the child process (an unfinished parse is abandoned)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None


def _parse_to_entry(path: str, entry: str, max_summary_sentences: int, max_summary_chars: int) -> tuple[str, str, str]:
    """In the child: parse ``path`` and write it to ``entry`` (or, failing that, a temporary file).

    Returns ``("", "", file written)`` for an article, ``(error class name, problem, "")`` otherwise.
    The parent reads the file a line at a time, so the article never crosses as one large message.
    """
    try:
        article = load_article(path, max_summary_sentences=max_summary_sentences, max_summary_chars=max_summary_chars)
    except ArticleError as exc:
        return type(exc).__name__, exc.problem, ""
    if entry:
        try:
            write_entry(Path(entry), article)
            return "", "", entry
        except OSError:
            pass  # an unwritable cache: hand the article over through a temporary file instead
    fd, temporary = tempfile.mkstemp(suffix=".jsonl", prefix="article-")
    os.close(fd)
    write_entry(Path(temporary), article)
    return "", "", temporary
