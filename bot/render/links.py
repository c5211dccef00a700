"""Callback data and deep-link payloads: compact, versioned by the article id.

Callback data (at most 64 bytes): ``<view>|<article id>|<arg>``. Deep-link payloads (at most 64
characters of ``A-Z a-z 0-9 _ -``): ``<article id>-<view>-<arg>``. The article id lets an old
button or link say "this belongs to an older version" instead of showing the wrong text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from telegram.constants import InlineKeyboardButtonLimit
from telegram.helpers import create_deep_linked_url

View = Literal[
    "summary",
    "full",
    "quotes",
    "source",
    "statement",
    "start",
    "list",
    "search",
    "review",
    "correct",
    "corrections",
    "noop",
]
_CODES: dict[View, str] = {
    "summary": "m",
    "full": "p",
    "quotes": "q",
    "source": "s",
    "statement": "t",
    "start": "h",
    "list": "l",
    "search": "r",
    "review": "v",
    "correct": "c",  # a page of an article's numbered statements, for an admin's /correct
    "corrections": "k",  # a page of the list of corrections (/corrections)
    "noop": "n",
}
_VIEWS = {code: view for view, code in _CODES.items()}
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
WAITING_PAYLOAD = "wait"
"""The ``/start`` payload of the "being prepared" button shown to inline queries while articles load."""
_ARG = re.compile(r"^[A-Za-z0-9_.]{0,20}$")


@dataclass(frozen=True)
class Link:
    """A view of one article: which view, of which article version, with which argument."""

    view: View
    article_id: str
    arg: str = ""


def to_callback(link: Link) -> str:
    """Callback data for ``link`` (checked against Telegram's 64-byte limit)."""
    data = f"{_CODES[link.view]}|{link.article_id}|{link.arg}"
    if len(data.encode()) > InlineKeyboardButtonLimit.MAX_CALLBACK_DATA:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def from_callback(data: str | None) -> Link | None:
    """Parse callback data; ``None`` for anything this bot never sent."""
    if not data:
        return None
    parts = data.split("|")
    if len(parts) != 3 or parts[0] not in _VIEWS or not _ARG.match(parts[2]) or not parts[1].isalnum():
        return None
    return Link(_VIEWS[parts[0]], parts[1], parts[2])


def to_payload(link: Link) -> str:
    """A ``/start`` deep-link payload for ``link``."""
    payload = f"{link.article_id}-{_CODES[link.view]}-{link.arg.replace('.', '_')}"
    if not _PAYLOAD.match(payload):
        raise ValueError(f"invalid deep-link payload: {payload!r}")
    return payload


def from_payload(payload: str | None) -> Link | None:
    """Parse a deep-link payload; ``None`` when it is not one of ours."""
    if not payload or not _PAYLOAD.match(payload):
        return None
    parts = payload.split("-")
    if len(parts) != 3 or parts[1] not in _VIEWS:
        return None
    return Link(_VIEWS[parts[1]], parts[0], parts[2].replace("_", "."))


def deep_link(username: str, link: Link) -> str:
    """``https://t.me/<bot>?start=<payload>`` (PTB's :func:`~telegram.helpers.create_deep_linked_url`)."""
    return create_deep_linked_url(username, to_payload(link))
