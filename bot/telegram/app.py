"""Application wiring: one factory, every handler registered here, in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from telegram import Bot, BotCommand, BotCommandScopeDefault, Message, Update
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
from bot.article.worker import ParseWorker
from bot.delivery.channel import channel_problems, publish
from bot.delivery.outbox import Outbox, outgoing_messages
from bot.delivery.pacing import PacedLimiter, Pacer
from bot.errors import BotError, ConfigError
from bot.i18n import LANGUAGES, Language, t
from bot.library import Library
from bot.settings import Settings
from bot.store.base import DeliveryKind, Store
from bot.store.sqlite import SqliteStore
from bot.telegram import delivery, handlers, review, webhook
from bot.telegram.context import CONTEXT_TYPES, BotData, Context
from bot.telegram.feeds import start_feeds, stop_feeds
from bot.telegram.flood import ChatOrderedProcessor

log = logging.getLogger(__name__)

RUNNING_WAIT = 10.0
"""Seconds a fatal load error waits for the bot to be running before it stops it (see load_waiting)."""

# One handler group: PTB tries the handlers in order and stops at the first that takes the
# update, so the fallbacks at the end cost nothing for the updates a command already took.
COMMANDS = 0

NEW_MESSAGES = filters.UpdateType.MESSAGE
ADMIN_COMMANDS = ("publish", "preview", "unpublish", "stats")


def bot_commands(library: Library, lang: Language) -> list[BotCommand]:
    """The command menu for one language; organisation shortcuts only for those the articles quote."""
    assert lang in LANGUAGES
    names = ["start", "summary", "full", "quotes"]
    if library.collection:
        names += ["latest", "list", "search"]
    menu = [BotCommand(name, t(lang, f"cmd_{name}")) for name in names]
    quoted = {statement.org_id for entry in library.entries() for statement in entry.article.statements}
    for org in lexicon.organisations():
        if org.id in quoted:
            key = f"cmd_{org.command}"
            label = t(lang, "org_statements_of", name=org.name if lang == "ar" else org.english)
            try:
                label = t(lang, key)
            except KeyError:
                pass
            menu.append(BotCommand(org.command, label[:256]))
    menu += [BotCommand(name, t(lang, f"cmd_{name}")) for name in ("subscribe", "unsubscribe", "help", "about", "lang")]
    return menu


async def post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Open the store, resume the outbox, check the channel, and set the command menu (ar, en)."""
    data: BotData = application.bot_data
    assert data.library is not None and data.settings is not None
    library, settings = data.library, data.settings
    if data.store is None:
        data.store = SqliteStore(settings.db_path)
    if data.worker is None:
        data.worker = ParseWorker(
            settings.cache_dir,
            max_summary_sentences=settings.summary_max_sentences,
            max_summary_chars=settings.summary_max_chars,
            max_bytes=settings.max_article_bytes,
        )
    store = data.store
    data.languages.update(
        (user_id, language) for user_id, language in store.languages().items() if language in LANGUAGES
    )
    log.info("starting as @%s (id %d)", application.bot.username, application.bot.id)
    await render_missing(application.bot, store, library)
    limiter = application.bot.rate_limiter
    pacer = limiter.pacer if isinstance(limiter, PacedLimiter) else Pacer()
    outbox = Outbox(application.bot, store, pacer=pacer)  # sends from the store: needs no article in memory
    data.extra["outbox"] = asyncio.create_task(outbox.serve(settings.outbox_interval), name="outbox")
    if library.folder is not None:  # read at once (not one interval late), then at every interval
        data.extra["scan"] = asyncio.create_task(_scan_then_schedule(application), name="first-scan")
    if settings.channel_id:
        problems = await channel_problems(application.bot, settings.channel_id, "en")
        if problems:
            log.warning("channel %s: %s", settings.channel_id, "; ".join(problems))
        elif settings.auto_publish and not settings.review and library.folder is not None and library.scanned:
            await publish_library(application.bot, library, settings, store)
    await start_feeds(application)
    await set_commands(application.bot, library)
    if library.scanned:
        log.info("serving %d article(s); %d broken file(s) skipped", len(library), len(library.broken))
    else:
        log.info("reading %s in the background", library.folder or "the feeds")
    if library.waiting:
        log.info("loading %s in the background; until then users are asked to wait", ", ".join(library.waiting))
        data.extra["loading"] = asyncio.create_task(load_waiting(application), name="load-articles")


async def _scan_then_schedule(application: Application) -> None:  # type: ignore[type-arg]
    """Task: the first library scan, right at start-up; the repeating scan job starts after it.

    A job scheduled to run at once from ``post_init`` would first run one interval late (the
    scheduler starts after ``post_init`` and counts from there), and starting the job only
    after this scan keeps two scans from ever running at once.
    """
    data: BotData = application.bot_data
    assert data.library is not None and data.settings is not None
    if not data.library.scanned:
        await refresh_library(CallbackContext(application))
    if application.job_queue is not None:
        interval = data.settings.library_interval
        application.job_queue.run_repeating(refresh_library, interval=interval, first=interval, name="library")


async def set_commands(bot: Bot, library: Library) -> None:
    """The command menus, in Arabic (the default) and English."""
    await bot.set_my_commands(bot_commands(library, "ar"), scope=BotCommandScopeDefault())
    await bot.set_my_commands(bot_commands(library, "en"), language_code="en")


async def _refresh_menu(bot: Bot, library: Library) -> None:
    """:func:`set_commands` once articles arrive while running: a failure is logged, not raised."""
    try:
        await set_commands(bot, library)
    except TelegramError as exc:
        log.warning("could not update the command menu: %s", exc.message)


async def load_waiting(application: Application) -> None:  # type: ignore[type-arg]
    """Task: load the articles the library waits for (a large article the cache does not hold yet).

    The bot polls meanwhile and asks users to wait. A file that turns out not to be an article
    stops the bot with the same one-line error as at start-up.
    """
    data: BotData = application.bot_data
    assert data.library is not None and data.worker is not None
    library, worker = data.library, data.worker
    for slot, path in list(library.waiting.items()):
        started = time.monotonic()
        try:
            article = await worker.load(path)
        except Exception as exc:
            if not isinstance(exc, BotError):
                log.error("unexpected error loading %s", slot, exc_info=exc)
            data.extra["fatal"] = str(exc) if isinstance(exc, BotError) else f"{path}: unexpected error"
            deadline = time.monotonic() + RUNNING_WAIT
            while not application.running and time.monotonic() < deadline:
                await asyncio.sleep(0.1)  # stop_running() before the bot runs is only looked at once, early
            application.stop_running()
            return
        library.add(slot, article)
        log.info("article %s (%s) ready after %.1f s", slot, article.id, time.monotonic() - started)
    await _refresh_menu(application.bot, library)


async def post_stop(application: Application) -> None:  # type: ignore[type-arg]
    """Abandon a background load that is still running; stop sending (the outbox lease is released)."""
    data: BotData = application.bot_data
    for name in ("loading", "scan", "outbox"):
        task = data.extra.pop(name, None)
        if isinstance(task, asyncio.Task) and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def render_missing(bot: Bot, store: Store, library: Library) -> None:
    """Store the messages of rows queued without one (by an older version) whose article is loaded.

    Rows whose article is not loaded wait (they are never failed for it); this runs again after
    every library scan.
    """
    for article_id, kind in await asyncio.to_thread(store.missing_messages):
        article = library.get(article_id)
        if article is not None:
            messages = outgoing_messages(article, bot.username, kind)
            await asyncio.to_thread(store.save_messages, article_id, kind, messages)


async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    """Stop what post_stop stops, if it has not run, then close the store."""
    data: BotData = application.bot_data
    await post_stop(application)  # again, for callers that stop the application without it: tasks go first
    await stop_feeds(application)
    if data.store is not None:
        data.store.close()
        data.store = None


async def refresh_library(context: Context) -> None:
    """Job: pick up new and changed files; with auto-publish on, make sure each is published once.

    The first run reads the whole folder (the bot polls meanwhile). What the store has not
    published in its current version (files added or changed while the bot was down) is then
    published and delivered, exactly once, like a file arriving while the bot runs.
    """
    data = context.bot_data
    library, settings, store = data.library, data.settings, data.store
    if library is None or settings is None or store is None:
        return
    first = not library.scanned
    if data.worker is not None:
        app, began_running = context.application, context.application.running
        # a scan that began while the bot ran ends when it stops: PTB's stop() waits for running jobs
        changes = await library.refresh_async(data.worker, keep_going=lambda: app.running or not began_running)
        if changes.stopped:
            return  # the bot is stopping: no indexing, menu or publishing now
    else:
        changes = library.refresh()
    await render_missing(context.bot, store, library)
    indexed = await asyncio.to_thread(library.index_pending)  # now, so that no search has to build it
    if indexed:
        log.debug("library: %d article(s) indexed for search", indexed)
    if first:
        log.info("library: %d article(s) loaded, %d broken file(s) skipped", len(library), len(library.broken))
        await _refresh_menu(context.bot, library)
    else:
        for entry in [*changes.new, *changes.changed]:
            state = "new" if entry in changes.new else "changed"
            log.info("library: %s is %s (%s)", entry.slot, state, entry.article.id)
    if settings.review:  # an admin decides: nothing is published before
        if not first:
            await review.request_review(context.bot, settings, [*changes.new, *changes.changed])
    elif settings.auto_publish:
        await publish_library(context.bot, library, settings, store)


async def publish_library(bot: Bot, library: Library, settings: Settings, store: Store) -> None:
    """Publish every current article the store has not published in its current version.

    The store keeps what was published per file (the channel posts; without a channel, a record
    of the version queued), so sweeping every entry catches new and changed files, files added
    while the bot was down and publications a crash interrupted, and publishes each version once.
    """
    channel = settings.channel_id or ""
    for entry in library.entries():
        try:
            stored = await asyncio.to_thread(store.channel_posts, entry.slot, channel)
            if stored is not None and stored.article_id == entry.article.id:
                continue
            if settings.channel_id:
                await publish(bot, store, entry.article, settings.channel_id, entry.slot)
            else:
                kind: DeliveryKind = "new" if stored is None else "update"
                messages = outgoing_messages(entry.article, bot.username, kind)
                await asyncio.to_thread(store.enqueue, entry.slot, entry.article.id, kind, messages)
                await asyncio.to_thread(store.save_channel_posts, entry.slot, "", entry.article.id, [])
        except TelegramError as exc:
            log.warning("auto-publish of %s failed: %s (tried again at the next scan)", entry.slot, exc.message)
        except BotError as exc:
            log.error("auto-publish of %s failed: %s", entry.slot, exc)


def build_application(
    settings: Settings,
    source: Article | Library,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool | BaseRateLimiter[int] = True,
    store: Store | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the bot for ``article``; tests pass an in-memory ``request`` (and may pass their own limiter)."""
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
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
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
    library = source if isinstance(source, Library) else Library.of(source, settings.article_slot)
    data.library = library
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
        ("id", handlers.my_id),
        ("latest", handlers.latest),
        ("list", handlers.list_articles),
        ("search", handlers.search),
    ]
    for org in lexicon.organisations():
        commands.append((org.command, handlers.org_shortcut(org.id)))
    # Buttons and inline queries first: each command handler would otherwise look at every press.
    application.add_handler(CallbackQueryHandler(review.review_button, pattern=review.PATTERN), group=COMMANDS)
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


def run(settings: Settings, source: Article | Library) -> None:
    """Run until interrupted: long polling by default, or a webhook server (with ``GET /healthz``).

    The store is opened first, so a damaged or unreadable one stops the start with one line.
    """
    application = build_application(settings, source, store=SqliteStore(settings.db_path))
    if settings.mode == "webhook":
        webhook.run(application, settings)  # PTB's run_webhook, plus GET /healthz
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    fatal = application.bot_data.extra.get("fatal")
    if fatal:
        raise BotError(fatal)
