"""Fixtures shared by every test: the fake Bot API, a clean environment, the bundled article."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as bot/__main__.py does: timedelta durations, no warnings

from bot.article import Article, load_article
from tests.botapi.fixtures import fake_api, fake_bot, fake_server

__all__ = ["fake_api", "fake_bot", "fake_server"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No stray BOT_* variables and no .env from the developer's working directory."""
    import os

    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    yield


@pytest.fixture(scope="session")
def article() -> Article:
    """The bundled article, parsed once."""
    return load_article()
