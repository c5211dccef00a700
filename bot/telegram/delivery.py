"""Handlers for delivery: subscribing, and the admin commands /publish, /preview, /unpublish, /stats."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.article.model import Article
from bot.delivery.channel import channel_problems, publish, unpublish
from bot.i18n import plural
from bot.render import views
from bot.render.channel import channel_posts
from bot.render.html import esc
from bot.render.markup import SEND_OPTIONS
from bot.telegram.context import Context, language, store_of

log = logging.getLogger(__name__)


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, **SEND_OPTIONS)


async def subscribe(update: Update, context: Context) -> None:
    """/subscribe: new articles and updates arrive in this private chat."""
    lang = language(update, context)
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        await _reply(update, views.plain(lang, "private_only").text)
        return
    added = await asyncio.to_thread(store_of(context).add_subscriber, chat.id, lang)
    await _reply(update, views.plain(lang, "subscribed" if added else "already_subscribed").text)


async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe."""
    lang = language(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    removed = await asyncio.to_thread(store_of(context).remove_subscriber, chat.id)
    await _reply(update, views.plain(lang, "unsubscribed" if removed else "not_subscribed").text)


Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


def admin_only(handler: Handler) -> Handler:
    """Run ``handler`` only for the admin ids of the settings; tell anyone else it is for admins."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        settings = context.bot_data.settings
        user = update.effective_user
        if settings is None or not settings.is_admin(user.id if user else None):
            refusal = views.plain(language(update, context), "admin_only", user_id=user.id if user else "?")
            await _reply(update, refusal.text)  # with the user's id, for BOT_ADMIN_IDS
            return
        await handler(update, context)

    return guarded


def _target(context: Context) -> tuple[Article, str, str] | None:
    """The newest article, the channel and the slot it is stored under (None without a channel)."""
    article, settings = context.bot_data.require()
    if not settings.channel_id:
        return None
    library = context.bot_data.registry
    slot = (library.slot_of(article.id) if library is not None else None) or settings.article_slot
    return article, settings.channel_id, slot


@admin_only
async def publish_command(update: Update, context: Context) -> None:
    """/publish (admins): post the newest article to the channel once, or update its posts."""
    lang = language(update, context)
    target = _target(context)
    if target is None:
        await _reply(update, views.plain(lang, "no_channel").text)
        return
    article, channel, slot = target
    problems = await channel_problems(context.bot, channel, lang)
    if not problems:
        try:
            async with context.bot_data.delivering(slot):  # never beside a sweep posting the same slot
                registry = context.bot_data.registry
                current = registry.current(slot) if registry is not None else None
                article = current.article if current is not None else article  # a correction may have come
                result = await publish(context.bot, store_of(context), article, channel, slot)
        except TelegramError as exc:
            log.warning("publishing to %s failed: %s", channel, exc.message)
            problems = [views.plain(lang, "problem_unreachable", error=exc.message).text]
    if problems:
        text = views.channel_problems(lang, esc(channel), problems).text
        await _reply(update, text)
        return
    key = f"published_{result.action}"
    text = views.channel_report(lang, key, esc(channel), len(result.message_ids), result.queued).text
    await _reply(update, text)


@admin_only
async def preview_command(update: Update, context: Context) -> None:
    """/preview (admins): the channel post(s) of the newest article, sent to the admin's own chat only."""
    article, _settings = context.bot_data.require()
    lang, user = language(update, context), update.effective_user
    if user is None:
        return
    try:
        await context.bot.send_message(user.id, views.plain(lang, "preview_sent").text, **SEND_OPTIONS)
        for view in channel_posts(article, "ar", context.bot.username):  # the channel is published in Arabic
            await context.bot.send_message(user.id, view.text, reply_markup=view.keyboard, **SEND_OPTIONS)
    except Forbidden:  # an admin who never started a private chat with the bot
        await _reply(update, views.plain(lang, "preview_unreachable").text)


@admin_only
async def unpublish_command(update: Update, context: Context) -> None:
    """/unpublish (admins): delete the newest article's channel posts."""
    lang = language(update, context)
    target = _target(context)
    if target is None:
        await _reply(update, views.plain(lang, "no_channel").text)
        return
    _article, channel, slot = target
    count = await unpublish(context.bot, store_of(context), channel, slot)
    key = "unpublished" if count else "nothing_to_unpublish"
    await _reply(update, views.channel_report(lang, key, esc(channel), count).text)


@admin_only
async def stats(update: Update, context: Context) -> None:
    """/stats (admins): subscribers, deliveries by state, articles and broken files."""
    lang = language(update, context)
    numbers = await asyncio.to_thread(store_of(context).stats)
    library = context.bot_data.registry
    text = views.plain(lang, "stats", **numbers.__dict__).text
    if library is not None:
        text += "\n" + views.plain(lang, "stats_library", articles=len(library), broken=len(library.broken)).text
        for slot, problem in sorted(library.broken.items())[:10]:
            text += "\n" + views.plain(lang, "stats_broken_file", file=esc(slot), problem=esc(problem)).text
    corrections = len(context.bot_data.corrections)
    if corrections:
        text += "\n" + views.plain(lang, "stats_corrections", count=plural(lang, "n_corrections", corrections)).text
    await _reply(update, text)
