"""The bot token stays secret: not in DEBUG logs, not in settings' repr, not in error messages.

A token leaks through any text a person or a log collector may see, so every check looks for
the whole token and for its secret part (after the colon) alone.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot import cli
from bot.article import Article
from bot.errors import ConfigError
from bot.logs import setup_logging
from bot.settings import Settings
from bot.telegram.app import build_application
from tests.botapi import FakeBotAPI, FakeBotAPIServer, InMemoryRequest
from tests.fuzz.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-Webhook_Token-9"
WRONG_TOKEN = "987654321:ZZwrongTokenTheServerRejects_0123"


def leaks(text: str, token: str) -> bool:
    """Whether ``text`` shows the token or its secret part."""
    return token in text or token.split(":", 1)[1] in text


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """``bot.logs.setup_logging("DEBUG", ...)`` writing into a buffer; the root logger restored afterwards.

    The test calls ``configure(token)``; the buffer gets every line the bot's stream handler writes.
    """
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    quieted = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    buffer = io.StringIO()
    yield buffer
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in quieted.items():
        logging.getLogger(name).setLevel(level)


def configure(buffer: io.StringIO, token: str, *, loud_http: bool = False) -> None:
    """Configure logging as ``python -m bot`` does, into ``buffer``; ``loud_http`` lets httpx log every URL."""
    setup_logging("DEBUG", token)
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    if loud_http:  # the URLs httpx logs hold the token: only the redaction filter stands in the way
        logging.getLogger("httpx").setLevel(logging.DEBUG)
        logging.getLogger("httpcore").setLevel(logging.DEBUG)


# ---------------------------------------------------------------------------------------------------- logs


@pytest.mark.parametrize("loud_http", [False, True], ids=["httpx-quiet", "httpx-debug"])
async def test_a_session_over_http_logs_no_token_at_debug(
    fake_server: FakeBotAPIServer,
    article: Article,
    tmp_path: Path,
    log_output: io.StringIO,
    loud_http: bool,
) -> None:
    api = fake_server.api
    configure(log_output, api.token, loud_http=loud_http)
    settings = make_settings(api, tmp_path, base_url=fake_server.base_url)
    app = build_application(settings, article, rate_limiter=False)  # the real HTTPXRequest, URLs with the token
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        await app.process_update(Update.de_json(api.message_update("/summary", user_id=77), app.bot))
        await app.process_update(Update.de_json(api.inline_query_update("التحالف", user_id=77), app.bot))
        api.fail_next("sendMessage", "500")  # an exception in a handler: on_error logs its traceback
        await app.process_update(Update.de_json(api.message_update("/quotes", user_id=77), app.bot))
        await app.updater.start_polling(poll_interval=0.01)  # type: ignore[union-attr]
        await app.start()
        api.message_update("/about", user_id=78, push=True)
        for _ in range(400):
            if api.sent_texts(78):
                break
            await asyncio.sleep(0.01)
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
    output = log_output.getvalue()
    assert api.sent_texts(78), "the polling bot answered"
    assert "error while handling an update" in output and "Traceback" in output
    if loud_http:
        assert "/bot[token]/" in output, "httpx logged the URLs, redacted"
    assert not leaks(output, api.token)


async def test_a_token_of_an_unusual_shape_is_redacted_too(log_output: io.StringIO, article: Article) -> None:
    fake = FakeBotAPI(token="4242:Sh0rt_secret")  # not shaped like a token: only the secret itself can match
    configure(log_output, fake.token)
    app = build_application(
        Settings(_env_file=None, token=fake.token, db_path=":memory:"),  # type: ignore[call-arg]
        article,
        request=InMemoryRequest(fake),
        get_updates_request=InMemoryRequest(fake),
        rate_limiter=False,
    )
    async with app:
        await app.process_update(Update.de_json(fake.message_update("/start"), app.bot))
    output = log_output.getvalue()
    assert "Set Bot API URL" in output  # PTB logs its URL, token included, at DEBUG
    assert not leaks(output, fake.token)
    assert fake.violations == []


async def test_errors_ptb_raises_at_start_are_logged_without_the_token(
    fake_server: FakeBotAPIServer, article: Article, tmp_path: Path, log_output: io.StringIO
) -> None:
    configure(log_output, WRONG_TOKEN)
    log = logging.getLogger("bot.telegram.app")
    rejected = Settings(_env_file=None, token=WRONG_TOKEN, base_url=fake_server.base_url, db_path=tmp_path / "a.db")  # type: ignore[call-arg]
    unreachable = Settings(
        _env_file=None, token=WRONG_TOKEN, base_url="http://127.0.0.1:9/bot", db_path=tmp_path / "b.db"
    )  # type: ignore[call-arg]
    raised: list[TelegramError] = []
    for settings in (rejected, unreachable):
        app = build_application(settings, article, rate_limiter=False)
        try:
            await app.initialize()
        except (InvalidToken, NetworkError) as exc:
            raised.append(exc)
            log.exception("could not start: %s (%r)", exc, exc)
        finally:
            await app.shutdown()
    assert [type(e) for e in raised] == [InvalidToken, NetworkError]
    output = log_output.getvalue()
    assert "InvalidToken" in output and "NetworkError" in output
    assert not leaks(output, WRONG_TOKEN)


# ---------------------------------------------------------------------------------------------------- settings


def test_settings_never_print_the_token_or_the_webhook_secret() -> None:
    token = FakeBotAPI().token
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        token=token,
        mode="webhook",
        webhook_url="https://news.example.org",
        webhook_secret=SECRET,
    )
    shown = [
        repr(settings),
        str(settings),
        f"{settings}",
        settings.model_dump_json(),
        str(settings.model_dump()),
        str(settings.model_dump(mode="json")),
    ]
    for text in shown:
        assert not leaks(text, token)
        assert SECRET not in text
    assert settings.token is not None and settings.token.get_secret_value() == token  # still usable where needed


def test_invalid_settings_are_reported_without_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = FakeBotAPI().token
    monkeypatch.setenv("BOT_TOKEN", token)
    monkeypatch.setenv("BOT_MODE", "webhook")  # without URL and secret: invalid
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid setting") and len(err.strip().splitlines()) == 1
    assert not leaks(err, token)
    with pytest.raises(ValueError) as info:  # pydantic's own message shows at most a few characters of it
        Settings(_env_file=None, token=token, mode="webhook")  # type: ignore[call-arg]
    assert not leaks(str(info.value), token)


def test_config_error_without_a_token() -> None:
    with pytest.raises(ConfigError) as info:
        build_application(Settings(_env_file=None), Article(id="x", title="t", paragraphs=("p",)))  # type: ignore[call-arg]
    assert str(info.value) == "no bot token"


# ---------------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize("kind", ["429", "500", "502", "403", "400_chat_not_found", "timeout"])
async def test_telegram_errors_carry_no_token(fake_api: FakeBotAPI, fake_bot: Bot, kind: str) -> None:
    fake_api.fail_next("sendMessage", kind)
    with pytest.raises(TelegramError) as info:
        await fake_bot.send_message(fake_api.default_user_id, "مرحبا")
    error = info.value
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    assert all(not leaks(text, fake_api.token) for text in texts)


async def test_a_refused_message_error_carries_no_token(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    with pytest.raises(TelegramError) as info:
        await fake_bot.send_message(fake_api.default_user_id, "<b>unclosed", parse_mode="HTML")
    assert "parse entities" in str(info.value) or "end tag" in str(info.value)
    assert not leaks(repr(info.value), fake_api.token)
    fake_api.take_violations()  # provoked on purpose


def test_a_rejected_token_is_one_clean_line(tmp_path: Path) -> None:
    with FakeBotAPIServer() as server:  # accepts only its own token: a wrong one gets 401
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        env |= {"PYTHONPATH": str(ROOT), "BOT_TOKEN": WRONG_TOKEN, "BOT_BASE_URL": server.base_url}
        done = subprocess.run(
            [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
    assert not leaks(done.stderr, WRONG_TOKEN)
    assert done.returncode == 2 and "Traceback" not in done.stderr
