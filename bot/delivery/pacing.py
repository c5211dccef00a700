"""Sending at Telegram's pace: about 30 messages/s overall and 1/s per chat, with pauses on 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

GLOBAL_RATE = 29.0  # a little under Telegram's ~30/s so jitter never provokes a 429
PER_CHAT_INTERVAL = 1.0
_MARGIN = 1e-4
_PER_CHAT_MEMORY = 10_000  # chats remembered for the per-chat pace before old ones are forgotten


class Pacer:
    """Hands out send slots: evenly spaced overall, at least a second apart per chat."""

    def __init__(
        self,
        rate: float = GLOBAL_RATE,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # a hair over the exact spacing, so no window of one second ever holds one send too many
        self.interval = 1.0 / rate + _MARGIN
        self.per_chat_interval = per_chat_interval + _MARGIN if per_chat_interval > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        self._last_per_chat: dict[int, float] = {}

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends for ``seconds``."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def chat_ready_at(self, chat_id: int) -> float:
        """When ``chat_id`` may get its next message."""
        return self._last_per_chat.get(chat_id, float("-inf")) + self.per_chat_interval

    async def slot(self, chat_id: int) -> None:
        """Wait for the next global slot that also respects ``chat_id``'s pace and any pause.

        A 429 that arrives while waiting moves everyone behind the pause: the waiter takes a
        fresh slot after it, so the senders do not all wake at once when it ends.
        """
        while True:
            now = self.clock()
            at = max(now, self._next, self._paused_until, self.chat_ready_at(chat_id))
            self._next = at + self.interval
            self._last_per_chat[chat_id] = at
            if len(self._last_per_chat) > _PER_CHAT_MEMORY:
                horizon = now - self.per_chat_interval
                self._last_per_chat = {c: t for c, t in self._last_per_chat.items() if t > horizon}
            if at > now:
                await self.sleep(at - now)
            if self._paused_until <= self.clock():
                return
            self._next = max(self._next, self._paused_until)
            self._last_per_chat.pop(chat_id, None)
