"""The feed job in the running bot: feed articles served, published to the channel and subscribers once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from telegram.ext import CallbackContext

from bot.articles.service import ArticleService
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from bot.telegram.jobs import poll_feeds
from tests.botapi.fake import FakeBotAPI
from tests.pages import STORIES, TEMPLATES, Item, encoded, rss
from tests.telegram.conftest import ADMIN_ID, bot_driver, make_settings
from tests.web.server import Route, Site, serve

CHANNEL_ID = -1001234567
CHANNEL = (CHANNEL_ID, "@news_channel")  # as the bot addresses it
USER = 777


@pytest.fixture
def site() -> Iterator[Site]:
    yield from serve()


def _publish(site: Site, *indexes: int) -> None:
    items = []
    for index in indexes:
        site.routes[f"/news/{index}"] = Route(encoded(TEMPLATES["semantic"](STORIES[index]), "utf-8"))
        items.append(Item(f"urn:{index}", site.url(f"/news/{index}"), STORIES[index]))
    site.routes["/feed"] = Route(rss(items), content_type="application/rss+xml")


def _feeds_alone(settings: Settings) -> ArticleService:
    return ArticleService.from_settings(settings)  # as python -m bot builds it for BOT_FEED_URLS alone


def _settings(fake: FakeBotAPI, site: Site, tmp_path: Path) -> Settings:
    return make_settings(
        fake,
        feed_urls=f"{site.url('/feed')}, {site.url('/down')}",
        feed_interval=30,
        channel_id="@news_channel",
        auto_publish=True,
        db_path=tmp_path / "bot.sqlite3",
    )


def _reviewed(fake: FakeBotAPI, site: Site, tmp_path: Path) -> Settings:
    """:func:`_settings` with BOT_REVIEW and one admin; the feed holds story 0, the second feed is down."""
    fake.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    fake.add_chat(ADMIN_ID)
    site.routes["/down"] = Route(b"", status=503)
    _publish(site, 0)
    return _settings(fake, site, tmp_path).model_copy(update={"review": True, "admin_ids": [ADMIN_ID]})


def _channel_posts(fake: FakeBotAPI) -> list[str]:
    return [call.result["text"] for call in fake.sent("sendMessage") if call.params["chat_id"] in CHANNEL]


async def test_feed_articles_are_served_and_published_exactly_once_across_restarts(
    fake_api: FakeBotAPI, site: Site, tmp_path: Path
) -> None:
    fake_api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    settings = _settings(fake_api, site, tmp_path)
    store = SqliteStore(settings.db_path)
    store.add_subscriber(USER, "ar")
    store.close()
    site.routes["/down"] = Route(b"", status=503)
    _publish(site, 0)

    async with bot_driver(fake_api, settings, _feeds_alone(settings)) as driver:
        jobs = driver.app.job_queue.get_jobs_by_name("feeds") if driver.app.job_queue else ()
        assert len(jobs) == 1
        await driver.send("/latest", user_id=USER)
        assert "قيد التحضير" in driver.texts()[-1]  # asked to wait until the first poll
        await poll_feeds(CallbackContext(driver.app))
        swept = _channel_posts(fake_api)
        assert swept and STORIES[0].title in swept[0]  # the backlog, swept into the channel
        first_posts = len(swept)
        channel_call = next(c for c in fake_api.sent("sendMessage") if c.params["chat_id"] in CHANNEL)
        assert channel_call.params["link_preview_options"]["url"] == STORIES[0].image

        await driver.send("/latest", user_id=USER)
        assert STORIES[0].title in driver.texts()[-1]
        await driver.send("/summary", user_id=USER)
        summary = fake_api.last("sendMessage").params
        assert summary["reply_markup"]["inline_keyboard"][-1][0]["url"] == STORIES[0].url
        await driver.send("/stats", user_id=ADMIN_ID)
        assert site.url("/down") in driver.texts()[-1] and "HTTP 503" in driver.texts()[-1]

        _publish(site, 0, 1)
        await poll_feeds(CallbackContext(driver.app))
        posts = _channel_posts(fake_api)
        assert len([text for text in posts if STORIES[1].title in text]) == 1 and len(posts) > first_posts
        await poll_feeds(CallbackContext(driver.app))
        assert _channel_posts(fake_api) == posts  # nothing twice
        assert driver.app.bot_data.store is not None
        queued = driver.app.bot_data.store.stats()
        assert queued.pending + queued.sending + queued.sent == 2  # each story once (the outbox runs meanwhile)

        # the newsroom corrects the second story: its channel post is edited in place, nothing new is posted
        corrected = replace(STORIES[1], title=STORIES[1].title + " (محدث)")
        site.routes["/news/1"] = Route(encoded(TEMPLATES["semantic"](corrected), "utf-8"))
        items = [Item(f"urn:{n}", site.url(f"/news/{n}"), s) for n, s in ((0, STORIES[0]), (1, corrected))]
        site.routes["/feed"] = Route(rss(items), content_type="application/rss+xml")
        await poll_feeds(CallbackContext(driver.app))
        assert _channel_posts(fake_api) == posts
        edits = [c.result["text"] for c in fake_api.sent("editMessageText") if c.params["chat_id"] in CHANNEL]
        assert any("(محدث)" in text for text in edits)
        now = driver.app.bot_data.store.stats()
        assert now.pending + now.sending + now.sent == 3  # and the subscriber gets the update
        posts = _channel_posts(fake_api)

    async with bot_driver(fake_api, settings, _feeds_alone(settings)) as driver:  # a restart
        library = driver.app.bot_data.registry
        assert library is not None and {e.article.title for e in library.entries()} == {
            STORIES[0].title,
            STORIES[1].title + " (محدث)",
        }  # from the store, before any fetch
        await poll_feeds(CallbackContext(driver.app))
        assert _channel_posts(fake_api) == posts
        assert driver.app.bot_data.store is not None
        again = driver.app.bot_data.store.stats()
        assert again.pending + again.sending + again.sent == 3
    assert site.hits["/news/0"] == 1 and site.hits["/news/1"] == 2


async def test_with_review_a_new_feed_entry_waits_for_an_admin(fake_api: FakeBotAPI, site: Site, tmp_path: Path) -> None:
    """BOT_REVIEW covers the feeds: the backlog is not news, a later entry goes to the admins, and
    nothing reaches the channel before one presses Publish."""
    settings = _reviewed(fake_api, site, tmp_path)
    async with bot_driver(fake_api, settings, _feeds_alone(settings)) as driver:
        await poll_feeds(CallbackContext(driver.app))
        assert _channel_posts(fake_api) == [] and fake_api.chat_messages(ADMIN_ID) == []  # the backlog
        _publish(site, 0, 1)
        await poll_feeds(CallbackContext(driver.app))
        assert _channel_posts(fake_api) == []
        reviews = [m for m in fake_api.chat_messages(ADMIN_ID) if "للمراجعة قبل النشر" in str(m.get("text"))]
        assert len(reviews) == 1 and STORIES[1].title in str(reviews[0]["text"])
        await driver.feed(fake_api.press_button(ADMIN_ID, int(str(reviews[0]["message_id"])), "نشر"))
        posts = _channel_posts(fake_api)
        assert len(posts) >= 1 and STORIES[1].title in posts[0]


async def test_with_review_an_entry_published_while_the_bot_was_down_is_reviewed(
    fake_api: FakeBotAPI, site: Site, tmp_path: Path
) -> None:
    """The first poll after a restart finds only entries the store never had: news, sent for review."""
    settings = _reviewed(fake_api, site, tmp_path)
    async with bot_driver(fake_api, settings, _feeds_alone(settings)) as driver:
        await poll_feeds(CallbackContext(driver.app))  # the backlog: not news
    _publish(site, 0, 1)  # while the bot is down
    async with bot_driver(fake_api, settings, _feeds_alone(settings)) as driver:
        await poll_feeds(CallbackContext(driver.app))
        reviews = [m for m in fake_api.chat_messages(ADMIN_ID) if "للمراجعة قبل النشر" in str(m.get("text"))]
        assert len(reviews) == 1 and STORIES[1].title in str(reviews[0]["text"])
        assert _channel_posts(fake_api) == []
