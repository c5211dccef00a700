"""Fuzzed library folders: any mix of articles and hostile files is scanned to the end, in bounded time.

Hostile files: FIFOs, links to ``/dev/zero`` and out of the folder, dangling links, sparse files
far over the size limit, folders named like articles, empty and binary files. Each example is a
fresh folder under pytest's temporary directory; the scan must end within 20 s, every article
must be served and every hostile file listed as broken.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.articles.service import ArticleService
from bot.articles.worker import ParseWorker
from tests.article.conftest import OTHER_OUTLET

BUNDLED = (Path(__file__).resolve().parents[2] / "bot" / "data" / "article.txt").read_text("utf-8")
LIMIT = 1024 * 1024
ARTICLES = {"bundled", "other", "link_inside"}
HOSTILE = {"fifo", "zero", "outside", "dangling", "huge", "folder", "empty", "binary"}


def make(folder: Path, outside: Path, name: str, kind: str) -> None:
    path = folder / name
    if kind == "bundled":
        path.write_text(BUNDLED, "utf-8")
    elif kind == "other":
        path.write_text(OTHER_OUTLET, "utf-8")
    elif kind == "link_inside":
        target = folder / f".{name}.target"  # a hidden file: the library does not list it itself
        target.write_text(BUNDLED, "utf-8")
        path.symlink_to(target)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "outside":
        path.symlink_to(outside)
    elif kind == "dangling":
        path.symlink_to(folder / "nothing-here")
    elif kind == "huge":
        with path.open("wb") as out:
            out.truncate(LIMIT * 40)
    elif kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 8)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(ARTICLES | HOSTILE)), min_size=1, max_size=8))
def test_any_mix_of_hostile_files_is_scanned_to_the_end(workspace: Path, kinds: list[str]) -> None:
    folder = Path(os.path.realpath(workspace)) / f"case{len(list(workspace.iterdir()))}"
    folder.mkdir()
    outside = folder.parent / f"{folder.name}-outside.txt"
    outside.write_text(BUNDLED, "utf-8")
    names = {f"f{n}-{kind}.txt": kind for n, kind in enumerate(kinds)}
    for name, kind in names.items():
        make(folder, outside, name, kind)
    library = ArticleService(folder=folder, worker=ParseWorker(None, max_bytes=LIMIT))
    try:
        asyncio.run(asyncio.wait_for(library.refresh(), timeout=20))
    finally:
        for name, kind in names.items():
            if kind == "fifo":  # frees a reader blocked on it, were there one
                with open(os.open(folder / name, os.O_RDWR | os.O_NONBLOCK), "wb"):
                    pass
    served = {entry.slot for entry in library.registry.entries()}
    assert served == {name for name, kind in names.items() if kind in ARTICLES}
    assert set(library.registry.broken) == {name for name, kind in names.items() if kind in HOSTILE}
    assert not library.registry.loading
