"""Outgoing requests at Telegram's pace, where one chat's wait never holds another chat's answer.

Telegram allows about 30 messages a second overall, one a second in a chat and 20 a minute in a
group or channel, counted over any window of that length. :class:`ChatRateLimiter` spaces the
messages of each kind evenly, a hair over the exact interval (aiolimiter buckets of one, the
library PTB's own limiter uses): a bucket as large as the limit would let twice the limit through
in one window, which Telegram answers with 429. A group at its limit waits alone. When Telegram
still answers 429, only that chat pauses for ``retry_after`` and the request is tried again;
PTB's ``AIORateLimiter`` pauses every request of the bot instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

_MESSAGE_ENDPOINTS = ("copyMessage", "copyMessages", "forwardMessage", "forwardMessages")
_PRUNE_ABOVE = 1024  # per-chat buckets kept before idle ones are dropped
_MARGIN = 1.001  # a hair over the exact spacing, so no window ever holds one message too many

JSON = bool | dict[str, Any] | list[dict[str, Any]]


def _makes_a_message(endpoint: str) -> bool:
    return endpoint.startswith("send") or endpoint in _MESSAGE_ENDPOINTS


class ChatRateLimiter(BaseRateLimiter[int]):
    """Paces requests overall, per chat and per group; a 429 pauses only the chat it came for."""

    def __init__(
        self,
        *,
        overall_per_second: float = FloodLimit.MESSAGES_PER_SECOND,
        chat_per_second: float = FloodLimit.MESSAGES_PER_SECOND_PER_CHAT,
        group_per_minute: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        max_retries: int = 2,
    ) -> None:
        self._overall = _spaced(1 / overall_per_second)
        self._chat_interval = 1 / chat_per_second
        self._group_interval = 60 / group_per_minute
        self._max_retries = max_retries
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._paused_until: dict[int | str, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        """Run one request when its chat, its group and the bot may send; retry it after a 429."""
        chat = _chat_key(data.get("chat_id"))
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        for attempt in range(retries + 1):
            await self._wait_if_paused(chat)
            try:
                async with contextlib.AsyncExitStack() as stack:
                    if chat is not None:
                        if _makes_a_message(endpoint):
                            if _is_group(chat):  # the slowest bucket first: waiting there holds nothing else
                                await stack.enter_async_context(self._bucket(self._groups, chat, self._group_interval))
                            await stack.enter_async_context(self._bucket(self._chats, chat, self._chat_interval))
                        await stack.enter_async_context(self._overall)
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                pause = exc.retry_after if isinstance(exc.retry_after, int) else exc.retry_after.total_seconds()
                log.info("Telegram asks to wait %.1f s before sending to chat %s again", pause, chat)
                if chat is None:
                    await asyncio.sleep(pause + 0.1)
                else:
                    self._paused_until[chat] = max(self._paused_until.get(chat, 0.0), time.monotonic() + pause + 0.1)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait_if_paused(self, chat: int | str | None) -> None:
        if chat is None:
            return
        until = self._paused_until.get(chat)
        if until is None:
            return
        delay = until - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if self._paused_until.get(chat) == until and until <= time.monotonic():
            del self._paused_until[chat]

    @staticmethod
    def _bucket(buckets: dict[int | str, AsyncLimiter], chat: int | str, interval: float) -> AsyncLimiter:
        if len(buckets) > _PRUNE_ABOVE:  # forget the chats whose bucket is empty again
            for key, bucket in list(buckets.items()):
                if key != chat and bucket.has_capacity(bucket.max_rate):
                    del buckets[key]
        if chat not in buckets:
            buckets[chat] = _spaced(interval)
        return buckets[chat]


def _spaced(interval: float) -> AsyncLimiter:
    """A bucket of one that lets a message through every ``interval`` seconds (and a hair)."""
    return AsyncLimiter(1, interval * _MARGIN)


def _chat_key(chat_id: object) -> int | str | None:
    if chat_id is None:
        return None
    if isinstance(chat_id, str):
        with contextlib.suppress(ValueError):
            return int(chat_id)
        return chat_id  # @channelusername
    return chat_id if isinstance(chat_id, int) else str(chat_id)


def _is_group(chat: int | str) -> bool:
    """Groups, supergroups and channels have negative ids (or a @username): 20 messages a minute."""
    return isinstance(chat, str) or chat < 0
