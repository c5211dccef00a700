"""RSS and Atom feeds -> entries, with feedparser.

feedparser (https://feedparser.readthedocs.io) reads every RSS and Atom dialect, recovers from
the small errors real feeds have, and sanitises the HTML they carry. An entry whose feed gives
the whole story (``content:encoded``, Atom ``content``) becomes a page of its own here, so it
needs no fetch; otherwise its link is fetched.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.errors import FetchError

FULL_TEXT_CHARS = 300
"""Content shorter than this (visible characters) is a teaser, not the story: the page is fetched."""
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as far as the feed tells."""

    key: str
    """The entry's id (``guid``, Atom ``id``), else its link: how it is recognised across polls and restarts."""
    link: str | None
    title: str
    content_html: str | None
    """The story itself when the feed carries it (``content:encoded``), else None."""
    image: str | None
    published: datetime | None
    fingerprint: str
    """A digest of what the feed says about the entry: when it changes, the entry is read again."""

    def page(self) -> str:
        """The feed's content as an HTML page of its own (title, date and story), for the page reader."""
        assert self.content_html is not None
        title = html.escape(self.title)
        date = ""
        if self.published is not None:
            date = f'<meta property="article:published_time" content="{self.published.isoformat()}">'

        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{date}</head>'
            f"<body><article><h1>{title}</h1>{self.content_html}</article></body></html>"
        )


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and entries, in the feed's order."""

    title: str
    entries: list[FeedEntry]


def parse_feed(content: bytes, url: str, content_type: str = "") -> Feed:
    """Parse feed bytes; :class:`FetchError` when they are neither RSS nor Atom."""
    import feedparser  # here, not at start-up: a bot without feeds never pays its import

    headers = {"content-type": content_type} if content_type else {}
    parsed: Any = feedparser.parse(content, response_headers=headers, sanitize_html=True)
    entries = [entry for entry in (_entry(item) for item in parsed.entries) if entry is not None]
    # feedparser recovers what it can from broken XML; with nothing usable recovered, it is no feed
    if not parsed.get("version") or (parsed.get("bozo") and not entries):
        reason = parsed.get("bozo_exception")
        detail = f" ({type(reason).__name__}: {reason})" if reason else ""
        raise FetchError(url, f"not an RSS or Atom feed{detail}")
    return Feed(title=str(parsed.feed.get("title", "")), entries=entries)


def _entry(item: Any) -> FeedEntry | None:
    link = _web(item.get("link"))
    key = str(item.get("id") or link or "").strip()
    if not key:
        return None  # nothing to recognise it by next time
    title = " ".join(str(item.get("title", "")).split())
    content = _full_text(item)
    # dict.get, not item.get: feedparser maps a missing "updated" to "published" with a warning
    published = _when(item.get("published_parsed") or dict.get(item, "updated_parsed"))
    digest = hashlib.sha256()
    for part in (key, link or "", title, dict.get(item, "updated", ""), content or item.get("summary", "")):
        digest.update(str(part).encode())
        digest.update(b"\x00")
    return FeedEntry(
        key=key,
        link=link,
        title=title,
        content_html=content,
        image=_image(item),
        published=published,
        fingerprint=digest.hexdigest()[:16],
    )


def _full_text(item: Any) -> str | None:
    for content in item.get("content") or []:
        value = str(content.get("value", ""))
        if "html" in str(content.get("type", "")) and len(" ".join(_TAG.sub(" ", value).split())) >= FULL_TEXT_CHARS:
            return value
    return None


def _image(item: Any) -> str | None:
    for media in [*(item.get("media_content") or []), *(item.get("media_thumbnail") or [])]:
        url = _web(media.get("url"))
        if url and (str(media.get("medium", "image")) == "image" or "image" in str(media.get("type", "image"))):
            return url
    for link in item.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return _web(link.get("href"))
    return None


def _when(parsed: Any) -> datetime | None:
    """feedparser's UTC time tuple as an aware datetime."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _web(value: object) -> str | None:
    text = str(value or "").strip()
    return text if text.startswith(("http://", "https://")) else None
