"""Logging: module loggers, httpx and the scheduler quieted, secrets redacted, one record per line.

Redaction happens on the finished line (message, arguments and traceback together), so nothing
that reaches the stream can hold the token or the webhook secret, whatever a library put in its
message. Control characters in a message (a newline in a file name) are escaped, so no text from
outside can write a line of its own. Exceptions are one line (``Type: message``) unless logging at
DEBUG, where whole tracebacks help; their lines are then indented under the record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ONE_LINE_MARK = "\u2063"  # an invisible separator marks our one-line exception for joining
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler")
"""Loggers kept at WARNING: httpx logs every URL (the token is in it), APScheduler two INFO lines per job run."""


def redact(text: str, secret: str | None = None, others: Iterable[str] = ()) -> str:
    """``text`` with the token (and anything shaped like one) as ``[token]``, the other secrets as ``[secret]``."""
    if secret:
        text = text.replace(secret, "[token]")
    for other in others:
        if other:
            text = text.replace(other, "[secret]")
    return _TOKEN_SHAPE.sub("[token]", text)


def escape_controls(text: str) -> str:
    """``text`` with control characters and line separators written as escapes (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class SafeFormatter(logging.Formatter):
    """Formats a record on one line (control characters escaped), then removes every secret from it.

    ``secret`` is the bot token; ``secrets`` may add others (the webhook secret). When given alone,
    ``secrets`` holds the token first.
    """

    def __init__(
        self,
        fmt: str = FORMAT,
        *,
        secret: str | None = None,
        secrets: Iterable[str | None] = (),
        tracebacks: bool = False,
    ) -> None:
        super().__init__(fmt)
        given = [s for s in secrets if s]
        self.secret = secret or (given.pop(0) if given else None)
        self.others = tuple(s for s in given if s != self.secret)
        self.tracebacks = tracebacks

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = None  # never reuse a traceback another formatter cached unredacted
        line = super().format(record)
        if not self.tracebacks:
            line = line.replace("\n" + _ONE_LINE_MARK, " ")
        return redact(line, self.secret, self.others)

    def formatException(self, ei: object) -> str:
        if self.tracebacks:
            text = super().formatException(ei)  # type: ignore[arg-type]
            return "\n".join("    " + escape_controls(line) for line in text.splitlines())
        exc = ei[1] if isinstance(ei, tuple) else None
        return f"{_ONE_LINE_MARK}({escape_controls(f'{type(exc).__name__}: {exc}')})" if exc is not None else ""

    def formatStack(self, stack_info: str) -> str:
        return "\n".join("    " + escape_controls(line) for line in stack_info.splitlines())


def setup_logging(level: str, *secrets: str | None) -> None:
    """Configure the root logger once for the process; ``secrets`` (the token first) never reach a line."""
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(secrets=secrets, tracebacks=level == "DEBUG"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
