"""Which Arabic month names an article's dates are written with: those of the outlet's country.

Iraq and the Levant write كانون الثاني، شباط…; Egypt and the Gulf يناير، فبراير…; Algeria and Tunisia
جانفي، فيفري…. The country is known by the time zone of the dateline's place (``page.json``) or of
the publication date; ``calendar.json`` maps zones to a style, ``locales/ar.json`` holds the names.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from bot.article.dates import timezone_for
from bot.article.model import Article


@cache
def _calendar() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("bot.data").joinpath("calendar.json").read_text("utf-8"))
    return data


def default_style() -> str:
    """The style used when the article's country is unknown."""
    return str(_calendar()["default_style"])


def style_for_zone(zone: str | None) -> str:
    """The month-name style of an IANA zone (``Africa/Cairo`` -> ``gregorian``)."""
    styles: dict[str, str] = _calendar()["styles_by_zone"]
    return styles.get(zone or "", default_style())


def month_style(article: Article) -> str:
    """The month-name style of the article's country: its dateline place first, else its date's zone."""
    zone = timezone_for(article.dateline.place) if article.dateline else None
    if zone is None and article.published is not None and isinstance(article.published.tzinfo, ZoneInfo):
        zone = article.published.tzinfo.key
    return style_for_zone(zone)
