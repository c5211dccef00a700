"""BOT_REVIEW: a new article goes to the admins first; nothing is published before one presses Publish."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from telegram.ext import CallbackContext

from bot.articles.service import ArticleService
from bot.render.links import Link, to_callback
from bot.store.sqlite import SqliteStore
from bot.telegram.jobs import refresh_library
from tests.article.conftest import OTHER_OUTLET
from tests.botapi.fake import FakeBotAPI

from .conftest import ADMIN_ID, Driver, bot_driver, make_settings

BUNDLED = (Path(__file__).resolve().parents[2] / "bot" / "data" / "article.txt").read_text("utf-8")
CHANNEL_ID = -1004444
SUBSCRIBER = 7007
OTHER_ADMIN = 4343
NEW_TITLE = "وزير الداخلية يحذر"


@pytest_asyncio.fixture
async def review_driver(fake_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Driver]:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "hasakah.txt").write_text(BUNDLED, "utf-8")
    fake_api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    for admin in (ADMIN_ID, OTHER_ADMIN):
        fake_api.add_chat(admin)
    settings = make_settings(
        fake_api, library_dir=folder, auto_publish=True, review=True, channel_id="@news_channel",
        admin_ids=[ADMIN_ID, OTHER_ADMIN], db_path=tmp_path / "bot.sqlite3",
    )
    library = ArticleService(folder=folder)
    library.refresh_now()
    async with bot_driver(fake_api, settings, library) as driver:
        await driver.send("/subscribe", user_id=SUBSCRIBER)
        new_text = OTHER_OUTLET.replace("2023/05/14", "2024/06/01").replace("وزير الخارجية يحذر", NEW_TITLE)
        (folder / "new.txt").write_text(new_text, "utf-8")
        for _ in range(2):  # a new file is news once it is stable: the same size and time at two scans
            await refresh_library(CallbackContext(driver.app))
        yield driver


def review_message(driver: Driver, admin: int) -> dict[str, object]:
    messages = [m for m in driver.fake.chat_messages(admin) if "للمراجعة قبل النشر" in str(m.get("text"))]
    assert len(messages) == 1
    return messages[0]


def queued(driver: Driver) -> int:
    """Deliveries queued, whatever the outbox (running meanwhile) has done with them yet."""
    stats = store(driver).stats()
    return stats.pending + stats.sending + stats.sent


def store(driver: Driver) -> SqliteStore:
    found = driver.app.bot_data.store
    assert isinstance(found, SqliteStore)
    return found


async def test_nothing_is_published_before_an_admin_says_so(review_driver: Driver) -> None:
    fake = review_driver.fake
    for admin in (ADMIN_ID, OTHER_ADMIN):
        message = review_message(review_driver, admin)
        assert NEW_TITLE in str(message["text"]) and "(new.txt)" in str(message["text"])
    assert fake.chat_messages(CHANNEL_ID) == []  # not even the article found at start-up is swept out
    assert queued(review_driver) == 0
    message = review_message(review_driver, ADMIN_ID)
    await review_driver.feed(fake.press_button(ADMIN_ID, int(str(message["message_id"])), "نشر"))
    posts = fake.chat_messages(CHANNEL_ID)
    assert posts and NEW_TITLE in posts[0]["text"]
    assert queued(review_driver) == 1  # the subscriber's copy, queued
    decided = review_message(review_driver, ADMIN_ID)
    assert "نُشر" in str(decided["text"]) and not decided.get("reply_markup")
    # the other admin presses Publish later: nothing is posted twice
    other = review_message(review_driver, OTHER_ADMIN)
    await review_driver.feed(fake.press_button(OTHER_ADMIN, int(str(other["message_id"])), "نشر"))
    assert len(fake.chat_messages(CHANNEL_ID)) == len(posts) and queued(review_driver) == 1


async def test_skip_publishes_nothing_and_others_cannot_decide(review_driver: Driver) -> None:
    fake = review_driver.fake
    message = review_message(review_driver, ADMIN_ID)
    article_id = review_driver.app.bot_data.require()[0].id
    data = to_callback(Link("review", article_id, "p"))
    await review_driver.feed(fake.callback_query_update(data, int(str(message["message_id"])), SUBSCRIBER))
    assert fake.last("answerCallbackQuery").params.get("show_alert") is True
    assert fake.chat_messages(CHANNEL_ID) == []
    await review_driver.feed(fake.press_button(ADMIN_ID, int(str(message["message_id"])), "تخطي"))
    assert "تُخطّي" in str(review_message(review_driver, ADMIN_ID)["text"])
    assert fake.chat_messages(CHANNEL_ID) == [] and queued(review_driver) == 0
