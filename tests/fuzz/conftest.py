"""A real Application over the in-memory fake, for feeding it updates Telegram rarely or never sends.

The same wiring as ``tests/telegram/conftest.py`` (copied, small, so the fuzz tests do not depend on
that fixture's details): settings with one admin, the store in the test's temporary directory, no
rate limiter, ``post_init`` run. :class:`FuzzDriver` also tells which log records reached ERROR,
which is how the application's error handler (:func:`bot.telegram.handlers.on_error`) reports an
exception that escaped a handler.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update
from telegram.ext import Application

from bot.article import Article
from bot.settings import Settings
from bot.telegram.app import build_application
from tests.botapi.fake import FakeBotAPI
from tests.botapi.memory import InMemoryRequest

ADMIN_ID = 4242
PTBApp = Application  # type: ignore[type-arg]


class FuzzDriver:
    """Feeds update dicts to the application and inspects what came out."""

    def __init__(self, app: PTBApp, fake: FakeBotAPI, caplog: pytest.LogCaptureFixture) -> None:
        self.app = app
        self.fake = fake
        self.caplog = caplog

    async def feed(self, update: dict[str, Any]) -> None:
        """Hand one update to the application, as the updater would."""
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def send(self, text: str, **kwargs: Any) -> None:
        """A message update built by the fake (so replies to it are known)."""
        await self.feed(self.fake.message_update(text, **kwargs))

    def errors(self) -> list[str]:
        """Log records at ERROR or above so far (an exception escaped a handler)."""
        return [
            f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else f"{r.name}: {r.getMessage()}"
            for r in self.caplog.records
            if r.levelno >= logging.ERROR
        ]

    def outgoing(self) -> int:
        """How many requests the bot has made."""
        return len(self.fake.requests())


def make_settings(fake: FakeBotAPI, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for tests: the fake's token, one admin, the store under ``tmp_path``."""
    values: dict[str, Any] = {
        "token": fake.token,
        "admin_ids": [ADMIN_ID],
        "base_url": "http://127.0.0.1:9/bot",
        "db_path": tmp_path / "bot.sqlite3",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest_asyncio.fixture
async def fuzz(
    fake_api: FakeBotAPI, article: Article, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[FuzzDriver]:
    """The bot as built for production (minus the rate limiter), started, over ``fake_api``."""
    caplog.set_level(logging.INFO)
    app = build_application(
        make_settings(fake_api, tmp_path),
        article,
        request=InMemoryRequest(fake_api),
        get_updates_request=InMemoryRequest(fake_api),
        rate_limiter=False,
    )
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        try:
            yield FuzzDriver(app, fake_api, caplog)
        finally:
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
