"""Handlers for delivery: subscribing, and the admin commands /publish, /unpublish, /stats."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.delivery.channel import channel_problems, publish, unpublish
from bot.render import views
from bot.render.html import esc
from bot.telegram.context import Context, language, store_of

log = logging.getLogger(__name__)


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def subscribe(update: Update, context: Context) -> None:
    """/subscribe: new articles and updates arrive in this private chat."""
    lang = language(update, context)
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        await _reply(update, views.plain(lang, "private_only").text)
        return
    added = store_of(context).add_subscriber(chat.id, lang)
    await _reply(update, views.plain(lang, "subscribed" if added else "already_subscribed").text)


async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe."""
    lang = language(update, context)
    chat = update.effective_chat
    if chat is None:
        return
    removed = store_of(context).remove_subscriber(chat.id)
    await _reply(update, views.plain(lang, "unsubscribed" if removed else "not_subscribed").text)


def _is_admin(update: Update, context: Context) -> bool:
    _article, settings = context.bot_data.require()
    user = update.effective_user
    return settings.is_admin(user.id if user else None)


async def publish_command(update: Update, context: Context) -> None:
    """/publish (admins): post the article to the channel once, or update the post."""
    lang = language(update, context)
    if not _is_admin(update, context):
        await _reply(update, views.plain(lang, "admin_only").text)
        return
    article, settings = context.bot_data.require()
    channel = settings.channel_id
    if not channel:
        await _reply(update, views.plain(lang, "no_channel").text)
        return
    problems = await channel_problems(context.bot, channel, lang)
    if problems:
        text = views.plain(lang, "channel_problems", channel=esc(channel), problems=esc("؛ ".join(problems))).text
        await _reply(update, text)
        return
    try:
        result = await publish(context.bot, store_of(context), article, channel, settings.article_slot)
    except TelegramError as exc:
        log.warning("publishing to %s failed: %s", channel, exc.message)
        problem = views.plain(lang, "problem_unreachable", error=esc(exc.message)).text
        await _reply(update, views.plain(lang, "channel_problems", channel=esc(channel), problems=problem).text)
        return
    key = {"posted": "published_posted", "edited": "published_edited", "unchanged": "published_unchanged"}[
        result.action
    ]
    text = views.plain(lang, key, channel=esc(channel), posts=len(result.message_ids), queued=result.queued).text
    await _reply(update, text)


async def unpublish_command(update: Update, context: Context) -> None:
    """/unpublish (admins): delete the article's channel posts."""
    lang = language(update, context)
    if not _is_admin(update, context):
        await _reply(update, views.plain(lang, "admin_only").text)
        return
    _article, settings = context.bot_data.require()
    channel = settings.channel_id
    if not channel:
        await _reply(update, views.plain(lang, "no_channel").text)
        return
    count = await unpublish(context.bot, store_of(context), channel, settings.article_slot)
    key = "unpublished" if count else "nothing_to_unpublish"
    await _reply(update, views.plain(lang, key, channel=esc(channel), count=count).text)


async def stats(update: Update, context: Context) -> None:
    """/stats (admins): subscribers and deliveries by state."""
    lang = language(update, context)
    if not _is_admin(update, context):
        await _reply(update, views.plain(lang, "admin_only").text)
        return
    numbers = store_of(context).stats()
    library = context.bot_data.library
    text = views.plain(lang, "stats", **numbers.__dict__).text
    if library is not None:
        text += "\n" + views.plain(lang, "stats_library", articles=len(library), broken=len(library.broken)).text
        for slot, problem in sorted(library.broken.items())[:10]:
            text += f"\n{esc(slot)}: {esc(problem)}"
    await _reply(update, text)
