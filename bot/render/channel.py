"""The channel post (and the same message for subscribers): title, date, outlet, summary,
highlights of the statements and deep-link buttons into the bot.

The first post holds the summary and one highlight per source; the rest of the statements go
into expandable blockquotes on follow-up posts, each within Telegram's limit.
"""

from __future__ import annotations

from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot.article.model import Article
from bot.i18n import Language, t
from bot.render.html import esc, tg_len, visible
from bot.render.links import Link, deep_link, to_callback
from bot.render.markup import Keyboard
from bot.render.views import View, lead_image, masthead, source_row, sources, statement_block

_BUDGET = MessageLimit.MAX_TEXT_LENGTH - 96


def buttons(article: Article, lang: Language, username: str) -> InlineKeyboardMarkup:
    """Deep links into the bot: the full text and the statements; and the article at its source."""
    return Keyboard(
        [
            [
                InlineKeyboardButton(t(lang, "btn_read_full"), url=deep_link(username, Link("full", article.id, "1"))),
                InlineKeyboardButton(t(lang, "btn_read_quotes"), url=deep_link(username, Link("quotes", article.id))),
            ],
            *source_row(article, lang),
        ]
    )


def _fits(text: str) -> bool:
    return tg_len(visible(text)) <= _BUDGET


def channel_posts(article: Article, lang: Language, username: str, prefix: str | None = None) -> list[View]:
    """The posts that carry ``article`` in a channel (the first one has the buttons and the lead image)."""
    header = masthead(article, lang, "channel_header")
    if prefix:
        header = f"{prefix}\n{header}"
    first = header + "\n\n" + "\n\n".join(esc(s) for s in article.summary)
    groups = sources(article)
    highlights = [statement_block(g.statements[0][1], lang) for g in groups]
    rest = [statement_block(st, lang) for g in groups for _, st in g.statements[1:]]
    if highlights:
        with_highlights = first + "\n\n" + t(lang, "channel_highlights")
        for block in highlights:
            candidate = with_highlights + "\n" + block
            if not _fits(candidate):
                rest.insert(0, block)
                continue
            with_highlights = candidate
        first = with_highlights
    posts = [View(first, buttons(article, lang, username), lead_image(article))]
    current: list[str] = []
    for block in rest:
        quote = block.replace("<blockquote>", "<blockquote expandable>")
        candidate = _follow_up(lang, [*current, quote])
        if current and not _fits(candidate):
            posts.append(View(_follow_up(lang, current)))
            current = [quote]
        else:
            current.append(quote)
    if current:
        posts.append(View(_follow_up(lang, current)))
    return posts


def _follow_up(lang: Language, blocks: list[str]) -> str:
    return t(lang, "channel_more") + "\n" + "\n".join(blocks)


def review_request(article: Article, lang: Language, username: str, slot: str) -> View:
    """What the admins get with ``BOT_REVIEW``: the first channel post as it would go out, and Publish / Skip."""
    first = channel_posts(article, lang, username, t(lang, "review_prefix", slot=esc(slot)))[0]
    publish = Link("review", article.id, "p")
    skip = Link("review", article.id, "s")
    keyboard = Keyboard(
        [
            [
                InlineKeyboardButton(t(lang, "btn_review_publish"), callback_data=to_callback(publish)),
                InlineKeyboardButton(t(lang, "btn_review_skip"), callback_data=to_callback(skip)),
            ]
        ]
    )
    return View(first.text, keyboard)


def review_decided(article: Article, lang: Language, username: str, slot: str, key: str, **values: str) -> View:
    """The review message once decided (``review_published``, ``review_skipped``...): no buttons left."""
    request = review_request(article, lang, username, slot)
    return View(f"{request.text}\n\n{t(lang, key, **{k: esc(v) for k, v in values.items()})}")


def review_failed(article: Article, lang: Language, username: str, slot: str, problems: list[str]) -> View:
    """The review message after a failed Publish: why, and the buttons kept to try again."""
    request = review_request(article, lang, username, slot)
    why = t(lang, "review_failed", problems=esc(t(lang, "problem_separator").join(problems)))
    return View(f"{request.text}\n\n{why}", request.keyboard)


@lru_cache(maxsize=64)
def subscriber_message(article: Article, lang: Language, username: str, *, update: bool) -> View:
    """What a subscriber receives: the first channel post, marked new or updated (rendered once, then cached)."""
    prefix = f"<b>{t(lang, 'update_prefix' if update else 'new_prefix')}</b>"
    return channel_posts(article, lang, username, prefix)[0]
