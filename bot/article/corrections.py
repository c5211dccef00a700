"""Corrections an admin makes from inside the bot: a statement's speaker or organisation, a
statement hidden, the article's outlet and date.

A :class:`Correction` is a record the store keeps (:mod:`bot.store.corrections`): an override
applied to the article each time it is parsed, so it survives a re-parse and a restart, and the
corrected article is a new version (its id covers everything a reader is shown).

How a correction finds what it corrects:

- the article by its *slot* (a library file name, a feed entry's slot), not by its id: a re-parse
  of a changed file gives a new id, its slot stays;
- a statement by :func:`statement_key`, ten hex digits of its folded words, not by its number: a
  correction still finds its statement when the file is re-parsed or edited elsewhere, and the key
  fits in callback data beside an article id. A statement no longer in the article leaves its
  corrections *stale* (:attr:`Applied.stale`), listed for the admin rather than lost.

Statement numbers (``/correct 3 speaker …``) count the statements of the article *as parsed*, in
article order (the order of :func:`bot.render.views.sources`' article-wide numbers), hidden ones
included: a hidden statement can be shown again with its number, and hiding one does not move the
others' numbers.

Values, as stored (:func:`check_value`): ``speaker`` the words to show (split into name and role
as the parser splits a speaker: ``أحمد الشرع، الرئيس السوري`` -> name ``أحمد الشرع``, role
``الرئيس السوري``; a name alone clears the parser's role, which described the wrong person);
``org`` an organisation id of ``organisations.json``, or ``""`` for none; ``hidden`` ``"1"`` to
hide, ``""`` to show; ``outlet`` the publisher, or ``""`` for none (the views then name the
dateline's agency, as for any article without an outlet); ``date`` an ISO date or date and time,
or ``""`` for none (a date alone keeps the article's time of day and zone). A speaker correction
leaves the organisation as it was: it has a correction of its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, model_validator

from bot.article import lexicon
from bot.article.arabic import normalise, read_number, western_digits
from bot.article.lexicon import Organisation
from bot.article.model import Article, Statement
from bot.article.speakers import split_role
from bot.errors import CorrectionError

Field = Literal["speaker", "org", "hidden", "outlet", "date"]
STATEMENT_FIELDS: frozenset[Field] = frozenset({"speaker", "org", "hidden"})
ARTICLE_FIELDS: frozenset[Field] = frozenset({"outlet", "date"})
MAX_NAME = 200
"""The longest speaker (with its role) or outlet a correction sets: every view that shows one keeps
within Telegram's limits (the parser's longest names are under half of it)."""
KEY_LENGTH = 10
"""Hex digits of a statement key: one in a trillion for two statements of an article to share one."""


class Correction(BaseModel):
    """One override of one field: of a statement (``target`` its key) or of the article (``target`` ``""``)."""

    model_config = ConfigDict(frozen=True)

    slot: str
    target: str = ""
    field: Field
    value: str
    admin_id: int
    at: float

    @model_validator(mode="after")
    def _target_fits_field(self) -> Correction:
        """A statement's field needs a statement key; the article's fields take none."""
        if self.field in STATEMENT_FIELDS and not self.target:
            raise ValueError(f"the {self.field} correction of {self.slot!r} names no statement")
        return self


class Requested(NamedTuple):
    """What an admin asked for (:func:`parse_correction_args`), checked: a correction without who and when."""

    target: str
    field: Field
    value: str


@dataclass(frozen=True)
class Applied:
    """The corrected article, and the corrections that could not be applied to it."""

    article: Article
    stale: tuple[Correction, ...] = ()
    """Corrections of a statement the article no longer holds."""
    invalid: tuple[tuple[Correction, CorrectionError], ...] = ()
    """Corrections whose value no longer checks (an organisation since taken out of ``organisations.json``)."""


@dataclass(frozen=True)
class Numbered:
    """One statement of the article as parsed, with its number, its key and its corrections."""

    number: int
    """1-based, in article order, hidden statements included."""
    key: str
    statement: Statement
    """With its speaker and organisation corrections applied."""
    hidden: bool


@dataclass(frozen=True)
class Change:
    """One correction as the admin's list shows it: what it corrects and the value before and after.

    Values are in the article's terms: a speaker, an organisation's name, ``"1"`` for hidden, a
    publisher, a date in ISO form; ``""`` for none. ``number``, ``text`` and ``old`` are None when
    unknown (the article is not at hand, or no longer holds the statement).
    """

    correction: Correction
    number: int | None
    text: str | None
    old: str | None
    new: str
    stale: bool = False
    problem: CorrectionError | None = None


# keys --------------------------------------------------------------------------------


def _key(folded: str, occurrence: int) -> str:
    data = folded if occurrence == 1 else f"{folded}\x00{occurrence}"
    return hashlib.sha256(data.encode()).hexdigest()[:KEY_LENGTH]


def statement_key(statement: Statement, occurrence: int = 1) -> str:
    """A short stable key of ``statement``: its words folded (:func:`~bot.article.arabic.normalise`:
    diacritics, tatweel, hamza forms, punctuation, spacing), hashed.

    ``occurrence`` tells apart statements of one article with the same words (two speakers quoted
    saying the same thing): the second is ``occurrence=2``. :func:`statement_keys` counts them.
    """
    return _key(normalise(statement.text), occurrence)


def article_key(article: Article) -> str:
    """A short stable key of the story (its title folded, hashed): an outlet or date correction is
    made for one story, and does not follow its slot to another (a file replaced by the next day's)."""
    return _key(normalise(article.title), 1)


def statement_keys(article: Article) -> tuple[str, ...]:
    """The key of each of ``article``'s statements, in order."""
    seen: dict[str, int] = {}
    keys: list[str] = []
    for statement in article.statements:
        folded = normalise(statement.text)
        seen[folded] = seen.get(folded, 0) + 1
        keys.append(_key(folded, seen[folded]))
    return tuple(keys)


def statement_number(article: Article, key: str) -> int | None:
    """The 1-based number of the statement ``key`` in ``article``; None when it holds none."""
    keys = statement_keys(article)
    return keys.index(key) + 1 if key in keys else None


# values ------------------------------------------------------------------------------


def organisation(org_id: str) -> Organisation | None:
    """The organisation of ``organisations.json`` with the id ``org_id``."""
    return next((org for org in lexicon.organisations() if org.id == org_id), None)


def find_organisation(text: str) -> Organisation | None:
    """The organisation an admin named: by its id or command (``coalition``), its Arabic or English
    name (with or without "the") or one of its other names (spelling folded).

    Not by a short name (``التحالف``): what it means depends on the article (in a report on Yemen,
    not the US-led coalition), and a correction must not guess.
    """
    folded = normalise(text)
    if not folded:
        return None
    bare = folded.removeprefix("the ")
    for org in lexicon.organisations():
        english = normalise(org.english)
        spelled = {normalise(org.id), normalise(org.command), english, english.removeprefix("the ")}
        if folded in spelled or bare in spelled or tuple(folded.split()) in org.names:
            return org
    return None


def _organisations_known() -> str:
    return ", ".join(org.id for org in lexicon.organisations())


def _parse_date(value: str) -> date | datetime:
    """An ISO date (``2022-01-21``) or date and time (``2022-01-21T10:30``, ``2022-01-21 10:30+03:00``)."""
    text = western_digits(value.strip())
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CorrectionError(
            "bad_date", f"{value!r} is not a date: write it as 2022-01-21 or 2022-01-21T10:30", {"value": value}
        ) from None


def check_value(field: Field, value: str) -> str:
    """``value`` as a correction of ``field`` stores it (spacing collapsed, a date in ISO form).

    Raises :class:`~bot.errors.CorrectionError` for an empty speaker, a speaker or outlet longer
    than :data:`MAX_NAME`, an unknown organisation id,
    a hidden flag other than ``"1"`` or ``""`` and a date that does not parse.
    """
    value = " ".join(value.split())
    if not "".join(ch for ch in value if unicodedata.category(ch) not in ("Cf", "Zs")):
        value = ""  # only direction marks and joiners: nothing a reader would see
    if field == "speaker" and not value:
        raise CorrectionError("missing_value", "a speaker cannot be empty", {"field": field})
    if field in ("speaker", "outlet") and len(value) > MAX_NAME:
        raise CorrectionError(
            "too_long",
            f"a {field} of {len(value)} characters is too long (at most {MAX_NAME})",
            {"field": field, "length": len(value), "most": MAX_NAME},
        )
    if field == "org" and value and organisation(value) is None:
        known = _organisations_known()
        raise CorrectionError(
            "unknown_org", f"no organisation has the id {value!r} (known: {known})", {"value": value, "known": known}
        )
    if field == "hidden" and value not in ("1", ""):
        raise CorrectionError("bad_hidden", f"hidden is '1' or '', not {value!r}", {"value": value})
    if field == "date" and value:
        return _parse_date(value).isoformat()
    return value


def _published(value: str, before: datetime | None) -> datetime | None:
    """The article's date after a date correction: a date alone keeps the time of day and zone it had.

    A date and time without an offset is taken in the default time zone, as
    :meth:`~bot.article.model.Article` takes a hand-written JSON date.
    """
    if not value:
        return None
    parsed = _parse_date(value)
    if not isinstance(parsed, datetime):
        if before is not None:
            return before.replace(year=parsed.year, month=parsed.month, day=parsed.day)
        parsed = datetime.combine(parsed, time())
    if parsed.tzinfo is None:
        from bot.article.dates import default_zone

        parsed = parsed.replace(tzinfo=default_zone())
    return parsed


# applying ----------------------------------------------------------------------------


def _latest(corrections: Iterable[Correction]) -> list[Correction]:
    """The latest correction of each (target, field), in the order they were made (a tie: the later given)."""
    given = sorted(corrections, key=lambda c: c.at)
    slots = {c.slot for c in given}
    if len(slots) > 1:
        raise ValueError(f"corrections of several articles applied to one: {sorted(slots)}")
    latest: dict[tuple[str, str], Correction] = {}
    for correction in given:
        latest.pop((correction.target, correction.field), None)  # re-inserted: the order is the latest's
        latest[(correction.target, correction.field)] = correction
    return list(latest.values())


@dataclass
class _Plan:
    """The latest corrections sorted out against one article."""

    keys: tuple[str, ...]
    statements: dict[int, dict[Field, str]]  # statement index -> field -> checked value
    article: dict[Field, str]
    stale: list[Correction]
    invalid: list[tuple[Correction, CorrectionError]]


def _plan(article: Article, corrections: Iterable[Correction]) -> _Plan:
    keys = statement_keys(article)
    index = {key: i for i, key in enumerate(keys)}
    plan = _Plan(keys, {}, {}, [], [])
    for correction in _latest(corrections):
        try:
            value = check_value(correction.field, correction.value)
        except CorrectionError as exc:
            plan.invalid.append((correction, exc))
            continue
        if correction.field in ARTICLE_FIELDS:
            if correction.target and correction.target != article_key(article):
                plan.stale.append(correction)  # made for another story the slot held (a file replaced)
            else:
                plan.article[correction.field] = value
        elif correction.target in index:
            plan.statements.setdefault(index[correction.target], {})[correction.field] = value
        else:
            plan.stale.append(correction)
    return plan


def _corrected(statement: Statement, fields: dict[Field, str]) -> Statement:
    """``statement`` with its speaker and organisation corrections (the same object when they change nothing)."""
    changes: dict[str, str | None] = {}
    if "speaker" in fields:
        speaker, role = split_role(fields["speaker"])
        changes.update(speaker=speaker or fields["speaker"], role=role)
    if "org" in fields:
        org = organisation(fields["org"]) if fields["org"] else None
        changes.update(org=org.name if org else None, org_id=org.id if org else None)
    if all(getattr(statement, name) == value for name, value in changes.items()):
        return statement
    return dataclasses.replace(statement, **changes)  # type: ignore[arg-type]


def apply_corrections(article: Article, corrections: Iterable[Correction]) -> Applied:
    """``article`` (as parsed) with the latest correction of each statement field and article field.

    ``corrections`` are one slot's (mixing slots is a ``ValueError``). The article comes back as
    the same object when nothing changes it, else as a new version with its own id. A hidden
    statement is left out of ``statements`` (so out of every view of statements, the channel's
    highlights, search and inline results); its words stay in the paragraphs.
    """
    plan = _plan(article, corrections)
    statements: list[Statement] = []
    for i, statement in enumerate(article.statements):
        fields = plan.statements.get(i)
        if not fields:
            statements.append(statement)
        elif fields.get("hidden") != "1":
            statements.append(_corrected(statement, fields))
    update: dict[str, object] = {}
    if len(statements) != len(article.statements) or any(
        new is not old for new, old in zip(statements, article.statements, strict=True)
    ):
        update["statements"] = tuple(statements)
    if "outlet" in plan.article and (plan.article["outlet"] or None) != article.outlet:
        update["outlet"] = plan.article["outlet"] or None
    if "date" in plan.article:
        published = _published(plan.article["date"], article.published)
        if _iso(published) != _iso(article.published):  # the same instant in another zone is shown otherwise
            update["published"] = published
    corrected = article.model_copy(update=update).with_id() if update else article
    return Applied(corrected, tuple(plan.stale), tuple(plan.invalid))


def numbered_statements(article: Article, corrections: Iterable[Correction] = ()) -> tuple[Numbered, ...]:
    """Every statement of ``article`` (as parsed) with its number and key, corrected, hidden ones marked."""
    plan = _plan(article, corrections)
    return tuple(
        Numbered(
            number=i + 1,
            key=plan.keys[i],
            statement=_corrected(statement, plan.statements.get(i, {})),
            hidden=plan.statements.get(i, {}).get("hidden") == "1",
        )
        for i, statement in enumerate(article.statements)
    )


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _old_value(field: Field, statement: Statement | None, article: Article) -> str:
    if field == "speaker" and statement is not None:
        return statement.speaker
    if field == "org" and statement is not None:
        return statement.org or ""
    if field == "outlet":
        return article.outlet or ""
    if field == "date":
        return _iso(article.published)
    return ""  # hidden: a parsed statement is shown


def _new_value(correction: Correction, article: Article | None) -> str:
    field, value = correction.field, correction.value
    if field == "org" and value:
        org = organisation(value)
        return org.name if org else value
    if field == "date" and value and article is not None:
        try:
            published = _published(value, article.published)
        except CorrectionError:
            return value
        return _iso(published)
    return value


def changes(article: Article | None, corrections: Sequence[Correction]) -> list[Change]:
    """What each correction of one slot changes in ``article`` (as parsed; None when it is not at hand).

    Only the latest correction of each field counts (the store keeps no other); the order given
    is kept (the store's: newest first).
    """
    if not corrections:
        return []
    latest = {id(c) for c in _latest(corrections)}
    keys = statement_keys(article) if article is not None else ()
    out: list[Change] = []
    for correction in corrections:
        if id(correction) not in latest:
            continue
        problem: CorrectionError | None = None
        try:
            check_value(correction.field, correction.value)
        except CorrectionError as exc:
            problem = exc
        new = _new_value(correction, article)
        if article is None:
            out.append(Change(correction, None, None, None, new, problem=problem))
            continue
        statement: Statement | None = None
        number: int | None = None
        if correction.field in STATEMENT_FIELDS:
            if correction.target not in keys:
                out.append(Change(correction, None, None, None, new, stale=True, problem=problem))
                continue
            number = keys.index(correction.target) + 1
            statement = article.statements[number - 1]
        elif correction.target and correction.target != article_key(article):  # made for the slot's story before
            out.append(Change(correction, None, None, None, new, stale=True, problem=problem))
            continue
        old = _old_value(correction.field, statement, article)
        out.append(Change(correction, number, statement.text if statement else None, old, new, problem=problem))
    return out


# what an admin types -----------------------------------------------------------------

_STATEMENT_ACTIONS = {"speaker": "speaker", "org": "org", "hide": "hidden", "show": "hidden"}
_ARTICLE_ACTIONS = {"outlet": "outlet", "date": "date"}
_FIELD_WORDS = "speaker, org, hide, show, outlet, date"


def _is_none(value: str) -> bool:
    return (normalise(value) or value.strip()) in lexicon.correction_words().none


def _action(word: str) -> str:
    action = lexicon.correction_words().actions.get(normalise(word))
    if action is None:
        raise CorrectionError(
            "unknown_field",
            f"{word!r} is neither a statement number nor one of: {_FIELD_WORDS}",
            {"word": word},
        )
    return action


def parse_correction_args(article: Article, args: Sequence[str]) -> Requested:
    """What an admin typed after ``/correct``, checked against ``article`` (as parsed, before corrections).

    ``3 speaker أحمد الشرع``, ``3 org coalition`` (or ``التحالف الدولي``, ``the Syrian Observatory…``),
    ``3 org none``, ``3 hide``, ``3 show``, ``outlet رويترز``, ``date 2022-01-21``; numbers in
    Arabic-Indic digits too (``٣``), field words in either language (``corrections.json``).
    Raises :class:`~bot.errors.CorrectionError` naming what was wrong.
    """
    words = [word for arg in args for word in arg.split()]
    if not words:
        raise CorrectionError("usage", f"nothing to correct: /correct <number> <{_FIELD_WORDS}> <value>")
    key, action, rest = _target(article, words, "/correct")
    if key:
        return _statement_request(key, action, " ".join(rest))
    if action not in _ARTICLE_ACTIONS:  # a word of /uncorrect only
        raise CorrectionError("unknown_field", f"{words[0]!r} is not one of: {_FIELD_WORDS}", {"word": words[0]})
    field: Field = "outlet" if action == "outlet" else "date"
    value = " ".join(rest)
    if not value:
        raise CorrectionError("missing_value", f"the new {field} is missing", {"field": field})
    return Requested(article_key(article), field, "" if _is_none(value) else check_value(field, value))


def _target(article: Article, words: Sequence[str], command: str) -> tuple[str, str, list[str]]:
    """``(statement key or "" for the article, action, the words after it)`` of a command's words."""
    number = read_number(words[0])
    if number is None:
        action = _action(words[0])
        if action in _STATEMENT_ACTIONS:
            raise CorrectionError(
                "needs_statement",
                f"which statement? {command} <number> {action} …",
                {"field": _STATEMENT_ACTIONS[action]},
            )
        return "", action, list(words[1:])
    count = len(article.statements)
    if not 1 <= number <= count:
        raise CorrectionError(
            "no_statement",
            f"there is no statement {number}: the article has {count}",
            {"number": number, "count": count},
        )
    if len(words) < 2:
        raise CorrectionError("no_field", f"what of statement {number}? speaker, org, hide or show", {"number": number})
    action = _action(words[1])
    if action in _ARTICLE_ACTIONS:
        raise CorrectionError(
            "article_field",
            f"the {action} is the article's, not a statement's: {command} {action} …",
            {"field": _ARTICLE_ACTIONS[action]},
        )
    return statement_keys(article)[number - 1], action, list(words[2:])


def _statement_request(key: str, action: str, value: str) -> Requested:
    if action in ("hide", "show"):
        if value:
            problem = f"{action} takes nothing after it, not {value!r}"
            raise CorrectionError("unexpected_value", problem, {"field": "hidden", "value": value})
        return Requested(key, "hidden", "1" if action == "hide" else "")
    field: Field = "speaker" if action == "speaker" else "org"
    if not value:
        raise CorrectionError("missing_value", f"the new {field} is missing", {"field": field})
    if field == "speaker":
        return Requested(key, field, check_value(field, value))
    if _is_none(value):
        return Requested(key, field, "")
    org = find_organisation(value)
    if org is None:
        known = _organisations_known()
        raise CorrectionError(
            "unknown_org", f"no organisation is called {value!r} (known: {known})", {"value": value, "known": known}
        )
    return Requested(key, field, org.id)


def asks_for_stale(args: Sequence[str]) -> bool:
    """Whether ``/uncorrect``'s words are ``stale``: every correction of a statement no longer there."""
    words = [word for arg in args for word in arg.split()]
    return len(words) == 1 and lexicon.correction_words().actions.get(normalise(words[0])) == "stale"


def parse_undo_args(article: Article, args: Sequence[str]) -> tuple[str, Field]:
    """What an admin typed after ``/uncorrect``: ``3 speaker``, ``3 org``, ``3 hide`` (or ``show``),
    ``outlet``, ``date``; the ``(target, field)`` whose correction is taken back.

    Numbers count as for :func:`parse_correction_args` (``article`` as parsed). Raises
    :class:`~bot.errors.CorrectionError` naming what was wrong.
    """
    words = [word for arg in args for word in arg.split()]
    if not words:
        raise CorrectionError("usage", f"nothing to take back: /uncorrect <number> <{_FIELD_WORDS}>")
    key, action, _rest = _target(article, words, "/uncorrect")
    if not key and action not in _ARTICLE_ACTIONS:
        raise CorrectionError("unknown_field", f"{words[0]!r} is not one of: {_FIELD_WORDS}", {"word": words[0]})
    if not key:
        return article_key(article), "outlet" if action == "outlet" else "date"
    field: Field = "hidden" if action in ("hide", "show") else ("speaker" if action == "speaker" else "org")
    return key, field
