"""The persistent outbox worker: every subscriber gets each article version once.

Each delivery is a row in the store. The worker claims due rows (marking them ``sending``),
sends at Telegram's pace (:class:`~bot.delivery.pacing.Pacer`) and records every result:

- accepted -> ``sent`` (with Telegram's message id);
- 429 -> everyone pauses ``retry_after`` seconds, the row is retried (not counted as a failure);
- 5xx, timeouts, network errors -> retried with exponential backoff, ``failed`` after
  ``max_attempts``;
- 403 (blocked, kicked) and 400 chat not found / user deactivated -> ``dropped``, and the
  subscriber is removed;
- any other 400 -> ``failed``.

Crash safety: the state change after a send is written with no ``await`` between Telegram's
answer and the commit, so a crash at any await point (the process killed while waiting, a
cancelled task) leaves each row either not sent (``pending``/``sending``, resent after
:meth:`Store.recover`) or sent and recorded. The one window no Bot API client can close is a
hard kill between Telegram accepting a message and the local commit (microseconds; Telegram
has no idempotency key); a row caught there is sent again, never lost.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.delivery.pacing import Pacer
from bot.render.views import View
from bot.store.base import Delivery, Store

log = logging.getLogger(__name__)

Render = Callable[[Delivery], View | None]
_GONE = ("chat not found", "user is deactivated", "chat_id is empty", "peer_id_invalid", "bot was kicked")


@dataclass
class OutboxResult:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta; accept both
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def _exponential(attempts: int) -> float:
    """2, 4, 8... seconds (capped at 5 minutes), with jitter so retries do not come in waves."""
    return min(300.0, 2.0**attempts) * (0.5 + random.random() / 2)


class Outbox:
    """Drains the store's outbox through ``bot``."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        render: Render,
        *,
        pacer: Pacer | None = None,
        max_attempts: int = 8,
        batch: int = 60,
        concurrency: int = 30,
        clock: Callable[[], float] = time.time,
        backoff: Callable[[int], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        article_ids: frozenset[str] | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.render = render
        self.pacer = pacer or Pacer()
        self.max_attempts = max_attempts
        self.batch = batch
        self.clock = clock
        self.backoff = backoff or _exponential
        self.sleep = sleep
        self.article_ids = article_ids
        self._gate = asyncio.Semaphore(concurrency)

    async def drain(self, *, until_empty: bool = True, max_seconds: float | None = None) -> OutboxResult:
        """Send every due delivery (and those that fall due while draining, if ``until_empty``)."""
        result = OutboxResult()
        started = time.monotonic()
        while True:
            claimed = self.store.claim_due(self.clock(), self.batch, self.article_ids)
            if not claimed:
                if not until_empty or not self._has_waiting():
                    return result
                await self.sleep(min(1.0, max(0.05, self._next_due() - self.clock())))
                continue
            tasks = []
            for delivery in claimed:
                await self._gate.acquire()
                tasks.append(asyncio.create_task(self._send(delivery, result)))
            await asyncio.gather(*tasks)
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                return result

    def _has_waiting(self) -> bool:
        return self.store.next_due(self.article_ids) is not None

    def _next_due(self) -> float:
        return self.store.next_due(self.article_ids) or self.clock() + 1.0

    async def _send(self, delivery: Delivery, result: OutboxResult) -> None:
        try:
            await self.pacer.slot(delivery.chat_id)  # reserve the slot and send right when it comes
            view = self.render(delivery)
            if view is None:
                self.store.mark_failed(delivery.id, "the article is no longer available")
                result.failed += 1
                return
            # Through the application's bot, PTB's AIORateLimiter may first wait out a 429 itself (it
            # honours retry_after too); what it gives up on reaches the handling below.
            message = await self.bot.send_message(
                delivery.chat_id, view.text, reply_markup=view.keyboard, **view.send_options
            )
            self.store.mark_sent(delivery.id, message.message_id)
            result.sent += 1
        except RetryAfter as exc:
            seconds = _retry_seconds(exc)
            self.pacer.pause(seconds)
            self.store.mark_retry(
                delivery.id, self.clock() + seconds, f"429 retry after {seconds:g}s", count_attempt=False
            )
            result.retried += 1
        except Forbidden as exc:
            self.store.mark_dropped(delivery.id, f"403 {exc.message}")
            result.dropped += 1
        except BadRequest as exc:
            if any(marker in exc.message.lower() for marker in _GONE):
                self.store.mark_dropped(delivery.id, f"400 {exc.message}")
                result.dropped += 1
            else:
                log.warning("delivery %s to %s refused: %s", delivery.id, delivery.chat_id, exc.message)
                self.store.mark_failed(delivery.id, f"400 {exc.message}")
                result.failed += 1
        except (TimedOut, NetworkError) as exc:
            self._retry_later(delivery, f"{type(exc).__name__}: {exc.message}", result)
        except TelegramError as exc:
            self._retry_later(delivery, f"{type(exc).__name__}: {exc.message}", result)
        finally:
            self._gate.release()

    def _retry_later(self, delivery: Delivery, error: str, result: OutboxResult) -> None:
        attempts = delivery.attempts + 1
        if attempts >= self.max_attempts:
            self.store.mark_failed(delivery.id, error)
            result.failed += 1
            return
        delay = self.backoff(attempts)
        self.store.mark_retry(delivery.id, self.clock() + delay, error)
        result.retried += 1
