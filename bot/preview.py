"""``python -m bot preview VIEW`` and ``publish --dry-run``: what the bot would send, without sending.

Readable by default: the text as a reader sees it (tags removed, entities resolved) and the
buttons under it, ``[label]`` or ``[label → link]``. With ``html=True``, the payload as sent: the
HTML text and the ``reply_markup`` JSON. Views open through the same router as the bot's buttons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.article.model import Article
from bot.i18n import Language
from bot.render import views
from bot.render.channel import channel_posts
from bot.render.html import visible
from bot.render.links import Link
from bot.render.router import Shelf, open_link
from bot.render.views import View
from bot.store.base import ChannelPosts

PREVIEW_VIEWS = ("start", "summary", "full", "quotes", "source", "statement", "help", "about", "channel")


def show(view: View, *, html: bool = False) -> str:
    """One message as a reader sees it (or, with ``html``, as it is sent)."""
    if html:
        markup = json.dumps(view.keyboard.to_dict(), ensure_ascii=False) if view.keyboard is not None else ""
        return view.text + (f"\nreply_markup: {markup}" if markup else "")
    out = [visible(view.text)]
    if view.keyboard is not None:
        for row in view.keyboard.inline_keyboard:
            out.append(" | ".join(f"[{b.text} → {b.url}]" if b.url else f"[{b.text}]" for b in row))
    return "\n".join(out)


def show_all(posts: Sequence[View], *, html: bool = False) -> str:
    """Several messages, each under a ``--- message i of n ---`` line when there are more than one."""
    if len(posts) == 1:
        return show(posts[0], html=html)
    return "\n\n".join(f"--- message {i} of {len(posts)} ---\n{show(p, html=html)}" for i, p in enumerate(posts, 1))


def preview_views(
    articles: list[Article], view: str, numbers: Sequence[int], lang: Language, username: str
) -> list[View]:
    """The message(s) ``view`` shows for the newest of ``articles`` (newest first), as the bot would.

    ``numbers`` are 1-based, as a person counts: ``full 2`` is page 2, ``source 2 3`` the third page
    of the second source, ``statement 5`` the fifth statement. ``IndexError`` when out of range.
    """
    article = articles[0]
    first = numbers[0] if numbers else 1
    second = numbers[1] if len(numbers) > 1 else 1
    if view == "channel":
        return channel_posts(article, "ar", username)
    if view == "help":
        return [views.help_view(article, lang, username)]
    if view == "about":
        return [views.about(article, lang)]
    link = {
        "start": Link("start", article.id),
        "summary": Link("summary", article.id),
        "full": Link("full", article.id, str(first)),
        "quotes": Link("quotes", article.id, "all" if len(articles) > 1 else ""),  # as /quotes answers
        "source": Link("source", article.id, f"{first - 1}.{second}"),
        "statement": Link("statement", article.id, str(first - 1)),
    }[view]
    if first < 1 or second < 1:
        raise IndexError(first)
    by_id = {a.id: a for a in articles}
    found = open_link(link, lang, Shelf(by_id.get, lambda: articles))
    if found is None:
        raise IndexError(first)
    return [found]


@dataclass(frozen=True)
class PlannedPost:
    """What ``publish`` would do with one article: ``post``, ``edit`` or nothing (``unchanged``)."""

    slot: str
    action: str
    posts: list[View]
    edited: list[int]
    deleted: list[int]
    queued: int


def plan_publish(
    slot: str, article: Article, stored: ChannelPosts | None, username: str, subscribers: int
) -> PlannedPost:
    """The same decision :func:`bot.delivery.channel.publish` makes, without doing it."""
    posts = channel_posts(article, "ar", username)
    if stored is not None and stored.article_id == article.id:
        return PlannedPost(slot, "unchanged", [], [], [], 0)
    old = list(stored.message_ids) if stored else []
    action = "edit" if stored is not None and stored.article_id else "post"
    return PlannedPost(slot, action, posts, old[: len(posts)], old[len(posts) :], subscribers)


def describe_plan(plan: PlannedPost, channel: str, *, html: bool = False) -> str:
    """A plan for people: what would be sent, edited and deleted, then the messages."""
    if plan.action == "unchanged":
        return f"{plan.slot}: already published in {channel} in this version; nothing would be sent"
    parts = []
    if plan.edited:
        parts.append(f"edit in place: messages {plan.edited}")
    if len(plan.posts) > len(plan.edited):
        parts.append(f"send new messages: {len(plan.posts) - len(plan.edited)}")
    if plan.deleted:
        parts.append(f"delete: messages {plan.deleted}")
    parts.append(f"subscriber deliveries to queue: {plan.queued}")
    head = f"{plan.slot} in {channel}, dry run (nothing sent): {'; '.join(parts)}"
    return head + "\n\n" + show_all(plan.posts, html=html)
