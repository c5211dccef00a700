"""The typed Article every other layer renders: frozen, and JSON both ways.

The JSON contract (``python -m bot parse``) is the model's own serialisation::

    {"id", "title", "published", "dateline": {"place", "agency"} | null, "credited_sources",
     "paragraphs", "statements": [{"text", "form", "speaker", "org", "paragraph", ...}], "summary", ...}

A newsroom may correct a speaker by hand in that JSON and load it back with
:meth:`Article.from_json`.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ArticleFormatError

StatementForm = Literal["direct", "reported"]
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Dateline(_Frozen):
    """Where the story was filed and by which agency: ``بغداد – ناس``."""

    place: str
    agency: str


class Statement(_Frozen):
    """One thing the article attributes to someone."""

    text: str
    form: StatementForm
    speaker: str
    org: str | None = None
    org_id: str | None = None
    role: str | None = None
    paragraph: int = Field(ge=0, description="index into Article.paragraphs")


class Article(_Frozen):
    """A parsed news article."""

    id: str
    title: str
    published: datetime | None = None
    dateline: Dateline | None = None
    credited_sources: tuple[str, ...] = ()
    paragraphs: tuple[str, ...]
    statements: tuple[Statement, ...] = ()
    summary: tuple[str, ...] = ()
    outlet: str | None = None
    url: str | None = None
    source_format: Literal["text", "html", "json"] = "text"

    def to_json(self, *, indent: int | None = 1) -> str:
        """The article as JSON text (UTF-8 friendly: Arabic is not escaped)."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes, *, path: str | None = None) -> Article:
        """Load an article written by :meth:`to_json` (possibly corrected by hand)."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ArticleFormatError(path, f"not valid JSON ({exc})") from None
        except RecursionError:
            raise ArticleFormatError(path, "not valid JSON (nested too deeply)") from None
        if _has_lone_surrogate(data):
            raise ArticleFormatError(path, "not an article: a \\uD800-\\uDFFF escape without its pair")
        if isinstance(data, dict):
            data["id"] = "pending"  # recomputed below from the content: a hand correction is a new version
        try:
            article = cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ArticleFormatError(path, f"not an article: {where}: {first['msg']}") from None
        return article.model_copy(update={"id": content_id(article.title, article.paragraphs, article.statements)})

    @field_validator("published")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        """A date without an offset (a hand-written JSON) is taken in the default time zone."""
        if value is not None and value.tzinfo is None:
            from bot.article.dates import default_zone

            return value.replace(tzinfo=default_zone())
        return value

    @property
    def sources(self) -> dict[str, list[Statement]]:
        """Statements grouped by organisation (or by speaker when there is none), in article order."""
        groups: dict[str, list[Statement]] = {}
        for statement in self.statements:
            groups.setdefault(statement.org or statement.speaker, []).append(statement)
        return groups


def _has_lone_surrogate(data: object) -> bool:
    """Whether decoded JSON holds half a UTF-16 pair (``"\\ud800"``): no UTF-8 text can carry it."""
    pending = [data]
    while pending:  # iterative: json.loads accepts nesting deeper than Python's recursion limit
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def content_id(
    title: str, paragraphs: list[str] | tuple[str, ...], statements: tuple[Statement, ...] | list[Statement] = ()
) -> str:
    """A stable id derived from the content: the same text always gets the same id.

    Twelve hex digits of SHA-256 over the title and paragraphs: short enough for callback data
    and deep links, and it changes whenever the text does.
    """
    digest = hashlib.sha256()
    digest.update(title.strip().encode())
    for paragraph in paragraphs:
        digest.update(b"\n\n")
        digest.update(paragraph.strip().encode())
    for statement in statements:  # a corrected speaker or organisation is a new version too
        digest.update(f"\n{statement.speaker}|{statement.org}|{statement.form}|{statement.text}".encode())
    return digest.hexdigest()[:12]
