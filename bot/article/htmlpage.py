"""An HTML page saved from a news site -> lines of text plus title and date hints.

Uses the standard library's :class:`html.parser.HTMLParser`. Scripts, styles, navigation,
headers, footers, forms and asides are dropped; block elements become lines. The title comes
from ``og:title``, else the first ``<h1>``, else ``<title>``; the date from
``article:published_time``, ``<time datetime>`` or similar meta tags.
"""

from __future__ import annotations

import re
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
_HTML_SNIFF = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|p|div|article)\b", re.I)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML page rather than scraped plain text."""
    return bool(_HTML_SNIFF.search(text[:5000]))


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
        if tag in _BLOCK:
            self._flush()
        if tag == "h1":
            self._in_h1 = True
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self._stack:
            return
        while self._stack:
            top = self._stack.pop()
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
