"""Logging: module loggers, httpx quieted, and the bot token redacted from every record."""

from __future__ import annotations

import logging
import re

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactToken(logging.Filter):
    """Replace the bot token (and anything shaped like one) in a record's message and arguments."""

    def __init__(self, secret: str | None = None) -> None:
        super().__init__()
        self.secret = secret

    def _clean(self, text: str) -> str:
        if self.secret:
            text = text.replace(self.secret, "[token]")
        return _TOKEN_SHAPE.sub("[token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if record.exc_info and record.exc_info[1] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            cleaned_exc = self._clean(formatted)
            if cleaned_exc != formatted:
                record.exc_text = cleaned_exc
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: str, secret: str | None = None) -> None:
    """Configure the root logger once for the process."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
