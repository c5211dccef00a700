"""Sending at Telegram's pace, in one place for every path: subscriber deliveries, channel posts
and replies, in the bot and in ``python -m bot publish``.

Telegram allows about 30 messages/s overall, 1/s per chat and 20/min per group or channel, and
answers 429 with ``retry_after`` beyond (a 429 also opens a flood window). :class:`Pacer` hands
out send slots: evenly spaced overall, at least a second apart per chat, at most 20 a minute per
group or channel; a 429 pauses everyone for ``retry_after``. A chat that must wait does not move
the others' slots. :class:`PacedLimiter` puts the application's own requests (replies, channel
posts) through the same pacer; it replaces PTB's ``AIORateLimiter``, whose pause after a 429
ends as soon as any other request finishes (PTB issue #5338).
"""

from __future__ import annotations

import asyncio
import itertools
import time
import warnings
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

GLOBAL_RATE = 29.0  # a little under Telegram's ~30/s so jitter never provokes a 429
PER_CHAT_INTERVAL = 1.0
GROUP_PER_MINUTE = 20
_MARGIN = 1e-3
_PER_CHAT_MEMORY = 10_000  # chats remembered for the per-chat pace before old ones are forgotten
_SETTLE_CAP = 0.15
_PACED_PREFIXES = ("send", "copyMessage", "forwardMessage")
_GROUP_ONLY_PREFIXES = ("edit", "deleteMessage")

ChatKey = int | str


def retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds (PTB 22 may give an int with a deprecation warning, or a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def is_group(chat_id: ChatKey) -> bool:
    """Groups, supergroups and channels: negative ids or ``@username`` (they share 20/min)."""
    return isinstance(chat_id, str) or chat_id < 0


class Pacer:
    """Hands out send slots: evenly spaced overall, per chat at least a second apart, 20/min in groups."""

    def __init__(
        self,
        rate: float = GLOBAL_RATE,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        *,
        group_per_minute: int = GROUP_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # a hair over the exact spacing, so no window of one second ever holds one send too many
        self.interval = 1.0 / rate + _MARGIN / 10
        self.per_chat_interval = per_chat_interval + _MARGIN if per_chat_interval > 0 else 0.0
        self.group_per_minute = group_per_minute
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._last_dispatch = float("-inf")
        self._paused_until = 0.0
        self._last: dict[ChatKey, float] = {}
        self._group_sends: dict[ChatKey, deque[float]] = {}
        self._chat_turns: dict[ChatKey, asyncio.Lock] = {}
        self._turn_users: dict[ChatKey, int] = {}  # senders holding or waiting for each chat's turn
        self._flight: dict[int, float] = {}
        self._tokens = itertools.count()
        self._answered = asyncio.Event()
        self._latency = 0.0
        self.pauses = 0

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends for ``seconds``."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def refund(self) -> None:
        """A send was refused without being delivered (an error answer): its slot goes back.

        Telegram counts the messages it delivers, so the next send may go at once.
        """
        self._next = max(self.clock(), self._next - self.interval)
        self._last_dispatch = float("-inf")

    def _paused(self) -> bool:
        return self._paused_until > self.clock()

    def done(self, chat_id: ChatKey) -> None:
        """The request to ``chat_id`` is answered: its chat interval counts from now.

        The chat's next send is a chat interval after this answer, not after the request left,
        so a request that was slow on its way never lands within a second of the next one.
        """
        self._last[chat_id] = max(self._last.get(chat_id, float("-inf")), self.clock())

    def chat_ready_at(self, chat_id: ChatKey) -> float:
        """When ``chat_id`` may get its next message."""
        at = self._last.get(chat_id, float("-inf")) + self.per_chat_interval
        sends = self._group_sends.get(chat_id)
        if sends is not None and len(sends) >= self.group_per_minute:
            at = max(at, sends[0] + 60.0 + _MARGIN)
        return at

    async def slot(self, chat_id: ChatKey) -> None:
        """Wait until ``chat_id`` may be sent to, then for the next global slot clear of any pause.

        Waiting for the chat holds no global slot, so a chat that must wait never delays the
        others. A 429 that arrives while waiting moves the waiter behind the pause, on a fresh
        slot, so the senders do not all wake at once when it ends.
        """
        turn = self._chat_turns.setdefault(chat_id, asyncio.Lock())
        self._turn_users[chat_id] = self._turn_users.get(chat_id, 0) + 1
        try:
            async with turn:  # sends to one chat go one after the other, each a chat interval apart
                while (ready := self.chat_ready_at(chat_id)) > self.clock():
                    await self.sleep(ready - self.clock())
                await self._global_slot()
                self._sent(chat_id, self.clock())
        finally:
            # the lock goes once nobody holds or waits for it: a waiter just woken has not taken it
            # yet (the lock looks free), and a fresh lock would let the next sender jump ahead of it
            self._turn_users[chat_id] -= 1
            if not self._turn_users[chat_id]:
                del self._turn_users[chat_id]
                del self._chat_turns[chat_id]

    @asynccontextmanager
    async def sending(self, chat_id: ChatKey) -> AsyncIterator[None]:
        """Take a slot for ``chat_id``, and hold it as in flight while the caller's request runs."""
        await self.slot(chat_id)
        token = next(self._tokens)
        started = self._flight[token] = self.clock()
        try:
            yield
        finally:
            del self._flight[token]
            took = self.clock() - started
            if took < 1.0:  # a held request says nothing about the usual answer time
                self._latency = took if not self._latency else 0.8 * self._latency + 0.2 * took
            self.done(chat_id)
            self._answered.set()

    def _settle(self) -> float:
        """How long a send waits for the answers of the sends before it (0 on a slow link).

        Where answers usually come back within a slot interval (a fast link, a Bot API server
        nearby), waiting for a late one costs nothing and keeps the next send out of the flood
        window a 429 would open. Where they take longer, waiting would cost throughput, so the
        sends in flight simply meet the pause.
        """
        if not self._latency or self._latency >= self.interval:
            return 0.0
        return min(_SETTLE_CAP, max(4 * self._latency, 2 * self.interval))

    async def _global_slot(self) -> None:
        while True:
            now = self.clock()
            at = max(now, self._next, self._paused_until)
            self._next = at + self.interval
            if at > now:
                await self.sleep(at - now)
            await self._wait_for_answers()
            # senders that waited for the same answer wake together: they still leave a slot apart
            while (gap := self._last_dispatch + self.interval - self.clock()) > 0 and not self._paused():
                await self.sleep(gap)
            if self._paused_until <= self.clock():
                self._last_dispatch = self.clock()
                return
            self._next = max(self._next, self._paused_until)

    async def _wait_for_answers(self) -> None:
        settle = self._settle()
        while settle and self._flight and self._paused_until <= self.clock():
            oldest_young = min((s for s in self._flight.values() if self.clock() - s < settle), default=None)
            if oldest_young is None:
                return
            self._answered.clear()
            try:
                await asyncio.wait_for(self._answered.wait(), oldest_young + settle - self.clock())
            except TimeoutError:
                return

    def _sent(self, chat_id: ChatKey, at: float) -> None:
        self._last[chat_id] = at
        if is_group(chat_id):
            sends = self._group_sends.setdefault(chat_id, deque())
            sends.append(at)
            while len(sends) > self.group_per_minute:
                sends.popleft()
        if len(self._last) > _PER_CHAT_MEMORY:
            horizon = at - max(self.per_chat_interval, 60.0)
            self._last = {c: t for c, t in self._last.items() if t > horizon}
            self._group_sends = {c: d for c, d in self._group_sends.items() if d and d[-1] > horizon}


def paced_chat(endpoint: str, data: dict[str, Any]) -> ChatKey | None:
    """The chat a request must be paced for, or None (not a message sent to a chat)."""
    chat_id = data.get("chat_id")
    if chat_id is None or not isinstance(chat_id, int | str):
        return None
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        chat_id = int(chat_id)
    if endpoint.startswith(_PACED_PREFIXES):
        return chat_id
    if endpoint.startswith(_GROUP_ONLY_PREFIXES) and is_group(chat_id):
        return chat_id  # editing channel posts counts against the channel's limit too
    return None


class PacedLimiter(BaseRateLimiter[dict[str, Any]]):
    """PTB rate limiter over a :class:`Pacer`: every message a bot sends takes a slot from it.

    On a 429 everyone pauses for ``retry_after`` and the request is tried again up to
    ``max_retries`` times. ``rate_limit_args={"paced": True}`` marks a request whose caller
    already took its slot and handles 429 itself (the outbox).
    """

    def __init__(self, pacer: Pacer, max_retries: int = 1) -> None:
        self.pacer = pacer
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if rate_limit_args and rate_limit_args.get("paced"):
            return await callback(*args, **kwargs)
        chat = paced_chat(endpoint, data)
        attempt = 0
        while True:
            try:
                if chat is None:
                    return await callback(*args, **kwargs)
                async with self.pacer.sending(chat):
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.pacer.pause(retry_seconds(exc))
                if attempt >= self.max_retries:
                    raise
                attempt += 1
