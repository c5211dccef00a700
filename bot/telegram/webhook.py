"""Webhook mode: Telegram's updates on ``BOT_WEBHOOK_PATH``, and ``GET /healthz`` for a load balancer.

PTB's own webhook server serves only Telegram's path, so the bot serves both with tornado (which
PTB's ``webhooks`` extra installs), as PTB's custom-webhook examples do: a POST with the right
``X-Telegram-Bot-Api-Secret-Token`` goes to ``application.update_queue``; anything else is refused
(403 without the secret, 400 for a body that is not an update). ``/healthz`` answers 200 with
``{"ok": true, "articles": N, "loading": false}`` while the bot runs, 503 otherwise.

:func:`run` keeps PTB's ``run_webhook`` life cycle (initialize, ``post_init``, setWebhook, start,
run until a signal or ``stop_running()``, then stop, ``post_stop``, shutdown, ``post_shutdown``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.settings import Settings
from bot.telegram.context import BotData

log = logging.getLogger(__name__)

App = Any  # telegram.ext.Application with our context types; Any keeps tornado's handlers simple
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _Updates(tornado.web.RequestHandler):
    """POST: one update from Telegram."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_app: App, secret: str) -> None:
        self.bot_application = bot_app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.debug("webhook: a request without the secret token was refused")
            self.set_status(HTTPStatus.FORBIDDEN)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.bot_application.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        await self.bot_application.update_queue.put(update)
        self.set_status(HTTPStatus.OK)


class _Health(tornado.web.RequestHandler):
    """GET /healthz: whether the bot runs, and how many articles it serves."""

    SUPPORTED_METHODS = ("GET",)

    def initialize(self, bot_app: App) -> None:
        self.bot_application = bot_app

    def get(self) -> None:
        data: BotData = self.bot_application.bot_data
        library = data.registry
        running = bool(self.bot_application.running)
        self.set_status(HTTPStatus.OK if running else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.write(
            {
                "ok": running,
                "articles": len(library) if library is not None else 0,
                "loading": bool(library.loading) if library is not None else False,
            }
        )


def web_app(application: App, settings: Settings) -> tornado.web.Application:
    """The routes: ``/<BOT_WEBHOOK_PATH>`` for Telegram, ``/healthz`` for health checks."""
    assert settings.webhook_secret is not None
    path = settings.webhook_path.strip("/")
    secret = settings.webhook_secret.get_secret_value()
    return tornado.web.Application(
        [
            (rf"/{re.escape(path)}/?", _Updates, {"bot_app": application, "secret": secret}),
            (r"/healthz", _Health, {"bot_app": application}),
        ],
        log_function=lambda handler: None,  # no access line per update: INFO stays quiet while nothing happens
    )


def public_url(settings: Settings) -> str:
    """The address Telegram posts to: ``BOT_WEBHOOK_URL`` + ``/`` + ``BOT_WEBHOOK_PATH``."""
    assert settings.webhook_url is not None
    return settings.webhook_url.rstrip("/") + "/" + settings.webhook_path.strip("/")


async def start_server(application: App, settings: Settings) -> HTTPServer:
    """Tell Telegram where to post (setWebhook with the secret), then listen."""
    assert settings.webhook_secret is not None
    await application.bot.set_webhook(
        public_url(settings),
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
    )
    server = HTTPServer(web_app(application, settings))
    server.listen(settings.webhook_port, settings.webhook_listen)
    log.info(
        "webhook: listening on %s:%d (updates on /%s, health on /healthz)",
        settings.webhook_listen,
        settings.webhook_port,
        settings.webhook_path.strip("/"),
    )
    return server


def run(application: App, settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM or ``application.stop_running()``, with PTB's start and stop hooks."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server: HTTPServer | None = None
    try:
        loop.run_until_complete(application.initialize())
        if application.post_init is not None:
            loop.run_until_complete(application.post_init(application))
        server = loop.run_until_complete(start_server(application, settings))
        loop.run_until_complete(application.start())
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, loop.stop)
        loop.run_forever()  # stop_running() stops this loop, as it does PTB's run_webhook
    finally:
        if server is not None:
            server.stop()
        try:
            if application.running:
                loop.run_until_complete(application.stop())
                if application.post_stop is not None:
                    loop.run_until_complete(application.post_stop(application))
            loop.run_until_complete(application.shutdown())
            if application.post_shutdown is not None:
                loop.run_until_complete(application.post_shutdown(application))
        finally:
            loop.close()
            asyncio.set_event_loop(None)
