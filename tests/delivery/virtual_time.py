"""Virtual time for asyncio code that takes ``clock`` and ``sleep``: sleeping costs no real time.

An advancer task lets every runnable task run, then jumps the clock to the earliest sleeper's
wake-up time, so concurrent sleepers wake in the right order at the right virtual instant.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class VirtualTime:
    """A shared virtual clock."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._seq), future))
        await future

    async def _advance(self) -> None:
        while True:
            for _ in range(50):
                await asyncio.sleep(0)
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)
            if not self._sleepers:
                continue
            target = self._sleepers[0][0]
            self.now = max(self.now, target)
            while self._sleepers and self._sleepers[0][0] <= self.now:
                _, _, future = heapq.heappop(self._sleepers)
                if not future.done():
                    future.set_result(None)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[VirtualTime]:
        """Advance the clock while the block runs."""
        task = asyncio.create_task(self._advance())
        try:
            yield self
        finally:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
