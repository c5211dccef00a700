"""``python -m bot publish`` / ``unpublish``: delivery from cron or a newsroom pipeline, no bot process needed."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.article.model import Article
from bot.delivery.channel import channel_problems, unpublish
from bot.delivery.channel import deliver as deliver_article
from bot.delivery.outbox import SENDERS, Outbox
from bot.delivery.pacing import PacedLimiter, Pacer
from bot.logs import redact
from bot.settings import Settings
from bot.store.sqlite import SqliteStore

WAIT_SECONDS = 3600.0
"""How long ``publish`` waits for a running bot (or its own drain) to settle every delivery."""


def _secret(settings: Settings) -> str | None:
    return settings.token.get_secret_value() if settings.token else None


def _bot(settings: Settings, pacer: Pacer) -> Bot:
    """A bot whose every message (channel posts, deliveries) takes its slot from ``pacer``."""
    assert settings.token is not None
    return ExtBot(
        settings.token.get_secret_value(),
        base_url=settings.base_url,
        request=HTTPXRequest(
            connection_pool_size=SENDERS + 4, read_timeout=settings.send_timeout, write_timeout=settings.send_timeout
        ),
        rate_limiter=PacedLimiter(pacer),
    )


Work = Callable[[Bot, SqliteStore, Pacer], Awaitable[int]]


async def _with_bot_and_store(settings: Settings, work: Work) -> int:
    """Run ``work`` with a bot and the store; Telegram's refusals become one line and status 2."""
    store = SqliteStore(settings.db_path)
    pacer = Pacer()
    try:
        async with _bot(settings, pacer) as bot:
            return await work(bot, store, pacer)
    except InvalidToken:  # its message holds the token itself
        print("error: Telegram rejected the bot token; check BOT_TOKEN", file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(f"error: Telegram refused: {redact(exc.message, _secret(settings))}", file=sys.stderr)
        return 2
    finally:
        store.close()


async def run_publish(
    settings: Settings, items: list[tuple[str, Article]], *, deliver: bool = True, wait: float = WAIT_SECONDS
) -> int:
    """Publish each ``(slot, article)`` to the channel (when one is set), then see them delivered.

    One process sends at a time (the store's outbox lease). Beside a running bot that holds it,
    this queues the rows and waits while the bot sends them (it sends from the store, so it needs
    nothing of this process); when no live process holds it, or its holder dies meanwhile, this
    sends them itself. The output counts every delivery of these article versions, and the exit
    status is 0 only when none failed and none is left pending.
    """

    async def work(bot: Bot, store: SqliteStore, pacer: Pacer) -> int:
        if settings.channel_id:
            problems = await channel_problems(bot, settings.channel_id, "en")
            if problems:
                print(f"error: cannot publish to {settings.channel_id}: {'; '.join(problems)}", file=sys.stderr)
                return 2
        for slot, article in items:
            result = await deliver_article(bot, store, article, settings.channel_id, slot)
            print(f"{slot} {result.action}: messages {result.message_ids}, {result.queued} queued")
        if not deliver:
            return 0
        return await _deliver(bot, store, pacer, {article.id for _, article in items}, wait)

    return await _with_bot_and_store(settings, work)


async def _deliver(bot: Bot, store: SqliteStore, pacer: Pacer, article_ids: set[str], wait: float) -> int:
    """Send (or watch a running bot send) the deliveries of ``article_ids`` until none is left."""
    outbox = Outbox(bot, store, pacer=pacer, article_ids=article_ids)
    deadline = time.monotonic() + wait
    sent = 0
    told: str | None = None
    try:
        while True:
            outcome = await outbox.drain()
            sent += outcome.sent
            counts = store.delivery_counts(article_ids)
            left = counts.get("pending", 0) + counts.get("sending", 0)
            if not left or time.monotonic() > deadline:
                break
            holder = outcome.holder
            if holder is not None and holder.owner != told:
                print(f"the running bot (process {holder.pid} on {holder.host}) is sending them; waiting")
                told = holder.owner
            await asyncio.sleep(0.5)
    finally:
        await outbox.release()
    print(
        f"delivered: {sent} sent by this run; deliveries of this version: {counts.get('sent', 0)} sent, "
        f"{counts.get('failed', 0)} failed, {counts.get('dropped', 0)} dropped, {left} not yet sent"
    )
    if left:
        print(f"error: {left} deliveries still pending after {wait:g} s", file=sys.stderr)
    return 1 if left or counts.get("failed", 0) else 0


async def run_unpublish(settings: Settings, slot: str) -> int:
    """Delete the channel posts of the article stored under ``slot``."""
    channel = settings.channel_id
    if not channel:
        print("error: no channel set (BOT_CHANNEL_ID)", file=sys.stderr)
        return 2

    async def work(bot: Bot, store: SqliteStore, pacer: Pacer) -> int:
        deleted = await unpublish(bot, store, channel, slot)
        print(f"deleted {deleted} posts from {channel}")
        return 0

    return await _with_bot_and_store(settings, work)
