"""HTML escaping and Telegram's way of counting text."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")


def esc(text: str) -> str:
    """Escape article text for Telegram's HTML parse mode (``<``, ``>``, ``&`` and ``"``)."""
    return html.escape(text, quote=True)


def visible(markup: str) -> str:
    """The text Telegram shows for our own HTML (tags removed, entities resolved)."""
    return html.unescape(_TAG.sub("", markup))


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
