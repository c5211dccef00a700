"""Corrections from inside the bot (admins): ``/correct``, ``/uncorrect``, ``/corrections`` and their pagers.

``/correct`` alone lists the statements of the newest article, numbered; ``/correct 3 speaker …``,
``/correct 3 org …``, ``/correct 3 hide``, ``/correct outlet …``, ``/correct date …`` correct it;
``/uncorrect 3 speaker`` takes a correction back. A first word naming an article's file (its
slot) or id picks that article instead of the newest. A correction is kept in the store, applied
by the article service to the article as parsed (now, after a re-parse and after a restart),
and makes a new version: an article already published has its channel post edited in place and
its subscribers sent the update (:func:`bot.telegram.jobs.deliver_corrections`, in the background;
the admin is told if it fails, and it is tried again at every refresh until it succeeds).
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Update

from bot.article.corrections import (
    ARTICLE_FIELDS,
    Correction,
    apply_corrections,
    asks_for_stale,
    parse_correction_args,
    parse_undo_args,
)
from bot.article.model import Article
from bot.articles.service import Changes
from bot.errors import CorrectionError
from bot.i18n import Language, plural
from bot.render import views
from bot.render.corrections import (
    correction_error,
    correction_made,
    correction_removed,
    correction_statements,
    corrections_list,
)
from bot.render.html import esc
from bot.render.links import from_callback
from bot.render.views import View
from bot.store.corrections import CorrectionLog
from bot.telegram import jobs
from bot.telegram.context import BotData, Context, language
from bot.telegram.delivery import admin_only
from bot.telegram.handlers import edit_in_place

log = logging.getLogger(__name__)

PATTERN = r"^[ck]\|"
"""Callback data of the pagers of /correct and /corrections (``bot.render.links``: ``correct``, ``corrections``)."""


async def _reply(update: Update, view: View) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(view.text, reply_markup=view.keyboard, **view.send_options)


def _log(data: BotData) -> CorrectionLog | None:
    return data.store if isinstance(data.store, CorrectionLog) else None


def _pick(data: BotData, args: list[str]) -> tuple[str | None, Article | None, list[str]]:
    """The slot and parsed article a command is about (a first word naming a slot or an article id,
    else the newest article), and the words left."""
    service = data.articles
    if service is None:
        return None, None, args
    registry = service.registry
    if args:
        slot = args[0] if registry.current(args[0]) is not None else registry.slot_of(args[0])
        if slot is not None:
            return slot, service.parsed(slot), args[1:]
    entries = registry.entries()
    if not entries:
        return None, None, args
    slot = entries[0].slot
    return slot, service.parsed(slot), args


async def _target(
    update: Update, context: Context, lang: Language
) -> tuple[CorrectionLog, str, Article, list[str]] | None:
    """The store, the slot and parsed article a command is about, and its words left; None (the
    admin told why) without a corrections table or an article."""
    data = context.bot_data
    store = _log(data)
    slot, parsed, args = _pick(data, list(context.args or []))
    if store is None:
        await _reply(update, views.plain(lang, "corrections_unavailable"))
        return None
    if slot is None or parsed is None:
        await _reply(update, views.plain(lang, "no_article"))
        return None
    return store, slot, parsed, args


def _reapply(data: BotData, slot: str) -> Changes:
    assert data.articles is not None
    return data.articles.reapply(slot)


async def _published(data: BotData, slot: str) -> bool:
    """Whether ``slot`` was published (to the channel, or queued for subscribers without one)."""
    settings, store = data.settings, data.store
    assert settings is not None and store is not None
    stored = await asyncio.to_thread(store.channel_posts, slot, settings.channel_id or "")
    return stored is not None and bool(stored.article_id)


async def _apply(update: Update, context: Context, slot: str, changes: Changes) -> bool:
    """A new version of ``slot`` with its corrections; its delivery started in the background.

    Returns whether the article was published (its posts will be edited, subscribers updated).
    The delivery may wait for a sweep in progress and for the channel's pace, so the admin is
    answered at once and told later only if it fails.
    """
    data = context.bot_data
    if not changes.changed:
        return False
    posted = await _published(data, slot)
    data.corrected.add(slot)
    user = update.effective_user
    lang = language(update, context)

    async def deliver() -> None:
        if not posted:  # not published yet: reviewed, or published with auto-publish, as any change
            await jobs.hand_over(context.bot, data, changes)
            return
        if data.registry is not None:  # an organisation's shortcut may come or go
            await jobs.refresh_menu(context.bot, data.registry)
        problems = await jobs.deliver_corrections(context.bot, data)
        if slot in problems and user is not None:
            failed = views.plain(lang, "correction_delivery_failed", error=esc(problems[slot]))
            await context.bot.send_message(user.id, failed.text, **failed.send_options)

    data.background(f"correction:{slot}:{time.monotonic()}", deliver())
    return posted


@admin_only
async def correct(update: Update, context: Context) -> None:
    """/correct [article] [number] field value (admins)."""
    lang, data, user = language(update, context), context.bot_data, update.effective_user
    found = await _target(update, context, lang)
    if found is None or user is None:
        return
    store, slot, parsed, args = found
    if not args:
        await _reply(update, correction_statements(parsed, data.corrections.of(slot), lang))
        return
    try:
        target, field, value = parse_correction_args(parsed, args)
    except CorrectionError as exc:
        await _reply(update, correction_error(exc, lang))
        return
    correction = Correction(slot=slot, target=target, field=field, value=value, admin_id=user.id, at=time.time())
    async with data.correcting:  # a re-read of the store's corrections meanwhile would undo this one
        await asyncio.to_thread(store.add_correction, correction)  # the store first: what is kept is what counts
        data.corrections.add(correction)
        changes = _reapply(data, slot)
    log.info("corrections: %s: %s of %r corrected by admin %d", slot, field, target or "the article", user.id)
    posted = await _apply(update, context, slot, changes)
    await _reply(update, correction_made(parsed, data.corrections.of(slot), correction, lang, posted=posted))


@admin_only
async def uncorrect(update: Update, context: Context) -> None:
    """/uncorrect [article] number field, or /uncorrect outlet|date (admins): take a correction back."""
    lang, data = language(update, context), context.bot_data
    found = await _target(update, context, lang)
    if found is None:
        return
    store, slot, parsed, args = found
    if asks_for_stale(args):
        async with data.correcting:
            stale = apply_corrections(parsed, data.corrections.of(slot)).stale
            for old in stale:
                await asyncio.to_thread(store.remove_correction, slot, old.target, old.field)  # the store first
                data.corrections.remove(slot, old.target, old.field)
        await _reply(
            update, views.plain(lang, "corrections_stale_removed", count=plural(lang, "n_corrections", len(stale)))
        )
        return
    try:
        target, field = parse_undo_args(parsed, args)
    except CorrectionError as exc:
        await _reply(update, correction_error(exc, lang))
        return
    # an outlet or date correction names its story, or (written by hand, or by another process) none
    targets = [target, ""] if field in ARTICLE_FIELDS else [target]
    removed: Correction | None = None
    async with data.correcting:  # a re-read of the store's corrections meanwhile would undo this
        for each in targets:
            known = next((c for c in data.corrections.of(slot) if (c.target, c.field) == (each, field)), None)
            await asyncio.to_thread(store.remove_correction, slot, each, field)  # the store first
            removed = data.corrections.remove(slot, each, field) or known or removed
        changes = _reapply(data, slot)
    if removed is None:
        await _reply(update, views.plain(lang, "correction_none_to_remove"))
        return
    posted = await _apply(update, context, slot, changes)
    await _reply(update, correction_removed(parsed, removed, lang, posted=posted))


def _list(data: BotData, lang: Language, number: int = 1) -> View:
    service = data.articles
    groups = [
        (slot, service.parsed(slot) if service is not None else None, list(reversed(data.corrections.of(slot))))
        for slot in data.corrections.slots()
    ]
    latest = service.registry.latest() if service is not None else None
    return corrections_list(groups, lang, number, latest.id if latest is not None else "")


@admin_only
async def corrections(update: Update, context: Context) -> None:
    """/corrections (admins): every correction kept, by article, newest first."""
    await _reply(update, _list(context.bot_data, language(update, context)))


async def pager(update: Update, context: Context) -> None:
    """The pagers of /correct and /corrections (admins only)."""
    query, user, data = update.callback_query, update.effective_user, context.bot_data
    if query is None or user is None or data.settings is None:
        return
    lang = language(update, context)
    if not data.settings.is_admin(user.id):
        await query.answer(views.alert(lang, "admin_only", user_id=user.id), show_alert=True)
        return
    link = from_callback(query.data)
    number = int(link.arg) if link is not None and link.arg.isdigit() else 0
    view: View | None = None
    try:
        if link is not None and link.view == "corrections":
            view = _list(data, lang, number)
        elif link is not None and data.articles is not None:
            slot = data.articles.registry.slot_of(link.article_id)
            parsed = data.articles.parsed(slot) if slot is not None else None
            if slot is not None and parsed is not None:
                view = correction_statements(parsed, data.corrections.of(slot), lang, number)
    except IndexError:  # a page that no longer exists
        view = None
    if view is None:
        await query.answer(views.alert(lang, "stale_button"), show_alert=True)
        return
    await query.answer()
    await edit_in_place(update, context, view)
