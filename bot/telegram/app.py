"""Application wiring: one factory, every handler registered here, in order, and the run.

The lifecycle and the background jobs (the article service's refreshes, delivery) are in
:mod:`bot.telegram.jobs`.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.article import lexicon
from bot.article.model import Article
from bot.articles.service import ArticleService
from bot.delivery.pacing import PacedLimiter, Pacer
from bot.errors import BotError, ConfigError
from bot.settings import Settings
from bot.store.base import Store
from bot.store.sqlite import SqliteStore
from bot.telegram import corrections, delivery, handlers, jobs, review, webhook
from bot.telegram.context import CONTEXT_TYPES, BotData, Context
from bot.telegram.flood import ChatOrderedProcessor

log = logging.getLogger(__name__)

# One handler group: PTB tries the handlers in order and stops at the first that takes the
# update, so the fallbacks at the end cost nothing for the updates a command already took.
COMMANDS = 0

NEW_MESSAGES = filters.UpdateType.MESSAGE
ADMIN_COMMANDS = ("publish", "preview", "unpublish", "stats", "correct", "uncorrect", "corrections")


def build_application(
    settings: Settings,
    source: Article | ArticleService,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool | BaseRateLimiter[int] = True,
    store: Store | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the bot serving ``source`` (one article, or the article service of the settings' sources).

    Tests pass an in-memory ``request`` (and may pass their own limiter and store).
    """
    if settings.token is None:
        raise ConfigError("no bot token")
    builder = (
        ApplicationBuilder()
        .token(settings.token.get_secret_value())
        .base_url(settings.base_url)
        .context_types(CONTEXT_TYPES)
        # parse_mode is also passed on every call (markup.SEND_OPTIONS); Defaults keep PTB to one
        # copy per inline result instead of three (bench/handlers.py: inline 1.1x the bare bot, not 2.2x)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(jobs.post_init)
        .post_stop(jobs.post_stop)
        .post_shutdown(jobs.post_shutdown)
    )
    # updates of different chats are handled at once, a chat's own in order, a flooding chat held back
    processor = ChatOrderedProcessor()
    builder = builder.concurrent_updates(processor)
    if rate_limiter:  # one pacer for replies, channel posts and the outbox (bot.delivery.pacing)
        limiter = rate_limiter if isinstance(rate_limiter, BaseRateLimiter) else PacedLimiter(Pacer())
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request)
    else:
        builder = builder.read_timeout(settings.send_timeout).write_timeout(settings.send_timeout)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application = builder.build()

    async def notice(update: Update) -> None:
        await flood_notice(application, update)

    processor.on_notice = notice
    processor.keep_going = lambda: application.running
    data: BotData = application.bot_data
    data.articles = source if isinstance(source, ArticleService) else ArticleService.of(source, settings.article_slot)
    data.settings = settings
    data.store = store
    register_handlers(application)
    return application


async def flood_notice(application: Application, update: Update) -> None:  # type: ignore[type-arg]
    """Tell a chat that sends too much to slow down (once a window); a failure is logged, not raised."""
    context: Context = CallbackContext.from_update(update, application)
    try:
        await handlers.slow_down(update, context)
    except TelegramError as exc:
        log.warning("could not tell chat %s to slow down: %s", update.effective_chat and update.effective_chat.id, exc)


def register_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Every handler, in one readable list."""
    commands = [
        ("start", handlers.start),
        ("summary", handlers.summary),
        ("full", handlers.full),
        ("quotes", handlers.quotes),
        ("help", handlers.help_command),
        ("about", handlers.about),
        ("lang", handlers.switch_language),
        ("subscribe", delivery.subscribe),
        ("unsubscribe", delivery.unsubscribe),
        ("publish", delivery.publish_command),
        ("preview", delivery.preview_command),
        ("unpublish", delivery.unpublish_command),
        ("stats", delivery.stats),
        ("correct", corrections.correct),
        ("uncorrect", corrections.uncorrect),
        ("corrections", corrections.corrections),
        ("id", handlers.my_id),
        ("latest", handlers.latest),
        ("list", handlers.list_articles),
        ("search", handlers.search),
    ]
    for org in lexicon.organisations():
        commands.append((org.command, handlers.org_shortcut(org.id)))
    # Buttons and inline queries first: each command handler would otherwise look at every press.
    application.add_handler(CallbackQueryHandler(review.review_button, pattern=review.PATTERN), group=COMMANDS)
    application.add_handler(CallbackQueryHandler(corrections.pager, pattern=corrections.PATTERN), group=COMMANDS)
    application.add_handler(CallbackQueryHandler(handlers.button), group=COMMANDS)
    application.add_handler(InlineQueryHandler(handlers.inline_query), group=COMMANDS)
    for name, callback in commands:
        application.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES), group=COMMANDS)
    # Anything the commands did not take: unknown commands (anywhere they are addressed to us),
    # and any other private message (text, stickers, photos...) gets a hint.
    known = {name for name, _ in commands}
    application.add_handler(
        MessageHandler(NEW_MESSAGES & filters.COMMAND & _UnknownCommand(known), handlers.unknown_command),
        group=COMMANDS,
    )
    application.add_handler(
        MessageHandler(NEW_MESSAGES & filters.ChatType.PRIVATE & ~filters.COMMAND, handlers.hint),
        group=COMMANDS,
    )
    application.add_error_handler(handlers.on_error)


class _UnknownCommand(filters.MessageFilter):
    """A /command we do not have: in private chats any, in groups only when addressed to us."""

    def __init__(self, known: set[str]) -> None:
        super().__init__(name="UnknownCommand")
        self.known = known

    def filter(self, message: Message) -> bool:
        text = message.text or ""
        command, _, target = text.split(maxsplit=1)[0][1:].partition("@") if text.startswith("/") else ("", "", "")
        if command.lower() in self.known:
            return False
        if message.chat.type == "private":
            return True
        username = message.get_bot().username if message.get_bot() else None
        return bool(target) and target.lower() == (username or "").lower()


def run(settings: Settings, source: Article | ArticleService) -> None:
    """Run until interrupted: long polling by default, or a webhook server (with ``GET /healthz``).

    The store is opened first, so a damaged or unreadable one stops the start with one line.
    """
    application = build_application(settings, source, store=SqliteStore(settings.db_path))
    if settings.mode == "webhook":
        webhook.run(application, settings)  # PTB's run_webhook, plus GET /healthz
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    fatal = application.bot_data.fatal
    if fatal:
        raise BotError(fatal)
