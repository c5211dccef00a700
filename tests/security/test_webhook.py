"""Webhook mode accepts updates only with the secret token (in-process; the process test is in tests/telegram).

``bot.telegram.app.run`` is called with ``Application.run_webhook`` replaced by a recorder, so the test
sees exactly what the bot would pass; PTB's webhook server is then started with those arguments over
the in-memory fake and sent requests without the secret, with a wrong one, and with the right one.
"""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.article import Article
from bot.telegram import app as app_module
from bot.telegram.app import build_application
from tests.botapi import FakeBotAPI, InMemoryRequest
from tests.fuzz.conftest import make_settings

SECRET = "s3cret-Webhook_Token-9"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    """POST ``update`` as Telegram would; the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code


async def test_webhook_refuses_updates_without_the_secret(
    fake_api: FakeBotAPI, article: Article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    settings = make_settings(
        fake_api,
        tmp_path,
        mode="webhook",
        webhook_url="https://news.example.org/",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    recorded: dict[str, Any] = {}
    monkeypatch.setattr(Application, "run_webhook", lambda self, **kwargs: recorded.update(kwargs))
    app_module.run(settings, article)
    assert recorded["secret_token"] == SECRET
    assert recorded["webhook_url"] == "https://news.example.org/telegram"

    app = build_application(
        settings, article, request=InMemoryRequest(fake_api), get_updates_request=InMemoryRequest(fake_api)
    )
    url = f"http://127.0.0.1:{port}/{recorded['url_path']}"
    async with app:
        await app.start()
        await app.updater.start_webhook(**recorded)  # type: ignore[union-attr]
        try:
            statuses = [
                await asyncio.to_thread(post, url, fake_api.message_update("/summary", user_id=61), secret)
                for secret in (None, "wrong-secret", SECRET.upper(), "")
            ]
            accepted = await asyncio.to_thread(post, url, fake_api.message_update("/summary", user_id=62), SECRET)
            for _ in range(300):
                if fake_api.sent_texts(62):
                    break
                await asyncio.sleep(0.01)
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
    assert statuses == [403, 403, 403, 403]
    assert accepted == 200
    assert fake_api.sent_texts(61) == []
    assert fake_api.sent_texts(62)[-1].startswith("ملخص الخبر")
    assert fake_api.last("setWebhook").params["secret_token"] == SECRET
