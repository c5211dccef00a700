"""Outgoing requests at Telegram's pace, where one chat's wait never holds another chat's answer.

Telegram allows about 30 messages a second overall, one a second in a chat and 20 a minute in a
group or channel, counted over any window of that length. :class:`ChatRateLimiter` keeps a
sliding window of each kind (overall, per chat, per group): a burst up to the limit goes at once,
the next message waits until the oldest one leaves the window. A leaky bucket as large as the
limit (PTB's ``AIORateLimiter``, aiolimiter) lets up to twice the limit into one window, which
Telegram answers with 429. A group at its limit waits alone. When Telegram still answers 429,
only that chat pauses for ``retry_after`` and the request is tried again; ``AIORateLimiter``
pauses every request of the bot instead. The windows are counted here because no rate-limiting
library at hand waits on a sliding window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

_MESSAGE_ENDPOINTS = ("copyMessage", "copyMessages", "forwardMessage", "forwardMessages")
_PRUNE_ABOVE = 1024  # per-chat windows kept before idle ones are dropped
_MARGIN = 1.02  # windows a little longer than Telegram's, so a request that arrives late never makes one too many

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
        self._overall = SlidingWindow(overall_per_second, 1)
        self._chat_rate = chat_per_second
        self._group_rate = group_per_minute
        self._max_retries = max_retries
        self._chats: dict[int | str, SlidingWindow] = {}
        self._groups: dict[int | str, SlidingWindow] = {}
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
                                await stack.enter_async_context(self._window(self._groups, chat, self._group_rate, 60))
                            await stack.enter_async_context(self._window(self._chats, chat, self._chat_rate, 1))
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
    def _window(windows: dict[int | str, SlidingWindow], chat: int | str, limit: float, period: float) -> SlidingWindow:
        if len(windows) > _PRUNE_ABOVE:  # forget the chats whose window is empty again
            for key, window in list(windows.items()):
                if key != chat and window.idle():
                    del windows[key]
        if chat not in windows:
            windows[chat] = SlidingWindow(limit, period)
        return windows[chat]


class SlidingWindow:
    """``async with window:`` lets at most ``limit`` entries in within any ``period`` seconds (and a little)."""

    def __init__(self, limit: float, period: float) -> None:
        self.limit = max(1, int(limit))
        self.period = period * _MARGIN
        self._times: deque[float] = deque()
        self._turn = asyncio.Lock()  # waiters go in the order they came

    def idle(self) -> bool:
        """Whether the window is empty (nothing entered in the last period)."""
        return not self._times or time.monotonic() - self._times[-1] >= self.period

    async def __aenter__(self) -> None:
        async with self._turn:
            while True:
                now = time.monotonic()
                while self._times and now - self._times[0] >= self.period:
                    self._times.popleft()
                if len(self._times) < self.limit:
                    self._times.append(now)
                    return
                await asyncio.sleep(self.period - (now - self._times[0]))

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


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
