"""Handlers: read the update, call render, send. No text is built here."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import BadRequest

from bot.article.model import Article
from bot.errors import NoArticleError
from bot.i18n import Language, read_number
from bot.render import views
from bot.render.inline import INLINE_CACHE_SECONDS, inline_page, inline_results, preparing_button
from bot.render.links import WAITING_PAYLOAD, Link, from_callback, from_payload
from bot.render.markup import SEND_OPTIONS
from bot.render.router import Shelf, open_link
from bot.render.views import View
from bot.telegram.context import Context, language, store_of

log = logging.getLogger(__name__)

SEARCH_RESULTS = 100  # /search pages through at most this many articles, best first


async def _reply(update: Update, view: View) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(view.text, reply_markup=view.keyboard, **view.send_options)


def _open(link: Link, update: Update, context: Context) -> View | None:
    """The view a button or deep link asks for (:func:`bot.render.router.open_link`)."""
    library, searches = context.bot_data.registry, context.bot_data.searches
    shelf = Shelf(
        context.bot_data.article,
        lambda: _library_articles(context),
        search=lambda query: library.search(query, SEARCH_RESULTS) if library is not None else [],
        query=searches.get,
    )
    return open_link(link, language(update, context), shelf)


async def _open_async(link: Link, update: Update, context: Context) -> View | None:
    """:func:`_open`, in a thread when the article must be read from the store (an old version)."""
    registry = context.bot_data.registry
    if registry is None or registry.in_memory(link.article_id):
        return _open(link, update, context)
    return await asyncio.to_thread(_open, link, update, context)


async def start(update: Update, context: Context) -> None:
    """/start, and /start <payload> from a deep link."""
    article, _settings = context.bot_data.require()
    lang = language(update, context)
    if context.args and context.args[0] != WAITING_PAYLOAD:  # that one only opens the chat
        link = from_payload(context.args[0])
        view = await _open_async(link, update, context) if link else None
        if view is not None:
            await _reply(update, view)
            return
        await _reply(update, views.plain(lang, "bad_link"))
    await _reply(update, views.welcome(article, lang))


async def summary(update: Update, context: Context) -> None:
    """/summary."""
    article, _settings = context.bot_data.require()
    await _reply(update, views.summary(article, language(update, context)))


async def full(update: Update, context: Context) -> None:
    """/full [N]: page N of the full text."""
    article, _settings = context.bot_data.require()
    lang = language(update, context)
    number = read_number(context.args[0]) if context.args else 1  # "2", "٢" or "۲"; not "²" or 5,000 digits
    total = views.page_count(article, lang)
    if number is None:
        await _reply(update, views.plain(lang, "bad_page_number"))
    elif not 1 <= number <= total:
        await _reply(update, views.counted(lang, "bad_page", total))
    else:
        await _reply(update, views.full_page(article, lang, number))


def _library_articles(context: Context) -> tuple[Article, ...]:
    library = context.bot_data.registry
    return library.articles() if library is not None else ()


async def quotes(update: Update, context: Context) -> None:
    """/quotes: the menu of sources (across the library when it holds several articles)."""
    article, _settings = context.bot_data.require()
    lang = language(update, context)
    articles = _library_articles(context)
    if len(articles) > 1:
        await _reply(update, views.library_quotes_menu(articles, lang, article.id))
    else:
        await _reply(update, views.quotes_menu(article, lang))


def org_shortcut(org_id: str):  # type: ignore[no-untyped-def]
    """A handler for /<org command> (``/coalition``), from the organisation file."""

    async def shortcut(update: Update, context: Context) -> None:
        """The statements of one organisation."""
        article, _settings = context.bot_data.require()
        lang = language(update, context)
        source = views.source_for_org(article, org_id)
        view = views.source_page(article, lang, source.index) if source else views.plain(lang, "no_statements")
        await _reply(update, view)

    return shortcut


async def help_command(update: Update, context: Context) -> None:
    """/help."""
    article, _settings = context.bot_data.require()
    await _reply(update, views.help_view(article, language(update, context), context.bot.username))


async def about(update: Update, context: Context) -> None:
    """/about."""
    article, _settings = context.bot_data.require()
    await _reply(update, views.about(article, language(update, context)))


async def switch_language(update: Update, context: Context) -> None:
    """/lang: switch between Arabic and English."""
    new: Language = "en" if language(update, context) == "ar" else "ar"
    if update.effective_user is not None:
        context.bot_data.languages[update.effective_user.id] = new
        # off the event loop: a store locked by another process delays this chat only
        await asyncio.to_thread(store_of(context).set_language, update.effective_user.id, new)
    await _reply(update, views.plain(new, "lang_set"))


async def my_id(update: Update, context: Context) -> None:
    """/id: the user's Telegram id (for BOT_ADMIN_IDS), and the chat's id outside a private chat."""
    user, chat = update.effective_user, update.effective_chat
    await _reply(update, views.ids(language(update, context), user.id if user else None, chat.id if chat else None))


async def slow_down(update: Update, context: Context) -> None:
    """A chat over its budget of answers: one notice; it gets no answer until its window opens."""
    view = views.plain(language(update, context), "slow_down")
    if update.callback_query is not None:
        await update.callback_query.answer(view.text, show_alert=True)
    else:
        await _reply(update, view)


async def unknown_command(update: Update, context: Context) -> None:
    """A command this bot does not have."""
    await _reply(update, views.plain(language(update, context), "unknown_command"))


async def hint(update: Update, context: Context) -> None:
    """Any other private message (text, sticker, photo...): point to /help."""
    await _reply(update, views.plain(language(update, context), "unknown"))


async def button(update: Update, context: Context) -> None:
    """Inline keyboard buttons: edit the same message in place."""
    query = update.callback_query
    if query is None:
        return
    lang = language(update, context)
    link = from_callback(query.data)
    view = None
    if link is not None and link.view == "search":  # a search may index articles: in a thread
        view = await asyncio.to_thread(_open, link, update, context)
    elif link is not None and link.view != "noop":
        view = await _open_async(link, update, context)
    if link is not None and link.view == "noop" and await context.bot_data.find(link.article_id) is not None:
        await query.answer()
        return
    if view is None:  # not ours, an older version of the article, or out of range
        await query.answer(views.alert(lang, "stale_button"), show_alert=True)
        return
    await query.answer()  # before the edit, so the client's spinner stops even if the edit fails
    await edit_in_place(update, context, view)


async def edit_in_place(update: Update, context: Context, view: View) -> None:
    """Show ``view`` in the message whose button was pressed; in a new message when that one is out
    of reach (too old for the client to pass on, or deleted meanwhile)."""
    query = update.callback_query
    assert query is not None
    message = query.message
    if message is not None and message.is_accessible:
        try:
            await query.edit_message_text(view.text, reply_markup=view.keyboard, **view.send_options)
            return
        except BadRequest as exc:
            reason = exc.message.lower()
            if "not modified" in reason:
                return
            if "not found" not in reason and "can't be edited" not in reason:
                raise
    if update.effective_user is not None:
        await context.bot.send_message(
            update.effective_user.id, view.text, reply_markup=view.keyboard, **view.send_options
        )


async def latest(update: Update, context: Context) -> None:
    """/latest: the newest article's welcome."""
    article, _settings = context.bot_data.require()
    await _reply(update, views.welcome(article, language(update, context)))


async def list_articles(update: Update, context: Context) -> None:
    """/list [N]: the articles, newest first, a page at a time."""
    article, _settings = context.bot_data.require()
    library = context.bot_data.registry
    assert library is not None
    lang = language(update, context)
    number = read_number(context.args[0]) if context.args else 1
    articles = [entry.article for entry in library.entries()]
    try:
        view = views.article_list(articles, lang, number if number is not None else 0, article.id)
    except IndexError:
        total = max(1, -(-len(articles) // views.LIST_PAGE_SIZE))
        view = views.counted(lang, "bad_list_page", total)
    await _reply(update, view)


async def search(update: Update, context: Context) -> None:
    """/search WORDS: Arabic-aware search over titles, text and speakers."""
    article, _settings = context.bot_data.require()
    library = context.bot_data.registry
    assert library is not None
    lang = language(update, context)
    query = " ".join(context.args or [])[:200]
    if not query.strip():
        await _reply(update, views.plain(lang, "search_usage"))
        return
    found = await asyncio.to_thread(library.search, query, SEARCH_RESULTS)  # may index articles not indexed yet
    context.bot_data.remember_search(views.search_key(query), query)
    await _reply(update, views.search_results(found, lang, query, 1, article.id))


async def inline_query(update: Update, context: Context) -> None:
    """@bot <words> in any chat: the summary and matching statements."""
    query = update.inline_query
    if query is None:
        return
    library = context.bot_data.registry
    lang = language(update, context)
    if library is not None and library.latest() is None:  # nothing to offer yet: say so, and cache nothing
        button = preparing_button(lang) if library.loading else None
        await query.answer([], cache_time=0, is_personal=False, button=button)
        return
    article, _settings = context.bot_data.require()
    results = inline_results(article, query.query, lang, context.bot.username)
    page, next_offset = inline_page(results, query.offset)
    cache_time = 0 if library is not None and library.loading else INLINE_CACHE_SECONDS  # more may come soon
    await query.answer(page, cache_time=cache_time, is_personal=False, next_offset=next_offset)


async def on_error(update: object, context: Context) -> None:
    """Log every unhandled error and tell the user politely; never show them a traceback."""
    empty = isinstance(context.error, NoArticleError)
    if empty:
        log.warning("an update arrived while the library holds no article")
    else:
        log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None and update.effective_chat.type == "private":
        lang = language(update, context) if context.bot_data.settings is not None else "ar"
        try:
            waiting = empty and context.bot_data.registry is not None and context.bot_data.registry.loading
            text = views.plain(lang, ("article_loading" if waiting else "no_article") if empty else "error").text
            await context.bot.send_message(update.effective_chat.id, text, **SEND_OPTIONS)
        except Exception:  # the chat may be gone or Telegram unreachable: logging is all we can do
            log.warning("could not tell the user about the error", exc_info=True)
