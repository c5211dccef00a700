"""Loading articles without holding up an event loop: large files are parsed in another process.

A news article parses in milliseconds, but a file of several megabytes takes seconds and, while
parsing, about twenty times its size in memory. :class:`ParseWorker` loads an article the cheap
way when it can (the parsed-article cache, or a parse of a small file, in a thread) and otherwise
runs ``python -m bot.articles.worker`` on the file: a child process that imports only the article
core, parses, and writes the result to the cache (or, when there is no usable cache, to its
standard output). Its memory goes back to the system when it exits, and the bot keeps answering
updates meanwhile.

Work done in the bot's process runs in a daemon thread: reads stop at the next block once the
load is cancelled, and a parse still running when the bot stops is abandoned rather than waited
for (a thread cannot be interrupted, and Python waits for its ordinary worker threads at exit).

The child runs in a session of its own (a Ctrl-C aimed at the bot does not reach it; the bot stops
it), dies with the bot however the bot ends (Linux), imports the same package as the bot and checks
it runs the same parser. A child that dies (out of memory, killed) is a :class:`WorkerError`, never
waited for.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import io
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from bot import errors
from bot.article.files import DEFAULT_MAX_BYTES
from bot.article.load import parse_bytes
from bot.article.model import Article
from bot.article.summary import DEFAULT_MAX_CHARS, DEFAULT_MAX_SENTENCES
from bot.articles.cache import (
    entry_for,
    load_through_cache,
    parser_fingerprint,
    prune_now_and_then,
    read_entry,
    read_source,
    write_entry,
)
from bot.errors import ArticleError, WorkerError

log = logging.getLogger(__name__)

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_PR_SET_PDEATHSIG = 1

_T = TypeVar("_T")

INLINE_PARSE_BYTES = 256 * 1024
"""Files up to this size are parsed in the bot's process (in a thread): at 1 s per MB, a quarter second at most."""


class ParseWorker:
    """Loads article files through the cache, parsing large ones in a child process."""

    def __init__(
        self,
        cache_dir: Path | None,
        *,
        max_summary_sentences: int = DEFAULT_MAX_SENTENCES,
        max_summary_chars: int = DEFAULT_MAX_CHARS,
        inline_bytes: int = INLINE_PARSE_BYTES,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        self.max_summary_sentences = max_summary_sentences
        self.max_summary_chars = max_summary_chars
        self.inline_bytes = inline_bytes

    def quick(self, path: Path | str | None) -> Article | None:
        """The article when it loads at once (cached, or small enough to parse here); ``None`` otherwise.

        Raises :class:`~bot.errors.SourceError` for a missing or unreadable file, so that mistake
        is reported before anything starts.
        """
        return self._quick(path)[1]

    async def load(self, path: Path | str | None, *, roots: Sequence[Path] | None = None) -> Article:
        """The article at ``path``; a large uncached file is parsed in a child process.

        Reading, hashing and loading from the cache happen in a daemon thread, so that even a
        large article does not hold up the caller's event loop; cancelling the load stops the
        read at its next block and the child at once. ``roots``: where a symbolic link may point.
        """
        stop = threading.Event()
        try:
            file, article = await in_daemon_thread(lambda: self._quick(path, roots, stop))
            if article is None:
                article = await self._in_child(file, roots)
        except asyncio.CancelledError:
            stop.set()
            raise
        return article

    def _quick(
        self, path: Path | str | None, roots: Sequence[Path] | None = None, stop: threading.Event | None = None
    ) -> tuple[Path, Article | None]:
        return load_through_cache(
            path,
            self.cache_dir,
            self.max_summary_sentences,
            self.max_summary_chars,
            parse_up_to=self.inline_bytes,
            max_bytes=self.max_bytes,
            roots=roots,
            stop=stop,
        )

    async def _in_child(self, file: Path, roots: Sequence[Path] | None = None) -> Article:
        """Parse ``file`` in a child process; it writes the cache entry, or sends the article back."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-P",  # no script folder or current directory on the path: the child imports this very package
            "-m",
            "bot.articles.worker",
            str(file),
            str(self.cache_dir or ""),
            str(self.max_summary_sentences),
            str(self.max_summary_chars),
            parser_fingerprint(),
            str(self.max_bytes),
            os.pathsep.join(str(root) for root in roots) if roots is not None else "",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            env=_child_environment(),
        )
        try:
            out, err = await process.communicate()
        except BaseException:  # cancelled (the bot stops): the child goes too
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise
        if process.returncode != 0:  # killed (out of memory?) or crashed, maybe halfway through its answer
            if err.strip():
                log.error("the parsing process for %s said:\n%s", file, err.decode(errors="replace").strip()[-4000:])
            last = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
            raise WorkerError(f"{file}: the parsing process stopped ({last[0][:200]})")
        status, _, payload = out.partition(b"\n")
        del out
        reply = json.loads(status)
        if reply["kind"]:
            error = getattr(errors, reply["kind"], ArticleError)
            known = isinstance(error, type) and issubclass(error, ArticleError)
            raise (error if known else ArticleError)(str(file), reply["problem"])
        if reply["written"]:
            written = Path(reply["written"])
            article = await in_daemon_thread(lambda: read_entry(written))
            await in_daemon_thread(lambda: prune_now_and_then(written.parent))
            return article
        return await in_daemon_thread(lambda: read_entry(io.BytesIO(payload)))


async def in_daemon_thread(work: Callable[[], _T]) -> _T:
    """``work()`` in a daemon thread of its own; a cancelled caller stops waiting, and the process never waits for it.

    ``asyncio.to_thread`` uses the loop's executor, whose threads Python joins at exit: a parse
    still running there would hold up the bot's stop for as long as it takes.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def settle(result: _T | None, error: BaseException | None) -> None:
        if future.done():  # the caller was cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            outcome: tuple[_T | None, BaseException | None] = (work(), None)
        except BaseException as exc:  # handed to the caller, which raises it
            outcome = (None, exc)
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=run, name="article-load", daemon=True).start()
    return await future


def _child_environment() -> dict[str, str]:
    """The bot's environment without its settings (the child gets what it needs as arguments, and no
    token), with this package's folder first on the path, wherever the bot was imported from."""
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("BOT_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")]))
    return env


def _die_with_parent() -> None:
    """Linux: end this process when the bot's process ends, however it ends (even killed)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child then finishes its parse alone
        return
    if os.getppid() == 1:  # the parent was already gone before the line above
        raise SystemExit(1)


def _child(argv: Sequence[str]) -> int:
    """``python -m bot.articles.worker PATH CACHE_DIR SENTENCES CHARS FINGERPRINT MAX_BYTES ROOTS``: parse, report.

    ``ROOTS``: the folders a symbolic link may point into, joined by ``os.pathsep`` (empty: anywhere).

    The first line of standard output is ``{"kind", "problem", "written"}``: an error class name
    and its problem, or the cache entry written. With no cache entry written, the article itself
    follows in the cache's JSON-lines form. The key is computed from the bytes parsed here, so an
    edit of the file while the bot waits can never store one version under another's key.
    """
    path, cache_dir, sentences, chars, fingerprint, *limits = argv
    if fingerprint != parser_fingerprint():  # checked first: another version may take other arguments
        print("this child runs another version of the parser than the bot", file=sys.stderr)
        return 2
    max_bytes, roots = limits
    _die_with_parent()
    out = sys.stdout.buffer
    try:
        allowed = [Path(root) for root in roots.split(os.pathsep)] if roots else None
        file, data = read_source(path, max_bytes=int(max_bytes), roots=allowed)
        article = parse_bytes(data, path=str(file), max_summary_sentences=int(sentences), max_summary_chars=int(chars))
    except ArticleError as exc:
        out.write(json.dumps({"kind": type(exc).__name__, "problem": exc.problem, "written": ""}).encode() + b"\n")
        return 0
    entry = entry_for(data, Path(cache_dir) if cache_dir else None, int(sentences), int(chars))
    del data
    if entry is not None:
        try:
            write_entry(entry, article)
            out.write(json.dumps({"kind": "", "problem": "", "written": str(entry)}).encode() + b"\n")
            return 0
        except OSError:
            pass  # an unwritable cache: send the article itself
    out.write(json.dumps({"kind": "", "problem": "", "written": ""}).encode() + b"\n")
    write_entry(out, article)
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
