"""The persistent outbox worker: every subscriber gets each article version once.

Each delivery is a row in the store, with the message to send (rendered when it was queued), so
a row never depends on what one process holds in memory. One process at a time sends: the one
holding the store's ``outbox`` lease, renewed while it runs; a holder that is gone is taken
over at once (its process is dead) or when its lease expires, and the rows it left ``sending``
go back to pending. A small pool of senders (:data:`SENDERS`) each claims one due row, waits
for its slot from the :class:`~bot.delivery.pacing.Pacer` and sends, so a slow or failing chat
holds one sender, never the others. Every result is committed as soon as it is known:

- accepted -> ``sent`` (with Telegram's message id);
- 429 -> everyone pauses ``retry_after`` seconds, the row is retried (not counted as a failure);
- 5xx, timeouts, network errors -> retried with exponential backoff, ``failed`` after
  ``max_attempts``;
- 403 (blocked, kicked) and 400 chat not found / user deactivated -> ``dropped``, and the
  subscriber is removed;
- any other 400 -> ``failed``.

Duplicates: the Bot API has no idempotency key, so a send whose outcome is unknown is sent
again: its answer was lost (a timeout, a dropped connection: Telegram may have delivered it),
or the process died while it was in flight. A kill therefore re-sends at most :data:`SENDERS`
messages (the rows being sent at that moment); each such re-send is counted in the store
(``resent_unknown``, shown by /stats).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import secrets
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot

from bot.article.model import Article
from bot.delivery.pacing import Pacer, retry_seconds
from bot.errors import StoreError
from bot.i18n import LANGUAGES
from bot.render.channel import subscriber_message
from bot.render.markup import NO_PREVIEW, SEND_OPTIONS, image_preview
from bot.store.base import Acquired, Delivery, DeliveryKind, Lease, OutgoingMessage, Store

log = logging.getLogger(__name__)

SENDERS = 8
"""Sends in flight at most: enough for ~30/s with a few requests held by a slow network, and the
bound on duplicates one kill can cause."""
LEASE_SECONDS = 15.0
"""How long the outbox lease lasts unless renewed; renewed every third of it while sending."""
OUTBOX_LEASE = "outbox"
_GONE = ("chat not found", "user is deactivated", "chat_id is empty", "peer_id_invalid", "bot was kicked")

P = ParamSpec("P")
T = TypeVar("T")


def outgoing_messages(article: Article, username: str, kind: DeliveryKind) -> dict[str, OutgoingMessage]:
    """What subscribers receive for ``article``, in every language, as the store keeps it."""
    messages: dict[str, OutgoingMessage] = {}
    for lang in LANGUAGES:
        view = subscriber_message(article, lang, username, update=kind == "update")
        markup = json.dumps(view.keyboard.to_dict(), ensure_ascii=False) if view.keyboard is not None else None
        image = view.preview.url if view.preview is not NO_PREVIEW and isinstance(view.preview.url, str) else None
        messages[lang] = OutgoingMessage(view.text, markup, image)
    return messages


@dataclass
class OutboxResult:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0
    holder: Lease | None = None
    """When another live process holds the outbox lease: who (this drain sent nothing)."""

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, {self.dropped} dropped"


def _exponential(attempts: int) -> float:
    """1, 2, 4... seconds (capped at 5 minutes), with jitter so retries do not come in waves."""
    return min(300.0, 2.0 ** (attempts - 1)) * (0.5 + random.random() / 2)


def _outcome_unknown(exc: NetworkError) -> bool:
    """Whether a failed request may have been carried out (no answer came back) or surely was not."""
    if isinstance(exc, TimedOut):
        return True
    return exc.message.startswith(("httpx", "Unknown error"))  # a transport error, not Telegram's 5xx answer


def new_owner() -> str:
    """An owner id for this process's claims: host, process id and a random part."""
    return f"{os.uname().nodename}:{os.getpid()}:{secrets.token_hex(4)}"


async def _in_thread(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await asyncio.to_thread(function, *args, **kwargs)


async def _direct(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return function(*args, **kwargs)


class Outbox:
    """Drains the store's outbox through ``bot``, holding the store's outbox lease while it does."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        *,
        pacer: Pacer | None = None,
        senders: int = SENDERS,
        max_attempts: int = 8,
        clock: Callable[[], float] = time.time,
        backoff: Callable[[int], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        article_ids: Collection[str] | None = None,
        lease_seconds: float = LEASE_SECONDS,
        owner: str | None = None,
        store_in_thread: bool = True,
    ) -> None:
        self.bot = bot
        self.store = store
        self.pacer = pacer or Pacer()
        self.senders = senders
        self.max_attempts = max_attempts
        self.clock = clock
        self.backoff = backoff or _exponential
        self.sleep = sleep
        self.article_ids = frozenset(article_ids) if article_ids is not None else None
        self.lease_seconds = lease_seconds
        self.owner = owner or new_owner()
        # store calls run in a thread, so a locked database holds up no other task (tests with
        # virtual time call them directly)
        self._call = _in_thread if store_in_thread else _direct
        self.pid = os.getpid()
        self.host = self.owner.split(":", 1)[0]
        self._in_flight = 0
        # through an ExtBot with a PacedLimiter, tell it the slot is taken and 429s are handled here
        limited = isinstance(bot, ExtBot) and bot.rate_limiter is not None
        self._send_args: dict[str, Any] = {"rate_limit_args": {"paced": True}} if limited else {}

    async def acquire(self) -> Acquired:
        """Take or renew the outbox lease; rows another owner left ``sending`` come back when taken over."""
        acquired = await self._call(
            self.store.acquire_lease, OUTBOX_LEASE, self.owner, self.pid, self.host, self.lease_seconds, self.clock()
        )
        if acquired.recovered:
            log.info("outbox: %d deliveries left in flight by a stopped sender will be sent again", acquired.recovered)
        return acquired

    async def release(self) -> None:
        """Give the lease up (at shutdown); rows still being sent go back to pending."""
        await self._call(self.store.release_lease, OUTBOX_LEASE, self.owner)

    async def drain(self, *, until_empty: bool = True, max_seconds: float | None = None) -> OutboxResult:
        """Send every due delivery (and those that fall due while draining, if ``until_empty``).

        Sends nothing, and says who does (``result.holder``), while another live process holds
        the outbox lease.
        """
        result = OutboxResult()
        acquired = await self.acquire()
        if not acquired.held:
            result.holder = acquired.holder
            return result
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        heartbeat = asyncio.create_task(self._heartbeat(), name="outbox-lease")
        try:
            await asyncio.gather(*(self._sender(result, until_empty, deadline) for _ in range(self.senders)))
        finally:
            heartbeat.cancel()
        return result

    async def serve(self, interval: float) -> None:
        """Task: drain whatever falls due, for as long as the bot runs; the lease is released when cancelled."""
        failing = False
        try:
            while True:
                try:
                    result = await self.drain(until_empty=False)
                    failing = False
                except StoreError as exc:
                    if not failing:
                        log.error("outbox: %s", exc)
                    failing = True
                except Exception as exc:  # a bug must not stop delivery for good: logged, tried again
                    log.error("outbox: unexpected error", exc_info=exc)
                else:
                    if result.sent or result.failed or result.dropped:
                        log.info("outbox: %s", result)
                await self.sleep(interval)
        finally:
            try:
                await asyncio.shield(self.release())
            except StoreError as exc:
                log.error("outbox: could not release the lease: %s", exc)

    async def _heartbeat(self) -> None:
        while True:
            await self.sleep(self.lease_seconds / 3)
            try:
                await self.acquire()
            except StoreError as exc:
                log.error("outbox: could not renew the lease: %s", exc)

    async def _sender(self, result: OutboxResult, until_empty: bool, deadline: float | None) -> None:
        while deadline is None or time.monotonic() < deadline:
            claimed = await self._call(self.store.claim_due, self.clock(), 1, self.owner, self.article_ids)
            if claimed:
                await self._send(claimed[0], result)
                continue
            if not until_empty:
                return
            due = await self._call(self.store.next_due, self.article_ids)
            if due is None and self._in_flight == 0:
                return  # nothing pending, and no send in flight that could come back as a retry
            wait = 0.05 if due is None else due - self.clock()
            await self.sleep(min(1.0, max(0.02, wait)))

    async def _send(self, delivery: Delivery, result: OutboxResult) -> None:
        self._in_flight += 1
        try:
            async with self.pacer.sending(delivery.chat_id):
                message = await self.bot.send_message(
                    delivery.chat_id,
                    delivery.message.text,
                    reply_markup=_markup(delivery.message.markup),
                    **_send_options(delivery.message),
                    **self._send_args,
                )
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            self.pacer.pause(seconds)
            self.pacer.refund()
            await self._call(
                self.store.mark_retry,
                delivery.id,
                self.clock() + seconds,
                f"429 retry after {seconds:g}s",
                count_attempt=False,
            )
            result.retried += 1
        except Forbidden as exc:
            self.pacer.refund()
            await self._call(self.store.mark_dropped, delivery.id, f"403 {exc.message}")
            result.dropped += 1
        except BadRequest as exc:
            self.pacer.refund()
            if any(marker in exc.message.lower() for marker in _GONE):
                await self._call(self.store.mark_dropped, delivery.id, f"400 {exc.message}")
                result.dropped += 1
            else:
                log.warning("delivery %s to %s refused: %s", delivery.id, delivery.chat_id, exc.message)
                await self._call(self.store.mark_failed, delivery.id, f"400 {exc.message}")
                result.failed += 1
        except NetworkError as exc:  # TimedOut included
            unknown = _outcome_unknown(exc)
            if not unknown:
                self.pacer.refund()
            await self._retry_later(delivery, f"{type(exc).__name__}: {exc.message}", result, unknown)
        except TelegramError as exc:
            await self._retry_later(delivery, f"{type(exc).__name__}: {exc.message}", result, False)
        else:
            await self._call(self.store.mark_sent, delivery.id, message.message_id)
            result.sent += 1
        finally:
            self._in_flight -= 1

    async def _retry_later(self, delivery: Delivery, error: str, result: OutboxResult, unknown: bool) -> None:
        attempts = delivery.attempts + 1
        if attempts >= self.max_attempts:
            await self._call(self.store.mark_failed, delivery.id, error)
            result.failed += 1
            return
        delay = self.backoff(attempts)
        await self._call(self.store.mark_retry, delivery.id, self.clock() + delay, error, unknown=unknown)
        result.retried += 1


def _send_options(message: OutgoingMessage) -> dict[str, Any]:
    """The parse mode and link preview of a stored message: its lead image above the text, or none."""
    if message.preview is None:
        return SEND_OPTIONS
    return {**SEND_OPTIONS, "link_preview_options": image_preview(message.preview)}


def _markup(stored: str | None) -> InlineKeyboardMarkup | None:
    if stored is None:
        return None
    return InlineKeyboardMarkup.de_json(json.loads(stored), None)
