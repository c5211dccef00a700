"""A cache of parsed articles, so a restart does not parse a large article again.

The key is the SHA-256 of the file's bytes, the summary options and a fingerprint of the parser
itself (the source of ``bot/article`` and its data files): any change to the article or to the
parser makes a new entry, so a stale parse is never served. A cache that cannot be read or
written is skipped with a log line; the article is then parsed as usual.

An entry is JSON lines, read one line at a time so that loading never holds the file and the
article at once (a 5 MB article loads with about 10 MB less at its peak than from one JSON
document)::

    {"format": 1, "paragraph_count": N, "statement_count": M, ...the Article's other fields...}
    "first paragraph"                      <- N lines, each a JSON string
    {"text": ..., "speaker": ...}          <- then M lines, one per statement

Entries not used for :data:`KEEP_UNUSED_DAYS` are removed when a new one is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Sequence
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import BinaryIO, TypeVar

from pydantic import TypeAdapter, ValidationError

from bot.article.files import DEFAULT_MAX_BYTES, read_article_file
from bot.article.load import DEFAULT_ARTICLE, parse_bytes
from bot.article.model import Article, Statement
from bot.errors import ArticleError

log = logging.getLogger(__name__)

FORMAT = 1
KEEP_UNUSED_DAYS = 30
PRUNE_EVERY_SECONDS = 3600
_ENTRY_NAME = re.compile(r"[0-9a-f]{32}\.jsonl?")
_TMP_PREFIX = "article-"
_last_pruned: dict[Path, float] = {}
_STATEMENT = TypeAdapter(Statement)
_STATEMENTS = TypeAdapter(list[Statement])
_PARAGRAPHS = TypeAdapter(list[str])
_BLOCK = 512
_T = TypeVar("_T")


@cache
def parser_fingerprint() -> str:
    """A digest of the parser's code and word lists, and of the page extractor's version."""
    digest = hashlib.sha256()
    digest.update(metadata.version("trafilatura").encode())  # a new version may extract pages differently
    package = resources.files("bot.article")
    data = resources.files("bot.data")
    for folder, suffix in ((package, ".py"), (data, ".json")):
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(suffix):
                digest.update(item.name.encode())
                digest.update(item.read_bytes())
    return digest.hexdigest()[:16]


def read_source(
    path: Path | str | None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    roots: Sequence[Path] | None = None,
    stop: threading.Event | None = None,
) -> tuple[Path, bytes]:
    """The article file (the bundled one for ``None``) and its bytes, read by :func:`read_article_file`."""
    file = Path(path) if path is not None else DEFAULT_ARTICLE
    return file, read_article_file(file, max_bytes=max_bytes, roots=roots, stop=stop)


def entry_for(data: bytes, cache_dir: Path | None, max_summary_sentences: int, max_summary_chars: int) -> Path | None:
    """Where the parse of ``data`` with these options is (or would be) cached; ``None`` without a cache."""
    if cache_dir is None:
        return None
    options = f"{max_summary_sentences}:{max_summary_chars}:{parser_fingerprint()}"
    digest = hashlib.sha256(data)
    digest.update(options.encode())
    return cache_dir / f"{digest.hexdigest()[:32]}.jsonl"


def cached(entry: Path | None) -> Article | None:
    """The article cached at ``entry``, or ``None`` (no cache, no entry, or an unusable one)."""
    if entry is None or not entry.is_file():
        return None
    try:
        article = read_entry(entry)
    except (OSError, ValueError, TypeError, KeyError, ValidationError, ArticleError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        log.warning("article cache entry %s unusable (%s); parsing again", entry, reason)
        return None
    with contextlib.suppress(OSError):  # a read-only cache is still a good cache
        os.utime(entry)  # marks it used, so pruning keeps it
    return article


def read_entry(source: Path | BinaryIO) -> Article:
    """Load an entry written by :func:`write_entry` (a file, or a binary stream), a block of lines at a time."""
    with source.open("rb") if isinstance(source, Path) else contextlib.nullcontext(source) as lines:
        header = json.loads(lines.readline())
        if not isinstance(header, dict) or header.pop("format", None) != FORMAT:
            raise ValueError("not a cache entry of this version")
        count, expected = int(header.pop("paragraph_count")), int(header.pop("statement_count"))
        paragraphs = _blocks(lines, count, _PARAGRAPHS)
        statements = _blocks(lines, expected, _STATEMENTS)
        if len(paragraphs) != count or len(statements) != expected or lines.readline():
            raise ValueError("the entry does not hold what its first line announces")
    return Article.model_validate({**header, "paragraphs": paragraphs, "statements": statements})


def _blocks(lines: BinaryIO, count: int, adapter: TypeAdapter[list[_T]]) -> tuple[_T, ...]:
    """``count`` JSON lines, decoded _BLOCK at a time (one decoder call per block, not per line)."""
    out: list[_T] = []
    while len(out) < count:
        block = [line for _, line in zip(range(min(_BLOCK, count - len(out))), lines, strict=False)]
        if not block:
            break
        out += adapter.validate_json(b"[" + b",".join(block) + b"]")
    return tuple(out)


def write_entry(target: Path | BinaryIO, article: Article) -> None:
    """Write ``article`` as an entry: to a file atomically (a reader never sees half of it), or to a stream.

    Raises OSError when the file cannot be written; no temporary file is left behind.
    """
    if not isinstance(target, Path):
        _write_lines(target, article)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_TMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            _write_lines(out, article)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_lines(out: BinaryIO, article: Article) -> None:
    header = json.loads(article.model_dump_json(exclude={"paragraphs", "statements"}))
    counts = {"paragraph_count": len(article.paragraphs), "statement_count": len(article.statements)}
    out.write(json.dumps({"format": FORMAT, **counts, **header}, ensure_ascii=False).encode() + b"\n")
    for paragraph in article.paragraphs:
        out.write(json.dumps(paragraph, ensure_ascii=False).encode() + b"\n")
    for statement in article.statements:
        out.write(_STATEMENT.dump_json(statement) + b"\n")


def save(entry: Path | None, article: Article) -> None:
    """Cache ``article`` at ``entry`` (now and then pruning the folder); a failure is logged, never raised."""
    if entry is None:
        return
    try:
        write_entry(entry, article)
    except OSError as exc:
        log.warning("cannot write the article cache %s: %s", entry, exc)
        return
    prune_now_and_then(entry.parent)


def prune_now_and_then(cache_dir: Path) -> None:
    """:func:`prune` ``cache_dir`` unless this process did in the last hour (a scan writes many entries)."""
    now = time.time()
    if now - _last_pruned.get(cache_dir, 0.0) >= PRUNE_EVERY_SECONDS:
        _last_pruned[cache_dir] = now
        prune(cache_dir, now=now)


def prune(cache_dir: Path, *, now: float | None = None) -> list[Path]:
    """Remove entries unused for :data:`KEEP_UNUSED_DAYS`, old-format entries and stale temporary files.

    Only names this cache gives its files are touched, so a folder shared with other files is safe.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        items = list(cache_dir.iterdir())
    except OSError as exc:
        log.warning("cannot prune the article cache %s: %s", cache_dir, exc)
        return removed
    for item in items:
        try:
            age = now - item.stat().st_mtime
            stale = (
                (_ENTRY_NAME.fullmatch(item.name) and item.suffix == ".jsonl" and age > KEEP_UNUSED_DAYS * 86400)
                or (_ENTRY_NAME.fullmatch(item.name) and item.suffix == ".json")  # the format of earlier versions
                or (item.name.startswith(_TMP_PREFIX) and item.suffix == ".tmp" and age > 3600)  # a killed write
            )
            if stale and item.is_file():
                item.unlink()
                removed.append(item)
        except OSError as exc:
            log.warning("cannot prune the article cache entry %s: %s", item, exc)
    return removed


def load_article_cached(
    path: Path | str | None,
    cache_dir: Path | None,
    *,
    max_summary_sentences: int = 3,
    max_summary_chars: int = 700,
    max_bytes: int = DEFAULT_MAX_BYTES,
    roots: Sequence[Path] | None = None,
) -> Article:
    """Like :func:`bot.article.load_article`, through the cache in ``cache_dir`` when one is given."""
    article = load_through_cache(
        path, cache_dir, max_summary_sentences, max_summary_chars, max_bytes=max_bytes, roots=roots
    )[1]
    assert article is not None  # no size limit: parsed here when not cached
    return article


def load_through_cache(
    path: Path | str | None,
    cache_dir: Path | None,
    max_summary_sentences: int,
    max_summary_chars: int,
    *,
    parse_up_to: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    roots: Sequence[Path] | None = None,
    stop: threading.Event | None = None,
) -> tuple[Path, Article | None]:
    """The file and its article: from the cache, else parsed here (and cached) unless larger than ``parse_up_to``.

    ``None`` for an uncached file over the limit, which the caller parses elsewhere. ``max_bytes``,
    ``roots`` and ``stop`` go to :func:`read_source`.
    """
    file, data = read_source(path, max_bytes=max_bytes, roots=roots, stop=stop)
    entry = entry_for(data, cache_dir, max_summary_sentences, max_summary_chars)
    if parse_up_to is not None and len(data) > parse_up_to:
        del data  # only its digest was needed: keep it out of memory while the cache entry loads
        return file, cached(entry)
    article = cached(entry)
    if article is None:
        article = parse_bytes(
            data, path=str(file), max_summary_sentences=max_summary_sentences, max_summary_chars=max_summary_chars
        )
        save(entry, article)
    return file, article
