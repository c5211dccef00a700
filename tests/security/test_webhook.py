"""Webhook mode accepts updates only with the secret token (in-process; the process test is in tests/telegram).

The bot's webhook server (:mod:`bot.telegram.webhook`) is started over the in-memory fake and sent
requests without the secret, with a wrong one, and with the right one; ``/healthz`` answers beside it.
"""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bot.article import Article
from bot.telegram import webhook
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


def get(url: str) -> tuple[int, Any]:
    """GET ``url``: the HTTP status and the JSON body."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


async def test_webhook_refuses_updates_without_the_secret(
    fake_api: FakeBotAPI, article: Article, tmp_path: Path
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
    app = build_application(
        settings, article, request=InMemoryRequest(fake_api), get_updates_request=InMemoryRequest(fake_api)
    )
    url = f"http://127.0.0.1:{port}/telegram"
    async with app:
        await app.start()
        server = await webhook.start_server(app, settings)
        try:
            statuses = [
                await asyncio.to_thread(post, url, fake_api.message_update("/summary", user_id=61), secret)
                for secret in (None, "wrong-secret", SECRET.upper(), "")
            ]
            accepted = await asyncio.to_thread(post, url, fake_api.message_update("/summary", user_id=62), SECRET)
            not_an_update = await asyncio.to_thread(post, url, [1, 2], SECRET)  # type: ignore[arg-type]
            for _ in range(300):
                if fake_api.sent_texts(62):
                    break
                await asyncio.sleep(0.01)
            health = await asyncio.to_thread(get, f"http://127.0.0.1:{port}/healthz")
        finally:
            server.stop()
            await app.stop()
    assert health == (200, {"ok": True, "articles": 1, "loading": False})
    assert not_an_update == 400
    assert statuses == [403, 403, 403, 403]
    assert accepted == 200
    assert fake_api.sent_texts(61) == []
    assert fake_api.sent_texts(62)[-1].startswith("ملخص الخبر")
    webhook_call = fake_api.last("setWebhook").params
    assert webhook_call["secret_token"] == SECRET and webhook_call["url"] == "https://news.example.org/telegram"
