"""Publishing an article to the channel exactly once, and keeping the post up to date.

The channel's message ids are stored per article slot. Publishing again with the same content
id posts nothing; with a new content id the stored posts are edited in place (extra posts sent,
surplus ones deleted) and subscribers are queued for the update, with the message they get
stored beside their rows. Posts go out at the channel's pace when ``bot`` paces its requests
(:class:`~bot.delivery.pacing.PacedLimiter`: 20 a minute, a 429 pausing everything).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Literal

from telegram import Bot, ChatMemberAdministrator, ChatMemberOwner
from telegram.error import BadRequest, TelegramError

from bot.article.model import Article
from bot.delivery.outbox import outgoing_messages
from bot.i18n import Language, t
from bot.render.channel import channel_posts
from bot.render.views import View
from bot.store.base import DeliveryKind, Store

log = logging.getLogger(__name__)

Action = Literal["posted", "edited", "unchanged"]


@dataclass
class PublishResult:
    """What :func:`publish` did."""

    action: Action
    message_ids: list[int] = field(default_factory=list)
    queued: int = 0


async def channel_problems(bot: Bot, channel: str, lang: Language = "ar") -> list[str]:
    """What keeps the bot from posting, editing and deleting in ``channel`` (empty when all is well)."""
    try:
        member = await bot.get_chat_member(channel, bot.id)
    except TelegramError as exc:
        return [t(lang, "problem_unreachable", error=exc.message)]
    if isinstance(member, ChatMemberOwner):
        return []
    if not isinstance(member, ChatMemberAdministrator):
        return [t(lang, "problem_not_admin")]
    problems = []
    if not member.can_post_messages:
        problems.append(t(lang, "problem_cannot_post"))
    if not member.can_edit_messages:
        problems.append(t(lang, "problem_cannot_edit"))
    if not member.can_delete_messages:
        problems.append(t(lang, "problem_cannot_delete"))
    return problems


async def publish(bot: Bot, store: Store, article: Article, channel: str, slot: str) -> PublishResult:
    """Post ``article`` to ``channel`` once; edit the stored posts when its content changed."""
    stored = await asyncio.to_thread(store.channel_posts, slot, channel)
    if stored is not None and stored.article_id == article.id:
        return PublishResult("unchanged", list(stored.message_ids))
    posts = channel_posts(article, "ar", bot.username)
    message_ids: list[int] = []
    old_ids = list(stored.message_ids) if stored else []
    for index, view in enumerate(posts):
        if index < len(old_ids):
            await _edit(bot, channel, old_ids[index], view)
            message_ids.append(old_ids[index])
        else:
            message = await bot.send_message(channel, view.text, reply_markup=view.keyboard, **view.send_options)
            message_ids.append(message.message_id)
            await asyncio.to_thread(
                store.save_channel_posts, slot, channel, stored.article_id if stored else "", message_ids
            )
    for surplus in old_ids[len(posts) :]:
        await _delete(bot, channel, surplus)
    was_published = stored is not None and bool(stored.article_id)
    queued = await _queue(bot, store, article, slot, "update" if was_published else "new")
    await asyncio.to_thread(store.save_channel_posts, slot, channel, article.id, message_ids)
    return PublishResult("edited" if was_published else "posted", message_ids, queued)


async def deliver(bot: Bot, store: Store, article: Article, channel: str | None, slot: str) -> PublishResult:
    """Publish ``article`` once in its version: to ``channel`` (:func:`publish`), else to the subscribers only.

    Without a channel, what was delivered is recorded as channel posts of the channel ``""``
    with no message, so the same version is queued once however often this is called.
    """
    if channel:
        return await publish(bot, store, article, channel, slot)
    stored = await asyncio.to_thread(store.channel_posts, slot, "")
    if stored is not None and stored.article_id == article.id:
        return PublishResult("unchanged")
    queued = await _queue(bot, store, article, slot, "new" if stored is None else "update")
    await asyncio.to_thread(store.save_channel_posts, slot, "", article.id, [])
    return PublishResult("posted" if stored is None else "edited", [], queued)


async def _queue(bot: Bot, store: Store, article: Article, slot: str, kind: DeliveryKind) -> int:
    """Keep the version, then queue it for the subscribers (idempotent): a crash before the caller
    records the version re-runs both and loses neither."""
    await asyncio.to_thread(store.save_article, slot, article.id, article.to_json(indent=None))
    messages = outgoing_messages(article, bot.username, kind)
    return await asyncio.to_thread(store.enqueue, slot, article.id, kind, messages)


async def unpublish(bot: Bot, store: Store, channel: str, slot: str) -> int:
    """Delete the article's posts from ``channel``; returns how many were deleted."""
    stored = await asyncio.to_thread(store.channel_posts, slot, channel)
    if stored is None:
        return 0
    deleted = 0
    for message_id in stored.message_ids:
        deleted += await _delete(bot, channel, message_id)
    await asyncio.to_thread(store.delete_channel_posts, slot, channel)
    return deleted


async def _edit(bot: Bot, channel: str, message_id: int, view: View) -> None:
    try:
        await bot.edit_message_text(
            view.text, chat_id=channel, message_id=message_id, reply_markup=view.keyboard, **view.send_options
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def _delete(bot: Bot, channel: str, message_id: int) -> int:
    try:
        return int(await bot.delete_message(channel, message_id))
    except BadRequest as exc:
        log.warning("channel post %s could not be deleted: %s", message_id, exc.message)
        return 0
