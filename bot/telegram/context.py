"""Typed shared state: the article service, the settings and the store live in ``bot_data``."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.article.model import Article
from bot.articles.corrections import CorrectionBook
from bot.articles.registry import Registry
from bot.articles.service import ArticleService
from bot.errors import BotError, NoArticleError
from bot.i18n import Language, pick_language
from bot.settings import Settings
from bot.store.base import Store

log = logging.getLogger(__name__)


@dataclass
class BotData:
    """What every handler shares; filled in by :func:`bot.telegram.app.build_application`."""

    articles: ArticleService | None = None
    """Every article served, from every source (:mod:`bot.articles`); scheduled by :mod:`bot.telegram.jobs`."""
    settings: Settings | None = None
    store: Store | None = None
    corrections: CorrectionBook = field(default_factory=CorrectionBook)
    """The admins' corrections: the store's, read at start-up and before every refresh (another
    process may have made one), written through by /correct."""
    corrected: set[str] = field(default_factory=set)
    """Slots whose corrections changed while running: their published version is brought up to date
    (:func:`bot.telegram.jobs.deliver_corrections`), again at every refresh until it is."""
    correcting: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held while corrections change (the store written, the book updated, the article re-applied)
    and while the store's are read again: neither undoes the other."""
    slot_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    """One lock per slot being published, while anyone holds or waits for it (see :meth:`delivering`)."""
    slot_users: dict[str, int] = field(default_factory=dict)
    languages: dict[int, Language] = field(default_factory=dict)
    """Languages users chose with /lang, loaded from the store at start-up and written through."""
    searches: OrderedDict[str, str] = field(default_factory=OrderedDict)
    """Recent /search queries by key, so the result pages' buttons can find them (bounded)."""
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    """Background work started by ``post_init`` (the outbox, the first scan, a large article's load),
    by name; cancelled by ``post_stop``."""
    fatal: str | None = None
    """Why the bot stopped itself (the single article turned out not to be one); the exit's error."""

    @asynccontextmanager
    async def delivering(self, slot: str) -> AsyncIterator[None]:
        """Hold ``slot``'s lock while it is published: a sweep, a correction, a review decision and
        /publish never post the same slot at once (twice), while other slots go on meanwhile. The
        lock goes once nobody holds or waits for it."""
        lock = self.slot_locks.setdefault(slot, asyncio.Lock())
        self.slot_users[slot] = self.slot_users.get(slot, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self.slot_users[slot] -= 1
            if not self.slot_users[slot]:
                del self.slot_users[slot], self.slot_locks[slot]

    def background(self, name: str, work: Coroutine[Any, Any, object]) -> asyncio.Task[None]:
        """Run ``work`` as a task kept in :attr:`tasks` under ``name`` until it ends (``post_stop``
        cancels what is left); a failure is logged, never lost in an unwatched task."""

        async def logged() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("%s failed: %s", name, exc, exc_info=not isinstance(exc, BotError))

        task = asyncio.create_task(logged(), name=name)
        self.tasks[name] = task
        task.add_done_callback(lambda done: self.tasks.pop(name, None) if self.tasks.get(name) is done else None)
        return task

    @property
    def registry(self) -> Registry | None:
        """The articles being served (:attr:`articles`' registry)."""
        return self.articles.registry if self.articles is not None else None

    def require(self) -> tuple[Article, Settings]:
        """The newest article and the settings; :class:`NoArticleError` while the library is empty."""
        registry = self.registry
        assert registry is not None and self.settings is not None
        latest = registry.latest()
        if latest is None:
            raise NoArticleError(None, "articles are still loading" if registry.loading else "no article yet")
        return latest, self.settings

    def remember_search(self, key: str, query: str, keep: int = 1024) -> None:
        """Keep ``query`` under ``key`` for the pager buttons; the oldest searches are forgotten first."""
        self.searches[key] = query
        self.searches.move_to_end(key)
        while len(self.searches) > keep:
            self.searches.popitem(last=False)

    async def find(self, article_id: str) -> Article | None:
        """:meth:`article`, with a store read (an old version) in a thread."""
        registry = self.registry
        if registry is None or registry.in_memory(article_id):
            return self.article(article_id)
        return await asyncio.to_thread(self.article, article_id)

    def article(self, article_id: str) -> Article | None:
        """Any article version served, or delivered before a restart, by id."""
        registry = self.registry
        return registry.get(article_id) if registry is not None else None


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(context=CallbackContext, bot_data=BotData)


def store_of(context: Context) -> Store:
    """The open store (set in ``post_init``)."""
    store = context.bot_data.store
    assert store is not None
    return store


def language(update: Update, context: Context) -> Language:
    """The user's chosen language, else the one of their Telegram client, else the default."""
    user = update.effective_user
    if user is not None and user.id in context.bot_data.languages:
        return context.bot_data.languages[user.id]
    settings = context.bot_data.settings
    assert settings is not None
    return pick_language(user.language_code if user else None, settings.default_language)
