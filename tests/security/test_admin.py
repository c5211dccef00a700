"""Admin-only commands refuse everyone but the configured admins, and do nothing for them.

The commands are discovered from ``bot.telegram.app.ADMIN_COMMANDS``; without that constant the
module is skipped. A channel the bot administers is configured, so a missing guard would show as a
post (or a deletion) in it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import CommandHandler

from bot.article import Article
from bot.i18n import Language, t
from bot.render.html import visible
from bot.telegram import app as app_module
from bot.telegram.app import build_application
from tests.botapi import FakeBotAPI, InMemoryRequest
from tests.fuzz.conftest import ADMIN_ID, FuzzDriver, make_settings

ADMIN_COMMANDS: tuple[str, ...] | None = getattr(app_module, "ADMIN_COMMANDS", None)
if not ADMIN_COMMANDS:
    pytest.skip("bot.telegram.app has no ADMIN_COMMANDS tuple yet", allow_module_level=True)
assert ADMIN_COMMANDS is not None

CHANNEL_ID = -1009876543210
CHANNEL = "@news_channel"
GROUP = -1001777
SOMEONE = 5003
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}


async def started(fake: FakeBotAPI, article: Article, tmp_path: Path, caplog: Any, **overrides: Any) -> FuzzDriver:
    """The bot with a channel it administers; the caller enters ``driver.app``."""
    fake.add_chat(CHANNEL_ID, "channel", username=CHANNEL[1:], admin=True)
    settings = make_settings(fake, tmp_path, channel_id=CHANNEL, **overrides)
    app = build_application(
        settings, article, request=InMemoryRequest(fake), get_updates_request=InMemoryRequest(fake), rate_limiter=False
    )
    return FuzzDriver(app, fake, caplog)


@pytest_asyncio.fixture
async def bot(
    fake_api: FakeBotAPI, article: Article, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[FuzzDriver]:
    """The bot with one admin (``ADMIN_ID``) and a channel."""
    driver = await started(fake_api, article, tmp_path, caplog)
    async with driver.app:
        if driver.app.post_init is not None:
            await driver.app.post_init(driver.app)
        yield driver
        if driver.app.post_shutdown is not None:
            await driver.app.post_shutdown(driver.app)


def registered_commands(driver: FuzzDriver) -> set[str]:
    """Every command a CommandHandler of the application answers."""
    return {
        command
        for handlers in driver.app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


def as_someone_else(fake: FakeBotAPI, command: str, who: str) -> tuple[dict[str, Any], int, str]:
    """The update of a non-admin sending ``command``; the chat the answer goes to and its language."""
    if who == "private":
        return fake.message_update(f"/{command}", user_id=SOMEONE), SOMEONE, "ar"
    if who == "with arguments":
        return fake.message_update(f"/{command} now --force {ADMIN_ID}", user_id=SOMEONE), SOMEONE, "ar"
    if who == "in English":
        return fake.message_update(f"/{command}", user_id=SOMEONE, language_code="en"), SOMEONE, "en"
    text = f"/{command}@{fake.username}"
    update = fake.message_update(text, user_id=SOMEONE, chat_type="supergroup", chat_id=GROUP)
    if who == "anonymous group admin":
        update["message"]["from"] = ANONYMOUS_ADMIN
        update["message"]["sender_chat"] = update["message"]["chat"]
    return update, GROUP, "ar"


async def test_every_admin_command_is_registered(bot: FuzzDriver) -> None:
    assert ADMIN_COMMANDS is not None
    assert set(ADMIN_COMMANDS) <= registered_commands(bot)


def refusal(lang: Language, user_id: int) -> str:
    """The refusal as the user sees it: it tells them their id, for BOT_ADMIN_IDS."""
    return visible(t(lang, "admin_only", user_id=user_id))


@pytest.mark.parametrize("who", ["private", "with arguments", "in English", "in a group", "anonymous group admin"])
@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_everyone_else_is_refused(bot: FuzzDriver, command: str, who: str) -> None:
    update, chat_id, lang = as_someone_else(bot.fake, command, who)
    already = len(bot.fake.requests())
    await bot.feed(update)
    made = bot.fake.requests()[already:]
    assert [call.method for call in made] == ["sendMessage"]
    assert made[0].params["chat_id"] == chat_id
    assert bot.fake.sent_texts(chat_id)[-1] == refusal(lang, update["message"]["from"]["id"])
    assert bot.fake.chat_messages(CHANNEL_ID) == []
    assert bot.errors() == []


async def test_the_admin_is_served_and_others_cannot_undo_it(bot: FuzzDriver) -> None:
    await bot.send("/publish", user_id=ADMIN_ID)
    assert not bot.fake.sent_texts(ADMIN_ID)[-1].startswith(refusal("ar", ADMIN_ID)[:20])
    posts = bot.fake.chat_messages(CHANNEL_ID)
    assert posts, "the admin's /publish posted to the channel"
    await bot.send("/unpublish", user_id=SOMEONE)
    assert bot.fake.sent_texts(SOMEONE)[-1] == refusal("ar", SOMEONE)
    assert bot.fake.chat_messages(CHANNEL_ID) == posts
    await bot.send("/stats", user_id=ADMIN_ID)
    assert bot.fake.sent_texts(ADMIN_ID)[-1] != refusal("ar", ADMIN_ID)
    await bot.send("/unpublish", user_id=ADMIN_ID)
    assert bot.fake.chat_messages(CHANNEL_ID) == []
    assert bot.errors() == []


async def test_without_configured_admins_nobody_is_admin(
    fake_api: FakeBotAPI, article: Article, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    driver = await started(fake_api, article, tmp_path, caplog, admin_ids=[])
    assert ADMIN_COMMANDS is not None
    async with driver.app:
        if driver.app.post_init is not None:
            await driver.app.post_init(driver.app)
        for command in ADMIN_COMMANDS:
            await driver.send(f"/{command}", user_id=ADMIN_ID)
        if driver.app.post_shutdown is not None:
            await driver.app.post_shutdown(driver.app)
    assert fake_api.sent_texts(ADMIN_ID) == [refusal("ar", ADMIN_ID)] * len(ADMIN_COMMANDS)
    assert fake_api.chat_messages(CHANNEL_ID) == []
