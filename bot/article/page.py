"""An HTML news page -> its main text and metadata, through trafilatura.

trafilatura (https://trafilatura.readthedocs.io) finds the story among the page's navigation,
share bars, related stories, comments and footers, and reads the page's metadata (Open Graph,
JSON-LD, ``<meta>`` tags, ``<link rel=canonical>``). It is asked to favour precision: a
line of debris in the body is worse for this bot (it becomes a paragraph, maybe a "statement")
than a short line lost. What it keeps then goes through the project's own layout rules
(:mod:`bot.article.layout`) for the Arabic debris it lets through.

The outlet is only ever the page's own name for itself (``og:site_name``, the JSON-LD
publisher, ``application-name``), never a line of the page: a header line such as
``عربي | English`` is not a dateline and names no outlet.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.article import htmlpage

if TYPE_CHECKING:
    from trafilatura.settings import Document

log = logging.getLogger(__name__)

# trafilatura's date search (htmldate) is asked for the time and offset too, and only in the
# page's metadata and markup: a date guessed from the text is the event's, not the publication's.
_DATE_PARAMS: dict[str, object] = {
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    "original_date": True,
    "extensive_search": False,
}
_HOSTNAME = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+$", re.ASCII)
_HTML_SNIFF = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|p|div|article)\b", re.I)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML page rather than scraped plain text."""
    return bool(_HTML_SNIFF.search(text[:5000]))


@dataclass(frozen=True)
class Page:
    """The main text of a page, one line per paragraph or heading, and what its metadata says."""

    lines: list[str] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    site_name: str | None = None
    url: str | None = None
    image: str | None = None


def read_page(html_text: str) -> Page:
    """Extract the story and metadata from an HTML page (tolerant of broken markup).

    When trafilatura finds no main text even when favouring recall, every visible line is read
    by :mod:`bot.article.htmlpage` instead, and the layout rules alone remove the debris.
    """
    document = _extract(html_text, favor_precision=True)
    if document is None or not (document.text or "").strip():
        document = _extract(html_text, favor_precision=False)
    if document is None or not (document.text or "").strip():
        fallback = htmlpage.extract(html_text)
        log.debug("trafilatura found no main text; %d line(s) read from the whole page", len(fallback.lines))
        return Page(lines=fallback.lines, title=fallback.title, published=fallback.published, url=fallback.url)
    lines = [line for line in (document.text or "").split("\n") if line.strip()]
    return Page(
        lines=lines,
        title=_clean(document.title),
        published=_clean(document.date),
        site_name=_site_name(document.sitename),
        url=_clean(document.url),
        image=_clean(document.image),
    )


def _extract(html_text: str, *, favor_precision: bool) -> Document | None:
    # imported here: trafilatura and its libraries take ~0.2 s to import, which a bot serving
    # text articles (and its start-up goal of 1 s) should not pay
    import trafilatura

    result = trafilatura.bare_extraction(
        html_text,
        with_metadata=True,
        favor_precision=favor_precision,
        favor_recall=not favor_precision,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        date_extraction_params=_DATE_PARAMS,
    )
    if result is None or isinstance(result, dict):
        return None
    return result


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _site_name(value: str | None) -> str | None:
    """The site's name, unless trafilatura fell back to the host name (``example.org`` is no outlet)."""
    name = _clean(value)
    if name is None or _HOSTNAME.match(name):
        return None
    return name
