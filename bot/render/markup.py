"""Markup sent with every view: inline keyboards and results serialised once, and the send options.

Views are pure and cached, so the same keyboard object goes out with many messages; PTB would
turn it into the same JSON-ready dict for every request (a recursive walk over every row and
button, the largest part of sending a view after the text itself). A keyboard is frozen once
built, so its dict can be kept.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, InlineQueryResultArticle, LinkPreviewOptions
from telegram._utils.types import JSONDict
from telegram.constants import ParseMode


class _SerialisedOnce:
    """Mixin for a frozen :class:`~telegram.TelegramObject`: :meth:`to_dict` is computed once."""

    __slots__ = ()

    def to_dict(self, recursive: bool = True) -> JSONDict:
        """PTB's dict of this object, kept after the first call (do not change what it returns)."""
        parent: Any = super()
        if not recursive:
            return parent.to_dict(recursive=False)  # type: ignore[no-any-return]
        as_dict: JSONDict | None = getattr(self, "_as_dict", None)  # None also in a copy made before
        if as_dict is None:
            as_dict = parent.to_dict()
            object.__setattr__(self, "_as_dict", as_dict)  # past PTB's freeze: a cache, not a change
        return as_dict


class Keyboard(_SerialisedOnce, InlineKeyboardMarkup):
    """An :class:`~telegram.InlineKeyboardMarkup` serialised once."""

    __slots__ = ("_as_dict",)


class InlineArticle(_SerialisedOnce, InlineQueryResultArticle):
    """An :class:`~telegram.InlineQueryResultArticle` serialised once (inline results are cached too)."""

    __slots__ = ("_as_dict",)


NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
"""Article text may hold a web address: no message the bot sends previews a link in its text."""


def image_preview(image_url: str) -> LinkPreviewOptions:
    """The article's lead image, large, above the text: a link preview of the image's URL.

    Unlike a photo with a caption (1024 characters), a text message with a preview keeps the
    4096-character limit, and it can be edited in place like any text message.
    """
    return LinkPreviewOptions(url=image_url, prefer_large_media=True, show_above_text=True)


SEND_OPTIONS: dict[str, Any] = {"parse_mode": ParseMode.HTML, "link_preview_options": NO_PREVIEW}
"""Passed with every message the bot sends. Not through PTB's ``Defaults``: delivery also sends
through a plain Bot (``python -m bot publish``), and preview options in ``Defaults`` make PTB build
a new ``LinkPreviewOptions`` for every message and every inline result."""
