"""``python -m bot publish`` / ``unpublish``: delivery from cron or a newsroom pipeline, no bot process needed."""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.article.model import Article
from bot.delivery.channel import channel_problems, publish, unpublish
from bot.delivery.outbox import Outbox
from bot.logs import redact
from bot.render.channel import subscriber_renderer
from bot.settings import Settings
from bot.store.sqlite import SqliteStore

LEASE = 600.0  # seconds a delivery may stay "sending" before another process takes it back


def _secret(settings: Settings) -> str | None:
    return settings.token.get_secret_value() if settings.token else None


def _bot(settings: Settings) -> Bot:
    assert settings.token is not None
    return Bot(settings.token.get_secret_value(), base_url=settings.base_url)


Work = Callable[[Bot, SqliteStore], Awaitable[int]]


async def _with_bot_and_store(settings: Settings, work: Work) -> int:
    """Run ``work`` with a bot and the store; Telegram's refusals become one line and status 2."""
    store = SqliteStore(settings.db_path)
    try:
        async with _bot(settings) as bot:
            return await work(bot, store)
    except InvalidToken:  # its message holds the token itself
        print("error: Telegram rejected the bot token; check BOT_TOKEN", file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(f"error: Telegram refused: {redact(exc.message, _secret(settings))}", file=sys.stderr)
        return 2
    finally:
        store.close()


async def run_publish(settings: Settings, items: list[tuple[str, Article]], *, deliver: bool = True) -> int:
    """Publish each ``(slot, article)`` to the channel (when one is set), then deliver the outbox.

    Only these articles' deliveries are sent, and only rows left ``sending`` for longer than
    :data:`LEASE` seconds are taken back, so this can run beside a bot that is sending too.
    """

    async def work(bot: Bot, store: SqliteStore) -> int:
        if settings.channel_id:
            problems = await channel_problems(bot, settings.channel_id, "en")
            if problems:
                print(f"error: cannot publish to {settings.channel_id}: {'; '.join(problems)}", file=sys.stderr)
                return 2
        for slot, article in items:
            if settings.channel_id:
                result = await publish(bot, store, article, settings.channel_id, slot)
                print(f"{slot} {result.action}: messages {result.message_ids}, {result.queued} queued")
            else:
                queued = store.enqueue(slot, article.id, "new")
                print(f"{slot}: no channel set (BOT_CHANNEL_ID), {queued} subscriber deliveries queued")
        if deliver:
            store.recover(older_than=time.time() - LEASE)
            lookup = {article.id: article for _, article in items}
            render = subscriber_renderer(lookup.get, bot.username)
            outcome = await Outbox(bot, store, render, article_ids=frozenset(lookup)).drain()
            print(f"delivered: {outcome.sent} sent, {outcome.failed} failed, {outcome.dropped} dropped")
        return 0

    return await _with_bot_and_store(settings, work)


async def run_unpublish(settings: Settings, slot: str) -> int:
    """Delete the channel posts of the article stored under ``slot``."""
    channel = settings.channel_id
    if not channel:
        print("error: no channel set (BOT_CHANNEL_ID)", file=sys.stderr)
        return 2

    async def work(bot: Bot, store: SqliteStore) -> int:
        deleted = await unpublish(bot, store, channel, slot)
        print(f"deleted {deleted} posts from {channel}")
        return 0

    return await _with_bot_and_store(settings, work)
