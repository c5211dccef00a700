"""Logging: module loggers, httpx quieted, the bot token redacted from every line.

Redaction happens on the finished line (message, arguments and traceback together), so nothing
that reaches the stream can hold the token, whatever a library put in its message. Exceptions
are one line (``Type: message``) unless logging at DEBUG, where whole tracebacks help.
"""

from __future__ import annotations

import logging
import re

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_ONE_LINE_MARK = "\u2063"  # an invisible separator marks our one-line exception for joining
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str, secret: str | None = None) -> str:
    """``text`` with the token (and anything shaped like a bot token) replaced by ``[token]``."""
    if secret:
        text = text.replace(secret, "[token]")
    return _TOKEN_SHAPE.sub("[token]", text)


class SafeFormatter(logging.Formatter):
    """Formats a record, then removes the token from the whole line."""

    def __init__(self, fmt: str = FORMAT, *, secret: str | None = None, tracebacks: bool = False) -> None:
        super().__init__(fmt)
        self.secret = secret
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = None  # never reuse a traceback another formatter cached unredacted
        line = super().format(record)
        if not self.tracebacks:
            line = line.replace("\n" + _ONE_LINE_MARK, " ")
        return redact(line, self.secret)

    def formatException(self, ei: object) -> str:
        if self.tracebacks:
            return super().formatException(ei)  # type: ignore[arg-type]
        exc = ei[1] if isinstance(ei, tuple) else None
        return f"{_ONE_LINE_MARK}({type(exc).__name__}: {exc})" if exc is not None else ""


def setup_logging(level: str, secret: str | None = None) -> None:
    """Configure the root logger once for the process."""
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(secret=secret, tracebacks=level == "DEBUG"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
