"""Fake Telegram Bot API for tests: spec checker, HTML rules, in-process fake, PTB request and HTTP server.

Public entry points::

    from tests.botapi import FakeBotAPI, InMemoryRequest, FakeBotAPIServer, check_request, check_html
"""

from __future__ import annotations

from tests.botapi.fake import DEFAULT_TOKEN, DEFAULT_USER_ID, DEFAULT_USERNAME, Call, FakeBotAPI
from tests.botapi.faults import FakeResponse, RateStats
from tests.botapi.html_rules import check_html, parse_html, visible_text
from tests.botapi.http_server import FakeBotAPIServer
from tests.botapi.memory import InMemoryRequest
from tests.botapi.spec import check_request, find_problems, load_spec

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "DEFAULT_USER_ID",
    "Call",
    "FakeBotAPI",
    "FakeBotAPIServer",
    "FakeResponse",
    "InMemoryRequest",
    "RateStats",
    "check_html",
    "check_request",
    "find_problems",
    "load_spec",
    "parse_html",
    "visible_text",
]
