"""Pytest fixtures for the fake Bot API. Import them in ``tests/conftest.py``::

    from tests.botapi.fixtures import *  # noqa: F403

* ``fake_api`` -- a fresh :class:`FakeBotAPI`; the test fails at teardown if the bot made any request
  Telegram would refuse (``fake_api.violations`` not empty). Tests that provoke violations on purpose
  should call ``fake_api.take_violations()``.
* ``fake_bot`` -- an initialized ``telegram.Bot`` talking to ``fake_api`` through :class:`InMemoryRequest`.
* ``fake_server`` -- a running :class:`FakeBotAPIServer` (real HTTP on 127.0.0.1) with its own FakeBotAPI
  (``fake_server.api``), checked for violations the same way and always stopped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from telegram import Bot

from tests.botapi.fake import FakeBotAPI
from tests.botapi.http_server import FakeBotAPIServer
from tests.botapi.memory import InMemoryRequest

__all__ = ["fake_api", "fake_bot", "fake_server"]


def _fail_on_violations(api: FakeBotAPI, label: str) -> None:
    if api.violations:
        listing = "\n  ".join(api.violations)
        pytest.fail(f"{label}: the bot made {len(api.violations)} request(s) Telegram would refuse:\n  {listing}")


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    """A fresh in-process fake Telegram; fails the test if any recorded request was invalid."""
    api = FakeBotAPI()
    yield api
    _fail_on_violations(api, "fake_api")


@pytest_asyncio.fixture
async def fake_bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    """An initialized ``telegram.Bot`` wired to ``fake_api`` (``getMe`` already answered)."""
    bot = Bot(fake_api.token, request=InMemoryRequest(fake_api), get_updates_request=InMemoryRequest(fake_api))
    async with bot:
        yield bot


@pytest.fixture
def fake_server() -> Iterator[FakeBotAPIServer]:
    """A started FakeBotAPIServer (stopped at teardown); fails the test on invalid requests."""
    with FakeBotAPIServer() as server:
        yield server
    _fail_on_violations(server.api, "fake_server")
