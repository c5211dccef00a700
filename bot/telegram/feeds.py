"""The feed job: the feed source (:class:`~bot.web.poller.FeedPoller`) scheduled into the running bot.

At start-up the articles the feeds gave in earlier runs come back from the store (no fetch);
then every ``BOT_FEED_INTERVAL`` seconds the feeds are polled, what is new or changed goes into
the library and, with ``BOT_AUTO_PUBLISH=true``, to the channel and the subscribers, once: the
channel posts are kept per entry slot and the outbox per article version, both in the store.
A feed's first read is its backlog, stories from before the bot followed it: like files found
at start-up they are swept into the channel but not sent to subscribers as news.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.error import TelegramError
from telegram.ext import Application

from bot.library import Entry
from bot.store.feeds import FeedLog
from bot.telegram.context import BotData, Context
from bot.web.poller import FeedPoller

log = logging.getLogger(__name__)


async def start_feeds(application: Application) -> None:  # type: ignore[type-arg]
    """Serve what the feeds gave before, and schedule the polls (the first one at once)."""
    data: BotData = application.bot_data
    settings, library, store = data.settings, data.library, data.store
    if settings is None or library is None or not settings.feed_urls or application.job_queue is None:
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
    known = poller.known_articles()
    for slot, article in reversed(known):  # oldest first, so the newest version of a slot wins
        library.add(slot, article)
    library.collection = True
    data.feeds = poller
    log.info("feeds: following %d feed(s); %d article(s) from earlier runs", len(poller.urls), len(known))
    application.job_queue.run_repeating(poll_feeds, interval=settings.feed_interval, first=1, name="feeds")


async def stop_feeds(application: Application) -> None:  # type: ignore[type-arg]
    """Close the feeds' HTTP client."""
    data: BotData = application.bot_data
    if data.feeds is not None:
        await data.feeds.aclose()
        data.feeds = None


async def poll_feeds(context: Context) -> None:
    """Job: poll the feeds; add what is new or changed to the library; publish it once with auto-publish."""
    from bot.telegram.app import publish_library, set_commands  # app imports this module

    data = context.bot_data
    poller, library, settings, store = data.feeds, data.library, data.settings, data.store
    if poller is None or library is None or settings is None or store is None:
        return
    app, began_running = context.application, context.application.running
    # a poll that began while the bot ran ends when it stops: PTB's stop() waits for running jobs
    result = await poller.poll(keep_going=lambda: app.running or not began_running)
    fresh: list[Entry] = []
    for found in result.found:
        entry = library.add(found.slot, found.article)
        if not found.backlog:
            fresh.append(entry)
    library.note_problems(poller.problems)
    first = not library.scanned
    library.scanned = library.scanned or library.folder is None  # a library of feeds alone: loaded now
    if result.found:
        indexed = await asyncio.to_thread(library.index_pending)
        log.info("feeds: %d article(s) new or changed (%d indexed)", len(result.found), indexed)
        try:
            await set_commands(context.bot, library)
        except TelegramError as exc:
            log.warning("could not update the command menu: %s", exc.message)
    elif first:
        log.info("feeds: first poll found no article")
    if settings.auto_publish and (result.found or first):
        await publish_library(context.bot, library, settings, store)
