from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.article import Article
from bot.render.channel import channel_posts
from bot.render.html import visible
from bot.store.sqlite import SqliteStore
from bot.telegram.app import ADMIN_COMMANDS
from tests.botapi.fake import FakeBotAPI

from .conftest import ADMIN_ID, Driver, bot_driver, make_settings

CHANNEL_ID = -1009876543
USER = 3003


@pytest_asyncio.fixture
async def channel_driver(fake_api: FakeBotAPI, article: Article, tmp_path: Path) -> AsyncIterator[Driver]:
    fake_api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    settings = make_settings(fake_api, channel_id="@news_channel", db_path=tmp_path / "bot.sqlite3")
    async with bot_driver(fake_api, settings, article) as driver:
        yield driver


def store_of(driver: Driver) -> SqliteStore:
    store = driver.app.bot_data.store
    assert isinstance(store, SqliteStore)
    return store


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_admin_commands_refuse_everyone_else(channel_driver: Driver, command: str) -> None:
    await channel_driver.send(f"/{command}", user_id=USER)
    refusal = channel_driver.texts()[-1]
    assert refusal.startswith("هذا الأمر للمشرفين فقط.") and f"رقمك على تيليغرام {USER}" in refusal  # for BOT_ADMIN_IDS
    await channel_driver.send(f"/{command}", user_id=USER, chat_type="supergroup", chat_id=-77)
    refusal = channel_driver.texts()[-1]
    assert refusal.startswith("هذا الأمر للمشرفين فقط.") and f"رقمك على تيليغرام {USER}" in refusal  # for BOT_ADMIN_IDS
    assert channel_driver.fake.chat_messages(CHANNEL_ID) == []


async def test_subscribe_and_unsubscribe(channel_driver: Driver) -> None:
    await channel_driver.send("/subscribe", user_id=USER)
    assert "تم الاشتراك" in channel_driver.texts()[-1]
    await channel_driver.send("/subscribe", user_id=USER)
    assert "مشترك بالفعل" in channel_driver.texts()[-1]
    assert store_of(channel_driver).is_subscribed(USER)
    await channel_driver.send("/unsubscribe", user_id=USER)
    assert "تم إلغاء الاشتراك" in channel_driver.texts()[-1]
    await channel_driver.send("/unsubscribe", user_id=USER)
    assert "غير مشترك" in channel_driver.texts()[-1]
    await channel_driver.send("/subscribe", user_id=USER, chat_type="group", chat_id=-55)
    assert "محادثة خاصة" in channel_driver.texts()[-1]
    assert store_of(channel_driver).stats().subscribers == 0


async def test_publish_once_stats_and_unpublish(channel_driver: Driver) -> None:
    fake = channel_driver.fake
    await channel_driver.send("/subscribe", user_id=USER)
    await channel_driver.send("/publish", user_id=ADMIN_ID)
    assert "تم نشر الخبر في القناة" in channel_driver.texts()[-1]
    posts = len(fake.chat_messages(CHANNEL_ID))
    assert posts >= 1
    await channel_driver.send("/publish", user_id=ADMIN_ID)
    assert "لم يتغير" in channel_driver.texts()[-1]
    assert len(fake.chat_messages(CHANNEL_ID)) == posts
    await channel_driver.send("/stats", user_id=ADMIN_ID)
    stats = channel_driver.texts()[-1]
    assert "المشتركون: 1" in stats and "رسائل بانتظار الإرسال: 1" in stats
    await channel_driver.send("/unpublish", user_id=ADMIN_ID)
    assert f"تم حذف {posts} منشورات" in channel_driver.texts()[-1]
    assert fake.chat_messages(CHANNEL_ID) == []


async def test_publish_says_what_is_missing(channel_driver: Driver) -> None:
    channel_driver.fake.set_admin(CHANNEL_ID, False)
    await channel_driver.send("/publish", user_id=ADMIN_ID)
    text = channel_driver.texts()[-1]
    assert "لا يمكن النشر في القناة" in text
    assert channel_driver.fake.chat_messages(CHANNEL_ID) == []


async def test_publish_without_channel(fake_api: FakeBotAPI, article: Article, tmp_path: Path) -> None:
    settings = make_settings(fake_api, db_path=tmp_path / "bot.sqlite3")
    async with bot_driver(fake_api, settings, article) as driver:
        await driver.send("/publish", user_id=ADMIN_ID)
        assert "BOT_CHANNEL_ID" in driver.texts()[-1]


async def test_running_bot_delivers_outbox_to_subscribers(
    fake_api: FakeBotAPI, article: Article, tmp_path: Path
) -> None:
    import asyncio

    fake_api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    settings = make_settings(
        fake_api, channel_id="@news_channel", db_path=tmp_path / "bot.sqlite3", outbox_interval=0.05
    )
    async with bot_driver(fake_api, settings, article) as driver:
        await driver.app.start()  # starts the job queue, which drains the outbox
        for user in (USER, USER + 1):
            await driver.send("/subscribe", user_id=user)
        await driver.send("/publish", user_id=ADMIN_ID)
        for _ in range(200):
            if store_of(driver).stats().sent == 2:
                break
            await asyncio.sleep(0.05)
        await driver.app.stop()
    delivered = [c for c in fake_api.sent("sendMessage") if "خبر جديد" in c.result["text"]]
    assert sorted(c.result["chat"]["id"] for c in delivered) == [USER, USER + 1]


async def test_preview_sends_the_channel_post_to_the_admin_only(channel_driver: Driver) -> None:
    fake = channel_driver.fake
    await channel_driver.send("/preview", user_id=ADMIN_ID)
    to_admin = fake.sent_texts(ADMIN_ID)
    posts = channel_posts(channel_driver.app.bot_data.require()[0], "ar", fake.bot_user["username"])
    assert to_admin[0].startswith("معاينة منشور القناة") and to_admin[1:] == [visible(p.text) for p in posts]
    previews = [c for c in fake.sent("sendMessage") if c.result["chat"]["id"] == ADMIN_ID and "أبرز التصريحات" in c.result["text"]]
    assert len(previews) == 1 and previews[0].result["reply_markup"]["inline_keyboard"][0][0]["url"].startswith("https://t.me/")
    assert fake.chat_messages(CHANNEL_ID) == []
    assert store_of(channel_driver).channel_posts("bundled", "@news_channel") is None  # nothing recorded as published
    await channel_driver.send("/preview", user_id=USER)
    assert channel_driver.texts()[-1].startswith("هذا الأمر للمشرفين فقط.")
