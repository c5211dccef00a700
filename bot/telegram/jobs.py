"""The bot's lifecycle and background work: the article service scheduled, its changes delivered.

``post_init`` opens the store, resumes the outbox, and starts the sources: the first folder scan
at once (then one every ``BOT_LIBRARY_INTERVAL`` seconds), the feeds (the first poll at once, then
every ``BOT_FEED_INTERVAL``), and the load of a large single article. Whatever a refresh finds
new or changed goes to :func:`hand_over`: to the admins first with ``BOT_REVIEW=true``, else with
``BOT_AUTO_PUBLISH=true`` to the channel and the subscribers, each version once (the store keeps
what was published per slot). The command menu follows what the articles quote.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from telegram import Bot, BotCommand, BotCommandScopeDefault
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackContext

from bot.article import lexicon
from bot.article.model import Article
from bot.articles.corrections import ALL, CorrectionBook
from bot.articles.feeds import FeedPoller
from bot.articles.registry import Entry, Registry
from bot.articles.service import ArticleService, Changes
from bot.delivery.channel import channel_problems, deliver
from bot.delivery.outbox import Outbox, outgoing_messages
from bot.delivery.pacing import PacedLimiter, Pacer
from bot.errors import ArticleError, BotError
from bot.i18n import LANGUAGES, Language, t
from bot.settings import Settings
from bot.store.base import Store
from bot.store.corrections import CorrectionLog
from bot.store.feeds import FeedLog
from bot.store.sqlite import SqliteStore
from bot.telegram import review
from bot.telegram.context import BotData, Context

log = logging.getLogger(__name__)

RUNNING_WAIT = 10.0
"""Seconds a fatal load error waits for the bot to be running before it stops it (see load_waiting)."""


def bot_commands(registry: Registry, lang: Language) -> list[BotCommand]:
    """The command menu for one language; organisation shortcuts only for those the articles quote."""
    assert lang in LANGUAGES
    names = ["start", "summary", "full", "quotes"]
    if registry.collection:
        names += ["latest", "list", "search"]
    menu = [BotCommand(name, t(lang, f"cmd_{name}")) for name in names]
    quoted = {statement.org_id for entry in registry.entries() for statement in entry.article.statements}
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


async def set_commands(bot: Bot, registry: Registry) -> None:
    """The command menus, in Arabic (the default) and English."""
    await bot.set_my_commands(bot_commands(registry, "ar"), scope=BotCommandScopeDefault())
    await bot.set_my_commands(bot_commands(registry, "en"), language_code="en")


async def refresh_menu(bot: Bot, registry: Registry) -> None:
    """:func:`set_commands` once articles arrive while running: a failure is logged, not raised."""
    try:
        await set_commands(bot, registry)
    except TelegramError as exc:
        log.warning("could not update the command menu: %s", exc.message)


def _service(data: BotData) -> tuple[ArticleService, Settings]:
    assert data.articles is not None and data.settings is not None
    return data.articles, data.settings


# lifecycle -----------------------------------------------------------------------------


async def post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Open the store, resume the outbox, check the channel, start the sources, set the command menu."""
    data: BotData = application.bot_data
    service, settings = _service(data)
    if data.store is None:
        data.store = SqliteStore(settings.db_path)
    store = data.store
    read_before = service.folder is not None and service.scanned  # before the first scan's task may run
    service.registry.fallback = lambda article_id: _kept_version(store, article_id)
    service.corrector = data.corrections.apply  # applied to every article parsed from now on
    await sync_corrections(data)  # and to those loaded
    # a correction's delivery a stop interrupted is finished once its slot is loaded
    data.corrected.update(data.corrections.slots())
    data.languages.update(
        (user_id, language) for user_id, language in store.languages().items() if language in LANGUAGES
    )
    log.info("starting as @%s (id %d)", application.bot.username, application.bot.id)
    await render_missing(application.bot, store, service.registry)
    limiter = application.bot.rate_limiter
    pacer = limiter.pacer if isinstance(limiter, PacedLimiter) else Pacer()
    outbox = Outbox(application.bot, store, pacer=pacer)  # sends from the store: needs no article in memory
    data.tasks["outbox"] = asyncio.create_task(outbox.serve(settings.outbox_interval), name="outbox")
    if service.folder is not None:  # read at once (not one interval late), then at every interval
        data.tasks["scan"] = asyncio.create_task(_scan_then_schedule(application), name="first-scan")
    problems = await channel_problems(application.bot, settings.channel_id, "en") if settings.channel_id else []
    if problems:
        log.warning("channel %s: %s", settings.channel_id, "; ".join(problems))
    elif settings.auto_publish and not settings.review and read_before:
        await publish_library(application.bot, data)  # a folder read before start
    _start_feeds(application)
    await set_commands(application.bot, service.registry)
    if service.folder is not None or service.feeds is not None:
        log.info("reading %s in the background", service.folder.folder if service.folder else "the feeds")
    else:
        log.info("serving %d article(s)", len(service.registry))
    if data.corrected and service.folder is None and service.feeds is None:  # no refresh job to do it
        data.background("corrections", deliver_corrections(application.bot, data))
    if service.waiting:
        log.info("loading %s in the background; until then users are asked to wait", ", ".join(service.waiting))
        data.tasks["loading"] = asyncio.create_task(load_waiting(application), name="load-articles")


def _kept_version(store: Store, article_id: str) -> Article | None:
    """A version delivered before this process started (a button on an old message)."""
    try:
        text = store.article_json(article_id)
        return Article.from_json(text, path=article_id) if text is not None else None
    except (ArticleError, BotError) as exc:
        log.warning("stored article %s cannot be read: %s", article_id, exc)
        return None


async def post_stop(application: Application) -> None:  # type: ignore[type-arg]
    """Abandon background work still running; stop sending (the outbox lease is released)."""
    data: BotData = application.bot_data
    while data.tasks:
        _name, task = data.tasks.popitem()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    """Stop what post_stop stops, if it has not run, close the feeds' client, then close the store."""
    data: BotData = application.bot_data
    await post_stop(application)  # again, for callers that stop the application without it: tasks go first
    if data.articles is not None:
        await data.articles.aclose()
    if data.store is not None:
        data.store.close()
        data.store = None


# the single article --------------------------------------------------------------------


async def load_waiting(application: Application) -> None:  # type: ignore[type-arg]
    """Task: load the single article the service waits for (a large file the cache does not hold yet).

    The bot polls meanwhile and asks users to wait. A file that turns out not to be an article
    stops the bot with the same one-line error as at start-up.
    """
    data: BotData = application.bot_data
    service, _settings = _service(data)
    try:
        await service.load_waiting()
    except Exception as exc:
        if not isinstance(exc, BotError):
            log.error("unexpected error loading %s", ", ".join(service.waiting), exc_info=exc)
        path = next(iter(service.waiting.values()), "the article")
        data.fatal = str(exc) if isinstance(exc, BotError) else f"{path}: unexpected error"
        deadline = time.monotonic() + RUNNING_WAIT
        while not application.running and time.monotonic() < deadline:
            await asyncio.sleep(0.1)  # stop_running() before the bot runs is only looked at once, early
        application.stop_running()
        return
    await refresh_menu(application.bot, service.registry)


# the folder ----------------------------------------------------------------------------


async def _scan_then_schedule(application: Application) -> None:  # type: ignore[type-arg]
    """Task: the first folder scan, right at start-up; the repeating scan job starts after it.

    A job scheduled to run at once from ``post_init`` would first run one interval late (the
    scheduler starts after ``post_init`` and counts from there), and starting the job only
    after this scan keeps two scans from ever running at once.
    """
    service, settings = _service(application.bot_data)
    try:
        if not service.scanned:  # a caller may have read the folder before starting the bot
            await refresh_library(CallbackContext(application))
    except Exception as exc:  # the next scans still run: a failure of this one is not the folder's end
        log.error("library: the first scan failed: %s", exc, exc_info=not isinstance(exc, BotError))
    finally:
        if application.job_queue is not None:
            interval = settings.library_interval
            application.job_queue.run_repeating(refresh_library, interval=interval, first=interval, name="library")


async def refresh_library(context: Context) -> None:
    """Job: pick up new, changed and removed files, and hand what changed over to delivery.

    The first run reads the whole folder (the bot polls meanwhile). What the store has not
    published in its current version (files added or changed while the bot was down) is then
    published and delivered, exactly once, like a file arriving while the bot runs.
    """
    data = context.bot_data
    service, store = data.articles, data.store
    if service is None or store is None or service.folder is None:
        return
    first = not service.scanned
    data.corrected.update(await sync_corrections(data))
    app, began_running = context.application, context.application.running
    # a scan that began while the bot ran ends when it stops: PTB's stop() waits for running jobs
    changes = await service.refresh(keep_going=lambda: app.running or not began_running)
    if changes.stopped:
        return  # the bot is stopping: no indexing, menu or publishing now
    registry = service.registry
    if first:
        log.info("library: %d article(s) loaded, %d broken file(s) skipped", len(registry), len(registry.broken))
    else:
        for entry in changes.fresh:
            state = "new" if entry in changes.new else "changed"
            log.info("library: %s is %s (%s)", entry.slot, state, entry.article.id)
    await hand_over(context.bot, data, changes, first=first)


# the feeds -----------------------------------------------------------------------------


def _start_feeds(application: Application) -> None:  # type: ignore[type-arg]
    """Serve what the feeds gave before, and schedule the polls (the first one at once)."""
    data: BotData = application.bot_data
    service, settings = _service(data)
    store = data.store
    if not settings.feed_urls or application.job_queue is None:
        return
    if not isinstance(store, FeedLog):
        log.error("feeds: the store %s has no feed tables; BOT_FEED_URLS is ignored", type(store).__name__)
        return
    poller = FeedPoller(
        settings.feed_urls,
        store,
        interval=settings.feed_interval,
        max_summary_sentences=settings.summary_max_sentences,
        max_summary_chars=settings.summary_max_chars,
    )
    known = service.follow(poller)
    log.info("feeds: following %d feed(s); %d article(s) from earlier runs", len(poller.urls), known)
    application.job_queue.run_repeating(poll_feeds, interval=settings.feed_interval, first=1, name="feeds")


async def poll_feeds(context: Context) -> None:
    """Job: poll the feeds, and hand what is new or changed over to delivery.

    A feed's very first read is its backlog, stories from before the bot followed it: like files
    found at start-up they are swept into the channel with auto-publish, and never sent for review.
    Any other entry is news, in the first poll after a restart too.
    """
    data = context.bot_data
    service = data.articles
    if service is None or service.feeds is None or data.store is None:
        return
    first = not service.polled
    if service.folder is None:  # else the folder's scans read them
        data.corrected.update(await sync_corrections(data))
    app, began_running = context.application, context.application.running
    # a poll that began while the bot ran ends when it stops: PTB's stop() waits for running jobs
    changes = await service.poll(keep_going=lambda: app.running or not began_running)
    if changes.fresh:
        log.info("feeds: %d article(s) new or changed", len(changes.fresh))
    elif first:
        log.info("feeds: first poll found no article")
    if changes.fresh or first or data.corrected:
        # every entry a poll finds is one the store never had: news for review, even in the first poll
        # of a run (a feed's very first read, its backlog, excepted)
        await hand_over(context.bot, data, changes, first=first, review_first=True)


# delivery ------------------------------------------------------------------------------


async def hand_over(
    bot: Bot, data: BotData, changes: Changes, *, first: bool = False, review_first: bool = False
) -> None:
    """What a refresh found: indexed for search, the menu updated, then reviewed or published; and
    the corrected articles' published versions brought up to date.

    ``first``: the first read of a source in this run. Files found at start-up are no news to
    review (with auto-publish they are still swept into the channel once); ``review_first``: this
    source's first read holds news all the same (the feeds: a poll only finds entries the store
    never had).
    """
    service, settings = _service(data)
    store = data.store
    assert store is not None
    registry = service.registry
    await render_missing(bot, store, registry)
    indexed = await asyncio.to_thread(registry.index_pending)  # now, so that no search has to build it
    if indexed:
        log.debug("articles: %d indexed for search", indexed)
    if first or changes.fresh:
        await refresh_menu(bot, registry)
    if settings.review:  # an admin decides: nothing is published before
        news = [entry for entry in changes.fresh if entry.slot not in changes.backlog]
        if news and (review_first or not first):
            await review.request_review(bot, settings, news)
    elif settings.auto_publish:
        await publish_library(bot, data)
    if data.corrected:
        await deliver_corrections(bot, data)


async def sync_corrections(data: BotData) -> set[str]:
    """Read the store's corrections (another process may have made some); re-apply those that changed.

    Returns the slots whose articles changed (new versions, to bring their published versions up
    to date). A store without a corrections table has none.
    """
    service, _settings = _service(data)
    store = data.store
    if not isinstance(store, CorrectionLog):
        return set()
    async with data.correcting:  # not while /correct writes the store and the book (its write would be undone)
        try:
            kept = CorrectionBook(await asyncio.to_thread(store.all_corrections, ALL))
        except BotError as exc:
            log.error("corrections: cannot be read: %s", exc)
            return set()
        slots = {*kept.slots(), *data.corrections.slots()}
        touched = {slot for slot in slots if kept.of(slot) != data.corrections.of(slot)}
        data.corrections.replace(kept)
        changed: set[str] = set()
        for slot in touched:
            if service.reapply(slot).changed:
                changed.add(slot)
        return changed


async def deliver_corrections(bot: Bot, data: BotData) -> dict[str, str]:
    """Bring the published version of every corrected slot up to date; what failed, by slot.

    A published article (channel posts, or a version queued for subscribers without a channel)
    whose current version differs from the published one by its corrections alone (the same
    title and text) is delivered again: its posts are edited in place and subscribers get the
    update, whatever ``BOT_AUTO_PUBLISH`` and ``BOT_REVIEW`` say, since an admin made the change.
    A slot leaves :attr:`BotData.corrected` once done, or when this is not its part: never
    published, or its text changed too (it goes out as any change does, reviewed or
    auto-published). A failure is tried again at the next refresh.
    """
    service, settings = _service(data)
    store = data.store
    assert store is not None
    channel = settings.channel_id or ""
    problems: dict[str, str] = {}
    text_changed: list[Entry] = []
    for slot in sorted(data.corrected):  # a correction made meanwhile is in the set for the next call
        async with data.delivering(slot):
            checked = service.registry.current(slot)
            stored = await asyncio.to_thread(store.channel_posts, slot, channel) if checked is not None else None
            published = None
            if stored is not None and stored.article_id:
                published = await asyncio.to_thread(service.registry.get, stored.article_id)
            entry = service.registry.current(slot)  # again: a correction may have come during the reads
            if entry is None or checked is None or entry.article.id != checked.article.id:
                continue  # the set keeps it (if still there) for the call that correction started
            if stored is None or not stored.article_id or stored.article_id == entry.article.id:
                data.corrected.discard(slot)
                continue
            if published is None or (published.title, published.paragraphs) != (
                entry.article.title,
                entry.article.paragraphs,
            ):
                data.corrected.discard(slot)  # its text changed too: published as any change is (review, auto-publish)
                text_changed.append(entry)
                continue
            try:
                await deliver(bot, store, entry.article, settings.channel_id, slot)
            except (BadRequest, Forbidden) as exc:  # the post deleted, the bot removed: no retry will do
                data.corrected.discard(slot)
                problems[slot] = exc.message
                log.warning("corrections: %s cannot be published again: %s", slot, exc.message)
            except TelegramError as exc:
                problems[slot] = exc.message
            except BotError as exc:
                problems[slot] = str(exc)
            else:
                log.info("corrections: %s published again as %s", slot, entry.article.id)
                current = service.registry.current(slot)
                if current is not None and current.article.id == entry.article.id:  # else corrected again meanwhile
                    data.corrected.discard(slot)
    if text_changed and settings.review:  # the corrected version of a change still waiting: reviewed anew
        await review.request_review(bot, settings, text_changed)
    for slot, problem in problems.items():
        if slot in data.corrected:
            log.warning(
                "corrections: %s could not be published again: %s (tried again at the next refresh)", slot, problem
            )
    return problems


async def publish_library(bot: Bot, data: BotData) -> None:
    """Publish every current article the store has not published in its current version.

    The store keeps what was published per slot (the channel posts; without a channel, a record
    of the version queued), so sweeping every entry catches new and changed articles, articles
    added while the bot was down and publications a crash interrupted, and publishes each version
    once. Each slot is published under its lock (:meth:`BotData.delivering`), in the version it
    has at that moment.
    """
    service, settings = _service(data)
    store = data.store
    assert store is not None
    registry = service.registry
    for slot in [entry.slot for entry in registry.entries()]:
        async with data.delivering(slot):
            entry = registry.current(slot)  # now, not when the sweep began: a correction may have made a newer one
            if entry is None:
                continue
            try:
                await deliver(bot, store, entry.article, settings.channel_id, entry.slot)
            except TelegramError as exc:
                log.warning("auto-publish of %s failed: %s (tried again at the next refresh)", entry.slot, exc.message)
            except BotError as exc:
                log.error("auto-publish of %s failed: %s", entry.slot, exc)


async def render_missing(bot: Bot, store: Store, registry: Registry) -> None:
    """Store the messages of rows queued without one (by an older version) whose article is known.

    Rows whose article is not known wait (they are never failed for it); this runs again after
    every refresh.
    """
    for article_id, kind in await asyncio.to_thread(store.missing_messages):
        article = (
            registry.get(article_id)
            if registry.in_memory(article_id)
            else await asyncio.to_thread(registry.get, article_id)
        )
        if article is not None:
            messages = outgoing_messages(article, bot.username, kind)
            await asyncio.to_thread(store.save_messages, article_id, kind, messages)
