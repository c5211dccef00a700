"""Inline mode: the summary and each statement as shareable results, filtered by the query."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
)
from telegram.constants import InlineQueryLimit, ParseMode

from bot.article.arabic import normalise
from bot.article.model import Article
from bot.i18n import Language, t
from bot.render.html import esc
from bot.render.links import WAITING_PAYLOAD, Link, deep_link
from bot.render.markup import NO_PREVIEW, InlineArticle, Keyboard
from bot.render.memo import bounded, text_bytes
from bot.render.views import heading, statement_block

_DESCRIPTION = 120
INLINE_PAGE = 10  # results per answer; Telegram asks for the next page with next_offset as the user scrolls
INLINE_CACHE_SECONDS = 60
INLINE_CACHE_BYTES = 32 * 1024 * 1024
"""What the cache of inline answers may hold: about 100 answers of 50 long statements, thousands of short ones."""
_RESULT_OVERHEAD = 2048  # the result objects and the serialised copy PTB keeps of each


def _short(text: str, limit: int = _DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _content(text: str) -> InputTextMessageContent:
    return InputTextMessageContent(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)


def inline_results(article: Article, query: str, lang: Language, username: str) -> tuple[InlineQueryResultArticle, ...]:
    """At most 50 results matching ``query`` (all words, spelling folded): summary first, then statements.

    Cached by the normalised query, so the same words typed with other spaces or spellings
    share one answer.
    """
    return _matching(article, normalise(query), lang, username)


def _results_bytes(results: tuple[InlineQueryResultArticle, ...]) -> int:
    """About the memory an answer holds: each text twice (the object and its serialised copy)."""
    texts = (
        text
        for result in results
        for text in (
            result.title,
            result.description or "",
            getattr(result.input_message_content, "message_text", ""),
        )
    )
    return len(results) * _RESULT_OVERHEAD + 2 * text_bytes(texts)


@bounded(INLINE_CACHE_BYTES, _results_bytes)
def _matching(article: Article, query: str, lang: Language, username: str) -> tuple[InlineQueryResultArticle, ...]:
    wanted = query.split()

    def matches(*texts: str) -> bool:
        haystack = normalise(" ".join(texts))
        return all(word in haystack for word in wanted)

    open_bot = Keyboard(
        [[InlineKeyboardButton(t(lang, "btn_open_bot"), url=deep_link(username, Link("summary", article.id)))]]
    )
    results: list[InlineQueryResultArticle] = []
    if matches(article.title, *article.summary):
        text = f"<b>{heading(article)}</b>\n\n" + "\n\n".join(esc(s) for s in article.summary)
        results.append(
            InlineArticle(
                id=f"sum-{article.id}",
                title=_short(t(lang, "inline_summary_title", title=article.title), 100),
                description=_short(" ".join(article.summary)),
                input_message_content=_content(text),
                reply_markup=open_bot,
            )
        )
    for number, statement in enumerate(article.statements):
        if len(results) >= InlineQueryLimit.RESULTS:
            break
        if not matches(statement.speaker, statement.org or "", statement.text):
            continue
        kind = t(lang, "kind_direct" if statement.form == "direct" else "kind_reported")
        text = f"{statement_block(statement, lang)}\n\n{t(lang, 'statement_in', title=heading(article))}"
        link = Link("statement", article.id, str(number))
        results.append(
            InlineArticle(
                id=f"st-{article.id}-{number}",
                title=_short(statement.speaker, 100),
                description=_short(t(lang, "inline_statement_description", kind=kind, text=statement.text)),
                input_message_content=_content(text),
                reply_markup=Keyboard(
                    [[InlineKeyboardButton(t(lang, "btn_open_bot"), url=deep_link(username, link))]]
                ),
            )
        )
    kept = tuple(results[: InlineQueryLimit.RESULTS])
    for result in kept:  # serialised now, once: PTB sends a copy of each result, which keeps the dict
        result.to_dict()
    return kept


def preparing_button(lang: Language) -> InlineQueryResultsButton:
    """Above an empty answer while articles load: "being prepared", opening the bot's chat."""
    return InlineQueryResultsButton(text=t(lang, "inline_preparing"), start_parameter=WAITING_PAYLOAD)


def inline_page(
    results: tuple[InlineQueryResultArticle, ...], offset: str
) -> tuple[list[InlineQueryResultArticle], str | None]:
    """One page of ``results`` from ``offset`` (Telegram's opaque string; ours is a number) and the next one."""
    start = int(offset) if offset.isascii() and offset.isdigit() and len(offset) <= 3 else 0
    page = list(results[start : start + INLINE_PAGE])
    more = start + INLINE_PAGE < len(results)
    return page, (str(start + INLINE_PAGE) if more else None)
