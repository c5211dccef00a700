"""``BOT_REVIEW``: each new article goes to the admins first, with Publish / Skip buttons.

Nothing reaches the channel or the subscribers before one admin presses Publish; the decision
(and who made it) replaces the buttons. The buttons carry the article id, so they work after a
restart too; a button of a version a newer one replaced says so instead of publishing it.
"""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.error import Forbidden, TelegramError

from bot.article.model import Article
from bot.articles.registry import Entry
from bot.delivery.channel import channel_problems, deliver
from bot.render import views
from bot.render.channel import review_decided, review_failed, review_request
from bot.render.links import from_callback
from bot.render.markup import SEND_OPTIONS
from bot.render.views import View
from bot.settings import Settings
from bot.telegram.context import Context, store_of
from bot.telegram.handlers import edit_in_place

log = logging.getLogger(__name__)

PATTERN = r"^v\|"
"""Callback data of the review buttons (``bot.render.links``: the code of ``review``)."""


async def request_review(bot: Bot, settings: Settings, entries: list[Entry]) -> None:
    """Send each new or changed article to every admin, in the default language, with Publish / Skip."""
    for entry in entries:
        view = review_request(entry.article, settings.default_language, bot.username, entry.slot)
        for admin in settings.admin_ids:
            try:
                await bot.send_message(admin, view.text, reply_markup=view.keyboard, **SEND_OPTIONS)
            except Forbidden:
                log.warning("review: admin %d has not started a chat with the bot; cannot send %r", admin, entry.slot)
            except TelegramError as exc:
                log.warning("review: %r could not be sent to admin %d: %s", entry.slot, admin, exc.message)
        if not settings.admin_ids:
            log.warning("review: %r waits for an admin, but BOT_ADMIN_IDS is empty", entry.slot)


async def review_button(update: Update, context: Context) -> None:
    """Publish or Skip on a review message (admins only)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    settings, library = context.bot_data.settings, context.bot_data.registry
    assert settings is not None and library is not None
    lang = settings.default_language
    link = from_callback(query.data)
    if not settings.is_admin(user.id):
        await query.answer(views.alert(lang, "admin_only", user_id=user.id), show_alert=True)
        return
    article = await context.bot_data.find(link.article_id) if link is not None else None
    slot = library.slot_of(article.id) if article is not None else None
    if link is None or article is None or slot is None or link.arg not in ("p", "s"):
        await query.answer(views.alert(lang, "review_stale"), show_alert=True)
        return
    current = next((entry.article for entry in library.entries() if entry.slot == slot), None)
    if current is None or current.id != article.id:
        await query.answer(views.alert(lang, "review_stale"), show_alert=True)
        return
    await query.answer()
    admin = user.full_name or str(user.id)
    if link.arg == "s":
        log.info("review: %r (%s) skipped by admin %d", slot, article.id, user.id)
        decided = review_decided(article, lang, context.bot.username, slot, "review_skipped", admin=admin)
    else:
        decided = await _publish(context, article, slot, admin)
    await edit_in_place(update, context, decided)


async def _publish(context: Context, article: Article, slot: str, admin: str) -> View:
    settings = context.bot_data.settings
    assert settings is not None
    lang, username = settings.default_language, context.bot.username
    problems = await channel_problems(context.bot, settings.channel_id, lang) if settings.channel_id else []
    if not problems:
        try:  # the channel (when there is one) and the subscribers
            async with context.bot_data.delivering(slot):  # never beside a sweep posting the same slot
                registry = context.bot_data.registry
                current = registry.current(slot) if registry is not None else None
                if current is None or current.article.id != article.id:  # replaced while the channel was asked
                    problems = [views.plain(lang, "review_stale").text]
                else:
                    await deliver(context.bot, store_of(context), article, settings.channel_id, slot)
        except TelegramError as exc:
            problems = [exc.message]
    if problems:
        log.warning("review: publishing %r failed: %s", slot, "; ".join(problems))
        return review_failed(article, lang, username, slot, problems)
    log.info("review: %r (%s) published by %s", slot, article.id, admin)
    return review_decided(article, lang, username, slot, "review_published", admin=admin)
