"""A real Application over the in-memory fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from telegram import Update
from telegram.ext import Application

from bot.article import Article
from bot.settings import Settings
from bot.telegram.app import build_application, post_init
from tests.botapi.fake import FakeBotAPI
from tests.botapi.memory import InMemoryRequest

ADMIN_ID = 4242


def make_settings(fake: FakeBotAPI, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"token": fake.token, "admin_ids": [ADMIN_ID], "base_url": "http://127.0.0.1:9/bot"}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Driver:
    """Feeds updates from the fake to the application, as Telegram would."""

    def __init__(self, app: Application, fake: FakeBotAPI) -> None:  # type: ignore[type-arg]
        self.app = app
        self.fake = fake

    async def feed(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def send(self, text: str, **kwargs: Any) -> None:
        await self.feed(self.fake.message_update(text, **kwargs))

    def texts(self) -> list[str]:
        return self.fake.sent_texts()


@pytest_asyncio.fixture
async def driver(fake_api: FakeBotAPI, article: Article) -> AsyncIterator[Driver]:
    app = build_application(
        make_settings(fake_api),
        article,
        request=InMemoryRequest(fake_api),
        get_updates_request=InMemoryRequest(fake_api),
        rate_limiter=False,
    )
    async with app:
        await post_init(app)
        yield Driver(app, fake_api)
