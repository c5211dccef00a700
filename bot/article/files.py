"""Reading an article file without trusting it: a regular file, inside the allowed folders, not too large.

A library folder is written by other people and programs. A FIFO there would block a plain
``read_bytes()`` for good (and the thread doing it would keep the process from exiting), a
symbolic link to ``/dev/zero`` would fill the memory, a link to ``/etc`` would publish what it
points to. So :func:`read_article_file`:

- opens without blocking and reads only a regular file (no FIFO, device, socket or directory);
- follows a symbolic link only to a regular file inside one of the allowed ``roots``;
- checks the size against ``max_bytes`` before reading, and never reads more than that;
- reads a block at a time, and stops with :class:`~bot.errors.StoppedError` once ``stop`` is set.
"""

from __future__ import annotations

import io
import os
import stat
import threading
from collections.abc import Sequence
from pathlib import Path

from bot.errors import SourceError, StoppedError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""The largest file read (``BOT_MAX_ARTICLE_BYTES``): an article is a few kilobytes, a saved page a few hundred."""
_BLOCK = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_article_file(
    path: Path | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    roots: Sequence[Path] | None = None,
    stop: threading.Event | None = None,
) -> bytes:
    """The bytes of the article file at ``path``; :class:`~bot.errors.SourceError` when it must not be read.

    ``roots``: the folders a symbolic link may point into (``None``: anywhere, for a file the
    operator named). The path itself is taken as given: a library lists its own folder.
    """
    file = Path(path)
    name = str(file)
    try:
        link = file.is_symlink()
        target = file.resolve(strict=True) if link else file
    except FileNotFoundError:
        raise SourceError(name, "a symbolic link to nothing" if file.is_symlink() else "no such file") from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        raise SourceError(name, f"cannot read the file ({getattr(exc, 'strerror', None) or exc})") from None
    if link and roots is not None and not any(target.is_relative_to(root.resolve()) for root in roots):
        raise SourceError(name, "a symbolic link to a file outside the library folder")
    try:
        _refuse_special(name, os.stat(target).st_mode)  # a socket cannot even be opened: say what it is
        fd = os.open(target, _OPEN_FLAGS | _NOFOLLOW)  # a link swapped in meanwhile is refused, not followed
    except FileNotFoundError:
        raise SourceError(name, "no such file") from None
    except OSError as exc:
        raise SourceError(name, f"cannot read the file ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        _refuse_special(name, info.st_mode)  # what was opened, whatever was there a moment before
        if info.st_size > max_bytes:
            raise SourceError(name, _too_large(info.st_size, max_bytes))
        return _read_up_to(handle, name, max_bytes, stop)


def _refuse_special(name: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise SourceError(name, "this is a directory, not an article file")
    if not stat.S_ISREG(mode):
        kind = next((label for test, label in _KINDS if test(mode)), "a special file")
        raise SourceError(name, f"this is {kind}, not a regular file: only regular files are read")


def _read_up_to(handle: io.FileIO, name: str, max_bytes: int, stop: threading.Event | None) -> bytes:
    blocks: list[bytes] = []
    total = 0
    while True:
        if stop is not None and stop.is_set():
            raise StoppedError(f"{name}: reading abandoned, the bot is stopping")
        try:
            block = handle.read(min(_BLOCK, max_bytes + 1 - total))
        except OSError as exc:
            raise SourceError(name, f"cannot read the file ({exc.strerror or exc})") from None
        if block is None:  # "would block": a regular file never says so; refuse rather than spin
            raise SourceError(name, "the file cannot be read without waiting")
        if not block:
            return b"".join(blocks)
        blocks.append(block)
        total += len(block)
        if total > max_bytes:  # it grew while being read
            raise SourceError(name, _too_large(total, max_bytes))


def _too_large(size: int, max_bytes: int) -> str:
    return f"the file holds {size:,} bytes or more, over the limit of {max_bytes:,} (BOT_MAX_ARTICLE_BYTES)"
