"""The project's exception tree, in one place.

::

    BotError                      base of everything this package raises on purpose
    ├── ArticleError              an article could not be turned into an Article
    │   ├── SourceError           the file itself: missing, a directory, unreadable, empty, binary
    │   ├── EncodingError         bytes that are neither UTF-8 nor Windows-1256
    │   ├── NoBodyError           a text with no recognisable article body
    │   ├── ArticleFormatError    a JSON article that does not match the model
    │   └── NoArticleError        the library holds no article yet
    ├── WorkerError               the process parsing a large article stopped (killed, crashed)
    ├── FetchError                a page or feed could not be fetched or read (HTTP error, timeout,
    │                             too large, not HTML, unparsable feed): tried again later
    ├── StoppedError              a read or parse abandoned because the bot is stopping
    ├── ConfigError               settings missing or invalid (no token, bad mode...)
    ├── StoreError                the persistent store failed or has an unknown schema
    └── CorrectionError           an admin's correction that cannot be made: no such statement,
                                  an unknown organisation, an empty speaker, a date that does not parse

Each error carries a message meant for a person; the command line prints it on one line
and exits with status 2, the bot logs it. A :class:`CorrectionError` also names its ``reason``
and the ``details`` the bot's answer to the admin is filled with, in the admin's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal


class BotError(Exception):
    """Base class of every error this package raises on purpose."""


class ArticleError(BotError):
    """An article could not be read or understood."""

    def __init__(self, path: Path | str | None, problem: str) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        where = f"{self.path}: " if self.path else ""
        super().__init__(f"{where}{problem}")

    def __reduce__(self) -> tuple[type[ArticleError], tuple[str | None, str]]:
        """Pickle with the constructor's own arguments (the default would pass the message alone)."""
        return type(self), (self.path, self.problem)


class SourceError(ArticleError):
    """The file is missing, a directory, unreadable, empty or binary."""


class EncodingError(ArticleError):
    """The bytes decode neither as UTF-8 (with or without BOM) nor as Windows-1256."""


class NoBodyError(ArticleError):
    """The text holds no recognisable article body."""


class ArticleFormatError(ArticleError):
    """A JSON article that does not match the Article model."""


class NoArticleError(ArticleError):
    """The library holds no article yet (an empty or all-broken folder)."""


class WorkerError(BotError):
    """The child process parsing a large article stopped without an answer (killed, out of memory, crashed).

    Not an :class:`ArticleError`: the file may be fine, so a library tries it again later.
    """


class StoppedError(BotError):
    """A read or parse given up because the bot is stopping; nothing is wrong with the file."""


class ConfigError(BotError):
    """Settings are missing or invalid."""


class StoreError(BotError):
    """The persistent store failed or holds an unknown schema."""


class FetchError(BotError):
    """A web page or feed could not be fetched or read: an HTTP error, a timeout, too many redirects,
    a response over the size cap, the wrong content type, or a feed that is not RSS or Atom.

    Not an :class:`ArticleError`: the site may be back in a minute, so a feed poller tries again later.
    """

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        self.problem = problem
        super().__init__(f"{url}: {problem}")

    def __reduce__(self) -> tuple[type[FetchError], tuple[str, str]]:
        """Pickle with the constructor's own arguments."""
        return type(self), (self.url, self.problem)


CorrectionProblem = Literal[
    "usage",
    "unknown_field",
    "no_field",
    "no_statement",
    "needs_statement",
    "article_field",
    "missing_value",
    "unexpected_value",
    "unknown_org",
    "bad_date",
    "bad_hidden",
    "too_long",
]
"""Why a correction cannot be made; the renderer answers with the locale key ``correction_error_<reason>``."""


class CorrectionError(BotError):
    """An admin's correction that cannot be made (:mod:`bot.article.corrections`).

    ``problem`` is the message in English (for logs and the command line); ``reason`` and
    ``details`` (the word typed, the statement count, the known organisations...) are what the
    bot's answer in the admin's language is made of.
    """

    def __init__(self, reason: CorrectionProblem, problem: str, details: Mapping[str, str | int] | None = None) -> None:
        self.reason: CorrectionProblem = reason
        self.problem = problem
        self.details: dict[str, str | int] = dict(details or {})
        super().__init__(problem)

    def __reduce__(
        self,
    ) -> tuple[type[CorrectionError], tuple[CorrectionProblem, str, dict[str, str | int]]]:
        """Pickle with the constructor's own arguments."""
        return type(self), (self.reason, self.problem, self.details)
