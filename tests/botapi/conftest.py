"""Make the fake Bot API fixtures available to the tests of tests/botapi itself."""

from __future__ import annotations

from tests.botapi.fixtures import fake_api, fake_bot, fake_server

__all__ = ["fake_api", "fake_bot", "fake_server"]
