from __future__ import annotations

import logging

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
