"""A real Application over the in-memory fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest_asyncio
from telegram import Update
from telegram.ext import Application

from bot.article import Article
from bot.articles.service import ArticleService
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.jobs import post_init, post_shutdown
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


@asynccontextmanager
async def bot_driver(fake: FakeBotAPI, settings: Settings, source: Article | ArticleService) -> AsyncIterator[Driver]:
    """The bot as ``python -m bot`` builds it (no rate limiter) over ``fake``: post_init run, post_shutdown on exit."""
    app = build_application(
        settings, source, request=InMemoryRequest(fake), get_updates_request=InMemoryRequest(fake), rate_limiter=False
    )
    async with app:
        await post_init(app)
        try:
            yield Driver(app, fake)
        finally:
            await post_shutdown(app)


@pytest_asyncio.fixture
async def driver(fake_api: FakeBotAPI, article: Article) -> AsyncIterator[Driver]:
    """The bot serving the bundled article."""
    async with bot_driver(fake_api, make_settings(fake_api), article) as running:
        yield running
