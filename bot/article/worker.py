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
from multiprocessing.pool import Pool
from pathlib import Path

from bot import errors
from bot.article.cache import cached, entry_for, read_source, save
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

    def quick(self, path: Path | str | None) -> Article | None:
        """The article when it loads at once (cached, or small enough to parse here); ``None`` otherwise.

        Raises :class:`~bot.errors.SourceError` for a missing or unreadable file, so that mistake
        is reported before anything starts.
        """
        return self._quick(path)[2]

    async def load(self, path: Path | str | None) -> Article:
        """The article at ``path``; a large uncached file is parsed in the child process."""
        file, entry, article = self._quick(path)
        if article is None:
            payload = await self._in_child(file)
            article = Article.from_json(payload, path=str(file))
            save(entry, payload)
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
            save(entry, article.to_json(indent=None))
        return file, entry, article

    async def _in_child(self, file: Path) -> bytes:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[tuple[str, str, bytes]] = loop.create_future()

        def settle(result: tuple[str, str, bytes]) -> None:
            if not done.done():
                done.set_result(result)

        def fail(exc: BaseException) -> None:
            if not done.done():
                done.set_exception(exc)

        if self._pool is None:
            self._pool = multiprocessing.get_context("spawn").Pool(1)
        self._pending += 1
        try:
            self._pool.apply_async(
                _parse_to_json,
                (str(file), self.max_summary_sentences, self.max_summary_chars),
                callback=lambda result: loop.call_soon_threadsafe(settle, result),
                error_callback=lambda exc: loop.call_soon_threadsafe(fail, exc),
            )
            kind, problem, payload = await done
        finally:
            self._pending -= 1
            if not self._pending:
                self.close()
        if kind:
            error = getattr(errors, kind, ArticleError)
            raise (error if issubclass(error, ArticleError) else ArticleError)(str(file), problem)
        return payload

    def close(self) -> None:
        """Stop the child process (an unfinished parse is abandoned)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None


def _parse_to_json(path: str, max_summary_sentences: int, max_summary_chars: int) -> tuple[str, str, bytes]:
    """In the child: ``("", "", json)`` for an article, ``(error class name, problem, b"")`` otherwise."""
    try:
        article = load_article(path, max_summary_sentences=max_summary_sentences, max_summary_chars=max_summary_chars)
    except ArticleError as exc:
        return type(exc).__name__, exc.problem, b""
    return "", "", article.to_json(indent=None).encode()
