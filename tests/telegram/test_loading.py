"""A large article the cache does not hold is loaded while the bot already answers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import bot.telegram.jobs as jobs_module
from bot.article import Article
from bot.article.load import DEFAULT_ARTICLE
from bot.articles.service import ArticleService
from bot.articles.worker import ParseWorker
from bot.i18n import t
from bot.telegram.app import build_application
from bot.telegram.jobs import post_init, post_stop
from tests.botapi.fake import FakeBotAPI
from tests.botapi.memory import InMemoryRequest

from .conftest import Driver, make_settings


class GatedWorker(ParseWorker):
    """A real worker that starts loading only when the test opens the gate."""

    def __init__(self) -> None:
        super().__init__(None)
        self.gate = asyncio.Event()

    async def load(self, path: Path | str | None) -> Article:
        await self.gate.wait()
        return await super().load(path)


def _waiting_app(fake: FakeBotAPI, path: Path, worker: ParseWorker):  # type: ignore[no-untyped-def]
    service = ArticleService(worker=worker)
    service.wait_for("bundled", path)
    app = build_application(
        make_settings(fake),
        service,
        request=InMemoryRequest(fake),
        get_updates_request=InMemoryRequest(fake),
        rate_limiter=False,
    )
    return app


def _menu(fake: FakeBotAPI) -> list[str]:
    return [c["command"] for c in fake.requests("setMyCommands")[-1].params["commands"]]


async def test_users_are_asked_to_wait_then_served(fake_api: FakeBotAPI, article: Article) -> None:
    worker = GatedWorker()
    app = _waiting_app(fake_api, DEFAULT_ARTICLE, worker)
    async with app:
        await post_init(app)
        driver = Driver(app, fake_api)
        await driver.send("/summary", user_id=5)
        assert driver.texts()[-1] == t("ar", "article_loading")
        assert "coalition" not in _menu(fake_api)  # no article yet: no organisation shortcuts
        worker.gate.set()
        await app.bot_data.tasks["loading"]
        await driver.send("/summary", user_id=5)
        assert driver.texts()[-1].startswith("ملخص الخبر")
        assert "coalition" in _menu(fake_api)  # the menu is set again once the article is there
        assert app.bot_data.registry is not None and app.bot_data.registry.latest() == article
        await post_stop(app)


async def test_a_broken_article_stops_the_bot_with_its_error(
    fake_api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs_module, "RUNNING_WAIT", 0.3)  # this app never runs: do not wait the 10 s for it
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00binary")
    app = _waiting_app(fake_api, broken, ParseWorker(None, inline_bytes=0))
    async with app:
        await post_init(app)
        await app.bot_data.tasks["loading"]
        assert "binary file" in (app.bot_data.fatal or "")
        await post_stop(app)


async def test_stopping_abandons_a_load_in_progress(fake_api: FakeBotAPI) -> None:
    worker = GatedWorker()  # never opened: the load is still waiting when the bot stops
    app = _waiting_app(fake_api, DEFAULT_ARTICLE, worker)
    async with app:
        await post_init(app)
        loading = app.bot_data.tasks["loading"]
        await post_stop(app)
        assert loading.cancelled() and app.bot_data.fatal is None


async def test_inline_queries_are_answered_while_the_article_loads(fake_api: FakeBotAPI) -> None:
    """An empty answer with a "being prepared" button (not cached), then the results once it is there."""
    worker = GatedWorker()
    app = _waiting_app(fake_api, DEFAULT_ARTICLE, worker)
    async with app:
        await post_init(app)
        driver = Driver(app, fake_api)
        await driver.feed(fake_api.inline_query_update("التحالف", user_id=5))
        answers = fake_api.requests("answerInlineQuery")
        assert len(answers) == 1 and answers[0].ok
        params = answers[0].params
        assert params["results"] == [] and params["cache_time"] == 0
        assert params["button"]["text"] == t("ar", "inline_preparing")
        await driver.send(f"/start {params['button']['start_parameter']}", user_id=5)  # pressed: the bot's chat
        assert driver.texts()[-1] == t("ar", "article_loading")
        worker.gate.set()
        await app.bot_data.tasks["loading"]
        await driver.feed(fake_api.inline_query_update("التحالف", user_id=5))
        assert fake_api.requests("answerInlineQuery")[-1].params["results"]
        await driver.send(f"/start {params['button']['start_parameter']}", user_id=5)  # an old button: the welcome
        assert "تعليق جديد من التحالف الدولي حول أحداث الحسكة" in driver.texts()[-1]
        assert t("ar", "bad_link") not in driver.texts()
        await post_stop(app)
