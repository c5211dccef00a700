from __future__ import annotations

import asyncio
import logging

import pytest

from bot.logs import SafeFormatter, redact

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def record_with_exception(message: str) -> logging.LogRecord:
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected")
    except RuntimeError:
        import sys

        return logging.LogRecord("x", logging.ERROR, __file__, 1, message, (TOKEN,), sys.exc_info())


def test_redact_the_secret_and_token_shapes() -> None:
    assert redact(f"url /bot{TOKEN}/getMe", TOKEN) == "url /bot[token]/getMe"
    assert redact("other 987654321:ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ") == "other [token]"


def test_formatter_never_prints_the_token_and_is_one_line_unless_debug() -> None:
    quiet = SafeFormatter(secret=TOKEN).format(record_with_exception("failed %s"))
    assert TOKEN not in quiet and "Traceback" not in quiet and quiet.count("\n") == 0
    assert "RuntimeError" in quiet
    loud = SafeFormatter(secret=TOKEN, tracebacks=True).format(record_with_exception("failed %s"))
    assert TOKEN not in loud and "Traceback" in loud


SECRET = "s3cret-Webhook_Token-9"


def formatted(message: str, *args: object, exc: BaseException | None = None, tracebacks: bool = False) -> str:
    info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logging.LogRecord("bot.articles.folder", logging.WARNING, __file__, 1, message, args, info)
    return SafeFormatter(secret=TOKEN, tracebacks=tracebacks).format(record)


def test_a_file_name_cannot_forge_a_log_line() -> None:
    name = "x.txt\n2026-12-01 08:00:00,000 ERROR bot: forged\r\x1b[2J\u2028"
    line = formatted("library: skipping %s: %s", name, "the file is empty")
    assert line.count("\n") == 0 and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    assert "x.txt\\n2026-12-01" in line and "\\x1b[2J" in line  # escaped, still readable
    assert "الخبر" in formatted("كلمة %s", "الخبر")  # Arabic text is left alone


def test_an_exception_message_cannot_forge_a_log_line_even_with_tracebacks() -> None:
    try:
        raise ValueError("bad name\nERROR forged")
    except ValueError as caught:
        exc = caught
    quiet = formatted("failed", exc=exc)
    assert quiet.count("\n") == 0 and "bad name\\nERROR forged" in quiet
    loud = formatted("failed", exc=exc, tracebacks=True)
    assert "Traceback" in loud
    assert all(line.startswith(" ") for line in loud.splitlines()[1:])  # no continuation line looks like a record


def test_the_webhook_secret_is_redacted_like_the_token() -> None:
    record = logging.LogRecord("telegram.ext", logging.DEBUG, __file__, 1, "params %s", ({"secret_token": SECRET},), None)
    line = SafeFormatter(secrets=(TOKEN, SECRET)).format(record)
    assert SECRET not in line and "[secret]" in line


def test_the_command_line_redacts_the_webhook_secret(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m bot`` in webhook mode at DEBUG: PTB logs setWebhook's parameters, the secret among them."""
    from bot import cli
    from bot.telegram import app as app_module

    def fake_run(settings: object, source: object) -> None:
        logging.getLogger("telegram.ext.ExtBot").debug("Calling Bot API endpoint `setWebhook` with %s", {"secret_token": SECRET})

    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_MODE", "webhook")
    monkeypatch.setenv("BOT_WEBHOOK_URL", "https://news.example.org")
    monkeypatch.setenv("BOT_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("BOT_LOG_LEVEL", "DEBUG")
    monkeypatch.setattr(app_module, "run", fake_run)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        assert cli.main(["run"]) == 0
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "setWebhook" in err and SECRET not in err


def test_info_logs_hold_no_scheduler_line_per_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """APScheduler logs "Running job" at INFO for every run of every job (the outbox every 2 s)."""
    import io

    from telegram.ext import ApplicationBuilder

    from bot.logs import setup_logging

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    try:
        setup_logging("INFO", TOKEN)
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)

        async def scenario() -> None:
            app = ApplicationBuilder().token(TOKEN).updater(None).build()
            ran = asyncio.Event()

            async def job(context: object) -> None:
                ran.set()

            assert app.job_queue is not None
            app.job_queue.run_repeating(job, interval=0.05, first=0, name="outbox")
            await app.job_queue.start()
            try:
                await asyncio.wait_for(ran.wait(), 5)
                await asyncio.sleep(0.2)
            finally:
                await app.job_queue.stop()

        asyncio.run(scenario())
        logging.getLogger("apscheduler.scheduler").warning("a scheduler warning still shows")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    out = buffer.getvalue()
    assert "Running job" not in out and "executed successfully" not in out
    assert "a scheduler warning still shows" in out
