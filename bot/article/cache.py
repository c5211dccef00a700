"""A cache of parsed articles, so a restart does not parse a large article again.

The key is the SHA-256 of the file's bytes, the summary options and a fingerprint of the parser
itself (the source of ``bot/article`` and its data files): any change to the article or to the
parser makes a new entry, so a stale parse is never served. A cache that cannot be read or
written is skipped with a log line; the article is then parsed as usual.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

from bot.article.load import DEFAULT_ARTICLE, parse_bytes
from bot.article.model import Article
from bot.errors import ArticleError, SourceError

log = logging.getLogger(__name__)


@cache
def parser_fingerprint() -> str:
    """A digest of the parser's code and word lists."""
    digest = hashlib.sha256()
    package = resources.files("bot.article")
    data = resources.files("bot.data")
    for folder, suffix in ((package, ".py"), (data, ".json")):
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(suffix):
                digest.update(item.name.encode())
                digest.update(item.read_bytes())
    return digest.hexdigest()[:16]


def read_source(path: Path | str | None) -> tuple[Path, bytes]:
    """The article file (the bundled one for ``None``) and its bytes; :class:`SourceError` when unreadable."""
    file = Path(path) if path is not None else DEFAULT_ARTICLE
    if not file.exists():
        raise SourceError(str(file), "no such file")
    if file.is_dir():
        raise SourceError(str(file), "this is a directory, not an article file")
    try:
        return file, file.read_bytes()
    except OSError as exc:
        raise SourceError(str(file), f"cannot read the file ({exc.strerror or exc})") from None


def entry_for(data: bytes, cache_dir: Path | None, max_summary_sentences: int, max_summary_chars: int) -> Path | None:
    """Where the parse of ``data`` with these options is (or would be) cached; ``None`` without a cache."""
    if cache_dir is None:
        return None
    options = f"{max_summary_sentences}:{max_summary_chars}:{parser_fingerprint()}"
    digest = hashlib.sha256(data)
    digest.update(options.encode())
    return cache_dir / f"{digest.hexdigest()[:32]}.json"


def cached(entry: Path | None) -> Article | None:
    """The article cached at ``entry``, or ``None`` (no cache, no entry, or an unusable one)."""
    if entry is None or not entry.is_file():
        return None
    try:
        return Article.from_json(entry.read_bytes(), path=str(entry), keep_id=True)
    except (OSError, ArticleError) as exc:
        log.warning("article cache entry %s unusable (%s); parsing again", entry, exc)
        return None


def save(entry: Path | None, payload: str | bytes) -> None:
    """Write an article's JSON to the cache (atomically); a failure is logged, never raised."""
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(payload.encode() if isinstance(payload, str) else payload)
        os.replace(tmp, entry)
    except OSError as exc:
        log.warning("cannot write the article cache %s: %s", entry, exc)


def load_article_cached(
    path: Path | str | None,
    cache_dir: Path | None,
    *,
    max_summary_sentences: int = 3,
    max_summary_chars: int = 700,
) -> Article:
    """Like :func:`bot.article.load_article`, through the cache in ``cache_dir`` when one is given."""
    file, data = read_source(path)
    entry = entry_for(data, cache_dir, max_summary_sentences, max_summary_chars)
    article = cached(entry)
    if article is None:
        article = parse_bytes(
            data, path=str(file), max_summary_sentences=max_summary_sentences, max_summary_chars=max_summary_chars
        )
        save(entry, article.to_json(indent=None))
    return article
