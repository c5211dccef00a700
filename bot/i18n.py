"""UI strings in Arabic and English, from ``bot/data/locales/*.json``.

Templates may hold HTML markup of our own; every value put into them is escaped by the
renderer before formatting, never here.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

Language = Literal["ar", "en"]
LANGUAGES: tuple[Language, ...] = ("ar", "en")


@cache
def _catalogue(lang: Language) -> dict[str, str]:
    text = resources.files("bot.data").joinpath("locales", f"{lang}.json").read_text("utf-8")
    data: dict[str, str] = json.loads(text)
    return data


def t(lang: Language, key: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``values`` filled in (already escaped by the caller)."""
    template = _catalogue(lang).get(key) or _catalogue("ar")[key]
    return template.format(**values) if values else template


def pick_language(language_code: str | None, default: Language = "ar") -> Language:
    """The UI language for a Telegram ``language_code``: English for ``en*``, else the default."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    if language_code and language_code.lower().startswith("ar"):
        return "ar"
    return default
