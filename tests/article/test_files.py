"""Hostile files: FIFOs, devices, sockets, links out of the folder, huge files; reads a stop can interrupt."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.article import load_article
from bot.article.files import read_article_file
from bot.errors import SourceError, StoppedError

ARTICLE = "عنوان الخبر\n\n" + "قال المتحدث إن الوضع مستقر في المدينة بعد أيام من القتال العنيف.\n" * 3


def within(seconds: float, work: Callable[[], object]) -> object:
    """``work()`` in a thread; fails (instead of hanging the suite) if it has not returned in time."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still blocked after {seconds} s"
    return outcome[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    library = tmp_path / "library"
    library.mkdir()
    return library


def test_a_fifo_is_refused_at_once_not_waited_on(folder: Path) -> None:
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    try:
        error = within(5, lambda: read_article_file(fifo))
    finally:
        with open(os.open(fifo, os.O_RDWR | os.O_NONBLOCK), "wb"):  # unblocks a reader, were there one
            pass
    assert isinstance(error, SourceError) and "a FIFO, not a regular file" in str(error)


def test_a_link_to_a_device_is_refused(folder: Path) -> None:
    zero = folder / "zero.txt"
    zero.symlink_to("/dev/zero")
    error = within(5, lambda: read_article_file(zero, roots=[folder]))
    assert isinstance(error, SourceError) and "outside the library folder" in str(error)
    error = within(5, lambda: read_article_file(zero))  # even where links may point anywhere
    assert isinstance(error, SourceError) and "character device" in str(error)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(SourceError, match="a socket, not a regular file"):
            read_article_file(path)


def test_links_only_to_regular_files_inside_the_folder(folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text(ARTICLE, "utf-8")
    inside = folder / "real.txt"
    inside.write_text(ARTICLE, "utf-8")
    (folder / "out.txt").symlink_to(outside)
    (folder / "in.txt").symlink_to(inside)
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "dir.txt").symlink_to(folder)
    assert read_article_file(folder / "in.txt", roots=[folder]) == inside.read_bytes()
    with pytest.raises(SourceError, match="outside the library folder"):
        read_article_file(folder / "out.txt", roots=[folder])
    with pytest.raises(SourceError, match="a symbolic link to nothing"):
        read_article_file(folder / "dangling.txt", roots=[folder])
    with pytest.raises(SourceError, match="cannot read"):
        read_article_file(folder / "loop.txt", roots=[folder])
    with pytest.raises(SourceError, match="directory"):
        read_article_file(folder / "dir.txt", roots=[folder])


def test_a_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # sparse: 50 MB that take no disk
    with pytest.raises(SourceError, match="over the limit of 20,971,520"):
        read_article_file(huge)
    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * 2000)
    with pytest.raises(SourceError, match="BOT_MAX_ARTICLE_BYTES"):
        read_article_file(small, max_bytes=1000)
    with pytest.raises(SourceError, match="over the limit"):
        load_article(small, max_bytes=1000)  # python -m bot parse goes the same way


def test_a_read_stops_once_asked(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (3 * 1024 * 1024))
    stop = threading.Event()
    stop.set()
    with pytest.raises(StoppedError, match="stopping"):
        read_article_file(big, stop=stop)
    assert read_article_file(big) == big.read_bytes()
