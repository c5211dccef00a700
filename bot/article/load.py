"""Entry points of the article core: a path, bytes or text -> :class:`Article`.

The format is detected from the content: JSON written by ``python -m bot parse`` (loaded back
as is), an HTML page, or scraped plain text.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.article import dates
from bot.article.decode import decode
from bot.article.files import DEFAULT_MAX_BYTES, read_article_file
from bot.article.layout import read_layout
from bot.article.model import Article, Dateline
from bot.article.page import looks_like_html, read_page
from bot.article.quotes import find_statements
from bot.article.sources import credited_sources
from bot.article.speakers import resolve
from bot.article.summary import DEFAULT_MAX_CHARS, DEFAULT_MAX_SENTENCES, summarise

_JSON_START = re.compile(r'\{\s*(?:"|\}|$)')
DEFAULT_ARTICLE = Path(__file__).resolve().parent.parent / "data" / "article.txt"


def load_article(
    path: Path | str | None = None,
    *,
    max_summary_sentences: int = DEFAULT_MAX_SENTENCES,
    max_summary_chars: int = DEFAULT_MAX_CHARS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Read (:func:`~bot.article.files.read_article_file`) and parse the article at ``path`` (the bundled one)."""
    file = Path(path) if path is not None else DEFAULT_ARTICLE
    data = read_article_file(file, max_bytes=max_bytes)
    return parse_bytes(
        data, path=str(file), max_summary_sentences=max_summary_sentences, max_summary_chars=max_summary_chars
    )


def parse_bytes(
    data: bytes,
    *,
    path: str | None = None,
    max_summary_sentences: int = DEFAULT_MAX_SENTENCES,
    max_summary_chars: int = DEFAULT_MAX_CHARS,
) -> Article:
    """Decode and parse raw file content."""
    return parse_text(
        decode(data, path=path),
        path=path,
        max_summary_sentences=max_summary_sentences,
        max_summary_chars=max_summary_chars,
    )


def parse_text(
    text: str,
    *,
    path: str | None = None,
    max_summary_sentences: int = DEFAULT_MAX_SENTENCES,
    max_summary_chars: int = DEFAULT_MAX_CHARS,
) -> Article:
    """Parse decoded text: JSON article, HTML page or scraped text."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if _JSON_START.match(stripped):
        article = Article.from_json(stripped, path=path)
        return article.model_copy(update={"source_format": "json"})
    url = image = site_name = None
    if looks_like_html(stripped):
        page = read_page(stripped)
        published = dates.find_date(page.published) if page.published else None
        layout = read_layout(page.lines, path=path, title_hint=page.title, published_hint=published, opening=2)
        url, image, site_name = page.url, page.image, page.site_name
        source_format = "html"
    else:
        layout = read_layout(text.splitlines(), path=path)
        source_format = "text"
    paragraphs = layout.paragraphs
    full_text = "\n".join(paragraphs)
    statements = resolve(find_statements(paragraphs), full_text)
    summary = summarise(
        paragraphs,
        statements,
        max_sentences=max_summary_sentences,
        max_chars=max_summary_chars,
        published=layout.published,
        title=layout.title,
    )
    sources = list(dict.fromkeys([*layout.credited_sources, *credited_sources(paragraphs)]))
    return Article(
        title=layout.title,
        published=layout.published,
        dateline=Dateline(place=layout.dateline[0], agency=layout.dateline[1]) if layout.dateline else None,
        credited_sources=tuple(sources),
        paragraphs=tuple(paragraphs),
        statements=tuple(statements),
        summary=tuple(summary),
        outlet=site_name or (layout.dateline[1] if layout.dateline else None),
        url=url,
        image=image,
        source_format=source_format,
    ).with_id()
