"""The admins' views of corrections (:mod:`bot.article.corrections`), as pure functions.

- :func:`correction_statements`: ``/correct`` alone, the article's statements numbered as
  ``/correct <number> …`` counts them (hidden ones included, and marked), paged;
- :func:`corrections_list`: ``/corrections``, every correction by article slot, with the
  statement it corrects, the value before and after, and the stale ones marked, paged;
- :func:`correction_made` and :func:`correction_removed`: the answer to a correction;
- :func:`correction_error`: a :class:`~bot.errors.CorrectionError` in the admin's language.

``article`` is always the article *as parsed*, before its corrections (the numbers and the values
before are its own); every piece of article text and everything an admin typed is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from bot.article import lexicon
from bot.article.corrections import (
    ARTICLE_FIELDS,
    STATEMENT_FIELDS,
    Change,
    Correction,
    Field,
    apply_corrections,
    changes,
    numbered_statements,
    statement_number,
)
from bot.article.dates import default_zone
from bot.article.model import Article, Statement
from bot.errors import CorrectionError
from bot.i18n import Language, plural, t
from bot.render import month_names
from bot.render.html import esc, tg_len, visible
from bot.render.paging import SEPARATOR, group_blocks
from bot.render.views import (
    PAGE_BUDGET,
    View,
    checked,
    cut_text,
    format_date,
    heading,
    join,
    pager_keyboard,
)

EXCERPT = 60
"""Characters of a statement shown in the list of corrections."""
LIST_EXCERPT = 120
"""Characters of a statement shown in the numbered list of ``/correct``."""
VALUE_MAX = 200
"""A name longer than this (a speaker typed at length) is cut in these views: every entry fits a page."""


def _shown(markup: str) -> int:
    """How long Telegram counts ``markup`` (our HTML) once parsed."""
    return tg_len(visible(markup))


def _pages(header: str, blocks: list[str]) -> list[list[str]]:
    """Rendered entries grouped whole into pages that fit a message with ``header`` (the longest page number)."""
    return group_blocks(blocks, PAGE_BUDGET - _shown(header) - tg_len(SEPARATOR), _shown)


def _field_name(lang: Language, field: Field) -> str:
    return t(lang, f"correction_field_{field}")


def _who(statement: Statement, lang: Language) -> str:
    who = f"<b>{esc(cut_text(statement.speaker, VALUE_MAX))}</b>"
    if statement.role:
        who = t(lang, "speaker_role", speaker=who, role=esc(cut_text(statement.role, VALUE_MAX)))
    return who


def _org(name: str | None, org_id: str | None, lang: Language) -> str:
    """An organisation inside a sentence: in English, its English name as ``organisations.json`` writes it."""
    if not name:
        return t(lang, "correction_no_org")
    org = next((o for o in lexicon.organisations() if o.id == org_id or o.name == name), None)
    shown = org.english if org is not None and lang == "en" else name
    return esc(cut_text(shown, VALUE_MAX))


def _date(value: datetime | None, lang: Language, article: Article | None) -> str:
    style = month_names.month_style(article) if article is not None else None
    return format_date(value, lang, style) if value is not None else t(lang, "correction_no_date")


def _value(field: Field, value: str, lang: Language, article: Article | None) -> str:
    """A value of a :class:`~bot.article.corrections.Change` (in the article's terms) for people."""
    if field == "hidden":
        return t(lang, "correction_value_hidden" if value == "1" else "correction_value_shown")
    if field == "org":
        return _org(value, None, lang)
    if field == "date":
        try:
            parsed = datetime.fromisoformat(value) if value else None
        except ValueError:
            return esc(cut_text(value, VALUE_MAX))
        return _date(parsed, lang, article)
    if field == "outlet" and not value:
        return t(lang, "correction_no_outlet")
    return esc(cut_text(value, VALUE_MAX))


# /correct alone: the numbered statements ----------------------------------------------


def _statement_entry(number: int, statement: Statement, hidden: bool, lang: Language) -> str:
    org = _org(statement.org, statement.org_id, lang)
    line = t(lang, "correct_statement", number=number, who=_who(statement, lang), org=org)
    if hidden:
        line += " " + t(lang, "correct_hidden")
    return f"{line}\n<blockquote>{esc(cut_text(statement.text, LIST_EXCERPT))}</blockquote>"


def correction_statements(
    article: Article, corrections: Sequence[Correction], lang: Language, number: int = 1
) -> View:
    """Page ``number`` of ``article``'s statements, numbered for ``/correct``, with their corrections.

    The pager's buttons (``correct`` links) carry the id of the corrected version, the one readers
    are served.
    """
    rows = numbered_statements(article, corrections)
    if not rows:
        return View(t(lang, "correct_no_statements", title=heading(article)))
    blocks = [_statement_entry(row.number, row.statement, row.hidden, lang) for row in rows]
    pages = _pages(t(lang, "correct_header", title=heading(article), n=99999, m=99999), blocks)
    if not 1 <= number <= len(pages):
        raise IndexError(number)
    header = t(lang, "correct_header", title=heading(article), n=number, m=len(pages))
    served = apply_corrections(article, corrections).article.id
    keyboard = pager_keyboard(served, "correct", number, len(pages), lang, lambda n: str(n))
    return View(checked(header + SEPARATOR + SEPARATOR.join(pages[number - 1])), keyboard)


# /corrections: the list ---------------------------------------------------------------


def _change_line(change: Change, lang: Language, article: Article | None) -> str:
    correction = change.correction
    field, name = correction.field, _field_name(lang, correction.field)
    new = _value(field, change.new, lang, article)
    if change.old is not None:
        what = t(lang, "correction_change", field=name, old=_value(field, change.old, lang, article), new=new)
    else:
        what = t(lang, "correction_change_new", field=name, new=new)
    if change.stale:
        line = t(lang, "corrections_stale", change=what)
    elif correction.field in ARTICLE_FIELDS:
        line = t(lang, "corrections_article", change=what)
    elif change.number is not None and change.text is not None:
        excerpt = esc(cut_text(change.text, EXCERPT))
        line = t(lang, "corrections_statement", number=change.number, text=excerpt, change=what)
    else:
        line = t(lang, "corrections_unknown_statement", change=what)
    if change.problem is not None:
        line += " " + t(lang, "correction_invalid")
    when = format_date(datetime.fromtimestamp(correction.at, default_zone()), lang)
    return line + " " + t(lang, "correction_by", admin=correction.admin_id, when=when)


def _slot_header(slot: str, article: Article | None, lang: Language) -> str:
    if article is None:
        return t(lang, "corrections_slot_missing", slot=esc(cut_text(slot, VALUE_MAX)))
    return t(lang, "corrections_slot", slot=esc(cut_text(slot, VALUE_MAX)), title=heading(article))


def _slot_blocks(
    slot: str, article: Article | None, corrections: Sequence[Correction], lang: Language, budget: int
) -> list[str]:
    """One slot's header and its lines, as blocks that each fit ``budget`` (the header repeated on each)."""
    header = _slot_header(slot, article, lang)
    blocks = [header]
    for change in changes(article, corrections):
        line = _change_line(change, lang, article)
        if _shown(blocks[-1]) + 1 + _shown(line) > budget:
            blocks.append(header)
        blocks[-1] += "\n" + line
    return blocks


def corrections_list(
    groups: Sequence[tuple[str, Article | None, Sequence[Correction]]],
    lang: Language,
    number: int = 1,
    latest_id: str = "",
) -> View:
    """Page ``number`` of the corrections, by slot: ``groups`` are ``(slot, article as parsed or None when
    it is not in the library, its corrections newest first)``; the pager carries ``latest_id`` (none without)."""
    count = sum(len(corrections) for _, _, corrections in groups)
    if not count:
        return View(t(lang, "corrections_none"))
    longest = t(lang, "corrections_header", count=plural(lang, "n_corrections", count), n=99999, m=99999)
    budget = PAGE_BUDGET - _shown(longest) - tg_len(SEPARATOR)
    blocks = [
        block
        for slot, article, corrections in groups
        if corrections
        for block in _slot_blocks(slot, article, corrections, lang, budget)
    ]
    pages = _pages(longest, blocks)
    if not 1 <= number <= len(pages):
        raise IndexError(number)
    header = t(lang, "corrections_header", count=plural(lang, "n_corrections", count), n=number, m=len(pages))
    keyboard = None
    if latest_id:
        keyboard = pager_keyboard(latest_id, "corrections", number, len(pages), lang, lambda n: str(n))
    return View(checked(header + SEPARATOR + SEPARATOR.join(pages[number - 1])), keyboard)


# the answer to a correction -----------------------------------------------------------


def correction_made(
    article: Article, corrections: Sequence[Correction], correction: Correction, lang: Language, *, posted: bool = False
) -> View:
    """What the admin is told once ``correction`` is kept: what the article now shows.

    ``corrections`` are the slot's, ``correction`` among them; ``posted``: the article is in the
    channel, whose posts will be edited.
    """
    field, value = correction.field, correction.value
    if correction.field in STATEMENT_FIELDS:
        number = statement_number(article, correction.target)
        if number is None:
            raise IndexError(correction.target)
        statement = numbered_statements(article, corrections)[number - 1].statement
        if field == "speaker":
            text = t(lang, "correction_made_speaker", number=number, who=_who(statement, lang))
        elif field == "org" and statement.org:
            text = t(lang, "correction_made_org", number=number, org=_org(statement.org, statement.org_id, lang))
        elif field == "org":
            text = t(lang, "correction_made_no_org", number=number)
        else:
            text = t(lang, "correction_made_hidden" if value == "1" else "correction_made_shown", number=number)
    else:
        corrected = apply_corrections(article, corrections).article
        if field == "outlet" and corrected.outlet:
            text = t(lang, "correction_made_outlet", outlet=esc(cut_text(corrected.outlet, VALUE_MAX)))
        elif field == "outlet":
            text = t(lang, "correction_made_no_outlet")
        elif corrected.published is not None:
            text = t(lang, "correction_made_date", date=_date(corrected.published, lang, corrected))
        else:
            text = t(lang, "correction_made_no_date")
    if posted:
        text += " " + t(lang, "correction_posted")
    return View(text)


def correction_removed(
    article: Article | None, correction: Correction, lang: Language, *, posted: bool = False
) -> View:
    """What the admin is told once ``correction`` is taken back (the article shows what was parsed again)."""
    field = _field_name(lang, correction.field)
    statement = correction.field in STATEMENT_FIELDS
    number = statement_number(article, correction.target) if article is not None and statement else None
    if not statement:
        text = t(lang, "correction_removed_article", field=field)
    elif number is not None:
        text = t(lang, "correction_removed", field=field, number=number)
    else:
        text = t(lang, "correction_removed_stale", field=field)
    if posted:
        text += " " + t(lang, "correction_posted")
    return View(text)


def correction_error(error: CorrectionError, lang: Language) -> View:
    """Why a correction cannot be made, in the admin's language: what was wrong and what to send."""
    values: dict[str, object] = {
        name: esc(cut_text(value, VALUE_MAX)) if isinstance(value, str) else value
        for name, value in error.details.items()
    }
    if isinstance(field := error.details.get("field"), str):
        values["field_name"] = _field_name(lang, cast(Field, field))
    if error.reason == "unknown_org":
        names = [f"{org.id} ({_org(org.name, org.id, lang)})" for org in lexicon.organisations()]
        values["known"] = join(lang, names)
    if error.reason == "no_statement":
        count = int(error.details.get("count", 0))
        values.pop("count", None)
        if count == 0:
            return View(t(lang, "correction_error_no_statements", **values))
        return View(plural(lang, "correction_error_no_statement", count, **values))
    return View(t(lang, f"correction_error_{error.reason}", **values))

