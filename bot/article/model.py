"""The typed Article every other layer renders: frozen, and JSON both ways.

The JSON contract (``python -m bot parse``) is the model's own serialisation::

    {"id", "title", "published", "dateline": {"place", "agency"} | null, "credited_sources",
     "paragraphs", "statements": [{"text", "form", "speaker", "org", "paragraph", ...}], "summary", ...}

A newsroom may correct a speaker by hand in that JSON and load it back with
:meth:`Article.from_json`.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic.dataclasses import dataclass

from bot.errors import ArticleFormatError

StatementForm = Literal["direct", "reported"]
_IGNORE_ID: dict[str, bool] = {"ignore_id": True}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Dateline(_Frozen):
    """Where the story was filed and by which agency: ``بغداد – ناس``."""

    place: str
    agency: str


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="ignore"))
class Statement:
    """One thing the article attributes to someone.

    A slotted pydantic dataclass rather than a model: an article may quote thousands of
    statements, and a model instance carries a ``__dict__`` and a set of the fields it was given
    (about 1 KB each), a slotted one only its seven fields.
    """

    text: str
    form: StatementForm
    speaker: str
    org: str | None = None
    org_id: str | None = None
    role: str | None = None
    paragraph: int = Field(ge=0, description="index into Article.paragraphs")

    @field_validator("speaker", "org", "org_id", "role")
    @classmethod
    def _shared(cls, value: str | None) -> str | None:
        """One string object per distinct name: a party quoted a thousand times is stored once."""
        return sys.intern(value) if value is not None else None


class Article(_Frozen):
    """A parsed news article."""

    id: str = Field(default="", description="content_id() of the article; recomputed by from_json")
    title: str
    published: datetime | None = None
    dateline: Dateline | None = None
    credited_sources: tuple[str, ...] = ()
    paragraphs: tuple[str, ...]
    statements: tuple[Statement, ...] = ()
    summary: tuple[str, ...] = ()
    outlet: str | None = None
    url: str | None = Field(default=None, description="the article at its source (canonical URL)")
    image: str | None = Field(default=None, description="the lead image's URL")
    source_format: Literal["text", "html", "json"] = "text"

    @field_validator("id", mode="before")
    @classmethod
    def _ignored_in_json(cls, value: object, info: ValidationInfo) -> object:
        """:meth:`from_json` recomputes the id: whatever a file holds there (a number, null) is dropped."""
        return "" if info.context is _IGNORE_ID else value

    def __hash__(self) -> int:
        """The content id stands for the content (equality still compares every field).

        Rendering caches views by article; hashing every paragraph and statement instead would
        cost milliseconds per lookup on a long article.
        """
        return hash(self.id)

    def to_json(self, *, indent: int | None = 1) -> str:
        """The article as JSON text (UTF-8 friendly: Arabic is not escaped)."""
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes, *, path: str | None = None) -> Article:
        """Load an article written by :meth:`to_json` (possibly corrected by hand).

        The JSON is read by pydantic-core straight into the model (no intermediate dicts: a
        5 MB article loads in a fraction of the time and memory of ``json.loads``). The ``id``
        in the file is ignored and recomputed from the content: a hand correction is a new version.
        """
        if isinstance(text, str):
            try:
                text = text.encode()
            except UnicodeEncodeError:
                raise ArticleFormatError(path, "not valid text: a \\uD800-\\uDFFF character without its pair") from None
        try:
            article = cls.model_validate_json(text, context=_IGNORE_ID)
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == "json_invalid":  # includes a lone \uD800-\uDFFF escape and deep nesting
                raise ArticleFormatError(path, f"not valid JSON ({first['ctx'].get('error', first['msg'])})") from None
            where = ".".join(str(p) for p in first["loc"]) or "the top level"
            raise ArticleFormatError(path, f"not an article: {where}: {first['msg']}") from None
        return article.with_id()

    def with_id(self) -> Article:
        """This article with the id of everything a reader is shown (:func:`content_id`)."""
        shown = [
            *self.summary,
            self.published.isoformat() if self.published else "",
            f"{self.dateline.place}|{self.dateline.agency}" if self.dateline else "",
            self.outlet or "",
            *self.credited_sources,
        ]
        ident = content_id(
            self.title, self.paragraphs, self.statements, url=self.url, image=self.image, shown=tuple(shown)
        )
        return self if ident == self.id else self.model_copy(update={"id": ident})

    def with_links(self, *, url: str | None = None, image: str | None = None) -> Article:
        """This article with a source address and a lead image where it has none (a new id if one is added).

        A page fetched from a feed may not name its canonical URL or image; the feed entry does.
        """
        url, image = self.url or url, self.image or image
        if (url, image) == (self.url, self.image):
            return self
        return self.model_copy(update={"url": url, "image": image}).with_id()

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


def content_id(
    title: str,
    paragraphs: list[str] | tuple[str, ...],
    statements: tuple[Statement, ...] | list[Statement] = (),
    *,
    url: str | None = None,
    image: str | None = None,
    shown: tuple[str, ...] = (),
) -> str:
    """A stable id derived from the content: the same text always gets the same id.

    Twelve hex digits of SHA-256 over the title and paragraphs: short enough for callback data
    and deep links, and it changes whenever the text does. Everything else a reader is shown
    counts too: each statement's speaker, role and organisation, the link back and the picture
    (each only when there is one), and ``shown`` (:meth:`Article.with_id` passes the summary, the
    date, the dateline, the outlet and the credited sources), so a correction made by hand in the
    JSON is a new version that reaches the channel and the subscribers.
    """
    digest = hashlib.sha256()
    digest.update(title.strip().encode())
    for paragraph in paragraphs:
        digest.update(b"\n\n")
        digest.update(paragraph.strip().encode())
    for statement in statements:  # a corrected speaker or organisation is a new version too
        digest.update(f"\n{statement.speaker}|{statement.role}|{statement.org}|{statement.form}|{statement.text}".encode())
    if url is not None:
        digest.update(f"\nurl:{url}".encode())
    if image is not None:
        digest.update(f"\nimage:{image}".encode())
    for item in shown:
        digest.update(f"\n|{item}".encode())
    return digest.hexdigest()[:12]
