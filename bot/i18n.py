"""UI strings in Arabic and English, from ``bot/data/locales/*.json``.

A string is either a template (``"welcome": "..."``) or, for a count, one template per CLDR
plural category (``"n_statements": {"zero": ..., "one": ..., "two": ..., "few": ..., "many": ...,
"other": ...}``): Arabic has all six, English ``one`` and ``other``. :func:`plural` picks the
category through Babel's CLDR rules, so ``11 تصريحاً`` and ``3 تصريحات`` come from the data, not
from branches in code.

Templates may hold HTML markup of our own; every value put into them is escaped by the
renderer before formatting, never here.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

from babel import Locale

from bot.article.arabic import read_number as read_number  # typed numbers: the article core reads them too

Language = Literal["ar", "en"]
LANGUAGES: tuple[Language, ...] = ("ar", "en")

Entry = str | dict[str, str]


@cache
def _catalogue(lang: Language) -> dict[str, Entry]:
    text = resources.files("bot.data").joinpath("locales", f"{lang}.json").read_text("utf-8")
    data: dict[str, Entry] = json.loads(text)
    return data


def _entry(lang: Language, key: str) -> Entry:
    entry = _catalogue(lang).get(key)
    return entry if entry else _catalogue("ar")[key]


def has(lang: Language, key: str) -> bool:
    """Whether ``lang``'s own file holds ``key`` (without falling back to Arabic)."""
    return key in _catalogue(lang)


def t(lang: Language, key: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``values`` filled in (already escaped by the caller)."""
    template = _entry(lang, key)
    if not isinstance(template, str):
        raise TypeError(f"{key} is a plural message: use plural()")
    return template.format(**values) if values else template


@cache
def _plural_rule(lang: Language) -> Locale:
    return Locale.parse(lang)


def plural_category(lang: Language, count: int) -> str:
    """The CLDR plural category of ``count`` in ``lang``: zero, one, two, few, many or other."""
    return str(_plural_rule(lang).plural_form(count))


def plural(lang: Language, key: str, count: int, **values: object) -> str:
    """The plural message ``key`` for ``count`` (as ``{n}``), with ``values`` filled in.

    A category the file does not give falls back to ``other``.
    """
    forms = _entry(lang, key)
    if not isinstance(forms, dict):
        raise TypeError(f"{key} is not a plural message: use t()")
    template = forms.get(plural_category(lang, count)) or forms["other"]
    return template.format(n=count, **values)


def pick_language(language_code: str | None, default: Language = "ar") -> Language:
    """The UI language for a Telegram ``language_code``: English for ``en*``, else the default."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    if language_code and language_code.lower().startswith("ar"):
        return "ar"
    return default
