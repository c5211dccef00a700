"""The fallback reader of HTML pages: every visible line, plus title and date hints.

:mod:`bot.article.page` (trafilatura) reads pages; this reader serves where trafilatura finds no
main text at all, such as a page nested deeper than libxml2 builds a tree for (thousands of
unclosed ``<div>``), which trafilatura sees as empty. It reads the page in one pass, in time
linear in its size whatever the nesting, and keeps every line outside the skipped elements, so the
layout rules have more debris to remove than after trafilatura.

Uses the standard library's :class:`html.parser.HTMLParser`. Scripts, styles, navigation,
headers, footers, forms and asides are dropped; block elements become lines. The title comes
from ``og:title``, else the first ``<h1>``, else ``<title>``; the date from
``article:published_time``, ``<time datetime>`` or similar meta tags.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "nav", "header", "footer", "form", "aside", "svg", "iframe", "button", "select"}
_BLOCK = {
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "section",
    "article",
    "blockquote",
    "tr",
    "td",
    "th",
    "figcaption",
    "time",
    "main",
    "ul",
    "ol",
    "dd",
    "dt",
    "hr",
    "table",
}
_VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "track"}
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "date")


@dataclass
class HtmlPage:
    """Text lines and metadata found in an HTML page."""

    lines: list[str] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    url: str | None = None


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()
        self._skip_depth = 0
        self._stack: list[str] = []
        self._open: Counter[str] = Counter()  # the stack's tags, so an end tag is checked in O(1)
        self._buffer: list[str] = []
        self._h1: str | None = None
        self._in_h1 = False
        self._h1_text: list[str] = []
        self._in_title = False
        self._title_text: list[str] = []
        self._og_title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key == "og:title":
                self._og_title = values.get("content")
            elif key in _DATE_META and not self.page.published:
                self.page.published = values.get("content")
            elif key == "og:url":
                self.page.url = values.get("content")
            return
        if tag == "link" and values.get("rel", "").lower() == "canonical" and not self.page.url:
            self.page.url = values.get("href")
        if tag == "time" and values.get("datetime") and not self.page.published:
            self.page.published = values["datetime"]
        if tag in _VOID:
            if tag == "br":
                self._flush()
            return
        if tag in _SKIP:
            self._skip_depth += 1
        self._stack.append(tag)
        self._open[tag] += 1
        if tag in _BLOCK:
            self._flush()
        if tag == "h1":
            self._in_h1 = True
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self._open[tag]:
            return
        while self._stack:
            top = self._stack.pop()
            self._open[top] -= 1
            if top in _SKIP:
                self._skip_depth -= 1
            if top == tag:
                break
        if tag in _BLOCK:
            self._flush()
        if tag == "h1" and self._in_h1:
            self._in_h1 = False
            if self._h1 is None:
                self._h1 = " ".join("".join(self._h1_text).split())
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_text.append(data)
            return
        if self._skip_depth:
            return
        if self._in_h1:
            self._h1_text.append(data)
        self._buffer.append(data)

    def _flush(self) -> None:
        line = " ".join("".join(self._buffer).split())
        self._buffer.clear()
        if line:
            self.page.lines.append(line)

    def result(self) -> HtmlPage:
        self._flush()
        title = " ".join("".join(self._title_text).split()) or None
        self.page.title = self._og_title or self._h1 or title
        return self.page


def extract(html_text: str) -> HtmlPage:
    """Parse an HTML page into lines and metadata (tolerant of broken markup)."""
    parser = _Extractor()
    parser.feed(html_text)
    parser.close()
    return parser.result()
