"""Publication dates: ``2022.01.26 - 19:04``, ``26/01/2022``, ``26 كانون الثاني 2022``, ISO 8601."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.article import lexicon
from bot.article.arabic import normalise, western_digits

_YMD = re.compile(r"(?<!\d)(\d{4})[./-](\d{1,2})[./-](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})\s+([^\d\s]+(?:\s[^\d\s]+)?)\s+(\d{4})(?!\d)")
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s+([^\d\s،,.]+(?:\s[^\d\s،,.]+)?)")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def find_date(text: str, tz_name: str | None = None) -> datetime | None:
    """The first date (and time, when given) in ``text``, aware in ``tz_name`` unless it has an offset."""
    text = western_digits(text)
    iso = _ISO.search(text)
    if iso:
        try:
            parsed = datetime.fromisoformat(iso.group(0).replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=_zone(tz_name))
    day = _day(text)
    if day is None:
        return None
    year, month, dom = day
    hour = minute = second = 0
    clock = _TIME.search(text)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        second = int(clock.group(3) or 0)
        hour = _twelve_hour(hour, text[clock.end() : clock.end() + 12])
    try:
        return datetime(year, month, dom, hour, minute, second, tzinfo=_zone(tz_name))
    except ValueError:
        return None


@cache
def _meridiem(pm: bool) -> re.Pattern[str]:
    """``page.json``'s PM (or AM) words right after a time; short ones (``م``، ``pm``) as whole words only."""
    words = lexicon.page().pm_words if pm else lexicon.page().am_words
    short = [w for w in words if len(w) <= 2]
    long = [w for w in words if len(w) > 2]
    parts = [f"(?:{lexicon.alternation(long)})"] if long else []
    if short:
        parts.append(rf"(?:{lexicon.alternation(short)})\b")
    return re.compile(rf"^\s*(?:{'|'.join(parts)})", re.I)


def _twelve_hour(hour: int, after: str) -> int:
    """``11:30 م`` / ``8:15 مساءً`` / ``11:30 PM`` -> 23, 20, 23; ``12:05 ص`` -> 0."""
    if _meridiem(pm=True).match(after) and hour < 12:
        return hour + 12
    if _meridiem(pm=False).match(after) and hour == 12:
        return 0
    return hour


def looks_like_date_line(line: str) -> bool:
    """A short line that is mostly a date (the byline stamp of a news page)."""
    text = western_digits(line)
    if len(text.split()) > 8 or (_day(text) is None and not _ISO.search(text)):
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters <= 30


def mentioned_days(text: str) -> list[tuple[int, int]]:
    """``(month, day)`` of every calendar day named in ``text`` (``20 كانون الثاني``، ``26/1/2022``)."""
    text = western_digits(text)
    found: list[tuple[int, int]] = []
    months = lexicon.page().months
    for m in _DAY_MONTH.finditer(text):
        words_after = m.group(2).split()
        month = months.get(normalise(" ".join(words_after[:2]))) or months.get(normalise(words_after[0]))
        if month and 1 <= int(m.group(1)) <= 31:
            found.append((month, int(m.group(1))))
    for m in _YMD.finditer(text):
        found.append((int(m.group(2)), int(m.group(3))))
    for m in _DMY.finditer(text):
        found.append((int(m.group(2)), int(m.group(1))))
    return found


def _day(text: str) -> tuple[int, int, int] | None:
    if m := _YMD.search(text):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m := _DMY.search(text):
        return int(m.group(3)), int(m.group(2)), int(m.group(1))
    months = lexicon.page().months
    for m in _WORD_DATE.finditer(text):
        month = months.get(normalise(m.group(2)))
        if month is None:
            month = months.get(normalise(m.group(2).split()[0]))
        if month:
            return int(m.group(3)), month, int(m.group(1))
    return None


def _zone(tz_name: str | None) -> timezone | ZoneInfo:
    name = tz_name or lexicon.page().default_timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(0))


def default_zone() -> timezone | ZoneInfo:
    """The zone of ``page.json``'s ``default_timezone``."""
    return _zone(None)


def timezone_for(place: str | None) -> str | None:
    """The IANA zone of a dateline place, when ``page.json`` knows it."""
    if not place:
        return None
    zones = lexicon.page().place_timezones
    folded = normalise(place)
    return zones.get(folded) or zones.get(folded.split(" ")[0])
