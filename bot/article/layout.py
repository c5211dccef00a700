"""The layout of a scraped page: title, date, dateline, body paragraphs, with site debris removed.

Debris goes by general rules, never by a list of one site's lines:

- blank lines and lines of no-break spaces;
- Latin interface text (``App store icon``), URL and path fragments (``me_ga.php?id=1``);
- short lines that are not sentences (menu words such as ``كل الأخبار``);
- a line repeating the title;
- promo lines for the outlet's own channels (a channel or app word in a short line);
- links to other stories (``اقرأ أيضا: …``, a label of ``page.json``'s ``related_labels`` opening a short line);
- everything above the title (tickers, menus), once the title is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.article import dates, lexicon
from bot.article.arabic import arabic_ratio, normalise
from bot.article.lexicon import contains_phrase
from bot.errors import NoBodyError

_SPACES = re.compile(r"[\s\u00a0\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]+")
# URL marks: each alternative starts at a fixed character (":", ".", "?") or a fixed word, and the runs
# of word characters it scans follow that character, so a search is linear even in one very long word
# (``\w+\.\w+\?`` tried every start inside the word: quadratic, 63 s for a 255 KB word).
_URL_MARKS = re.compile(r"https?://|www\.|\.(?:php|aspx?|html?|jsp)\b|\?\w+=|(?<=\w)\.\w+\?", re.I)
_PATH_CHARS = re.compile(r"[\w./-]*")
_DATELINE = re.compile(r"^(?P<place>[^\d\W][\w\s()]{1,30}?)\s*[-–—/|:]\s*(?P<agency>\(?[^\W\d][\w\s\"«»()]{0,30}?\)?)$")
_INLINE_DATELINE = re.compile(  # ``القاهرة (رويترز) - قال…`` / ``دمشق - «سانا»: أعلنت…`` / ``دبي، الإمارات (CNN) -- …``
    r"^(?P<place>[^\W\d][\w]+(?: [\w]+)?(?:، [^\W\d]\w+(?: \w+){0,2})?)\s*(?:[(«\"](?P<agency>[^)»\"]{2,30})[)»\"]\s*"
    r"[-–—:]{1,2}|[-–—]\s*[(«\"](?P<agency2>[^)»\"]{2,30})[)»\"]\s*[-–—:]{1,2})\s+"
)
_SENTENCE_END = re.compile(r"[.!?؟…]['\"»”)]*$")
_BRACES = re.compile(r"[{}]")


@dataclass
class Layout:
    """What :func:`read_layout` finds in a page."""

    title: str
    paragraphs: list[str]
    published: datetime | None = None
    dateline: tuple[str, str] | None = None
    credited_sources: list[str] = field(default_factory=list)


def clean_line(line: str) -> str:
    """One line with every kind of space folded to a plain space, bidi marks removed."""
    return _SPACES.sub(" ", line).strip()


def read_layout(
    lines: list[str],
    *,
    path: str | None = None,
    title_hint: str | None = None,
    published_hint: datetime | None = None,
    opening: int | None = None,
) -> Layout:
    """Find title, date, dateline and body in the lines of a page.

    With ``opening``, a dateline is looked for only in that many lines after the title (the
    body's opening), never above it: for the main text of a web page, whose header lines
    (``عربي | English``) look like datelines.
    """
    lines = [clean_line(line) for line in lines]
    lines = [line for line in lines if line]
    if not lines:
        raise NoBodyError(path, "no text in the file")
    title_index = _title_index(lines, title_hint)
    title = title_hint or (lines[title_index] if title_index is not None else "")
    date_index = _first(lines, dates.looks_like_date_line)
    dateline_index = _dateline_index(lines, title_index, opening)
    dateline = _dateline(lines[dateline_index]) if dateline_index is not None else None
    tz_name = dates.timezone_for(dateline[0]) if dateline else None
    published = published_hint or (dates.find_date(lines[date_index], tz_name) if date_index is not None else None)

    start = title_index + 1 if title_index is not None else 0
    norm_title = normalise(title)
    paragraphs: list[str] = []
    credited: list[str] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if index in (date_index, dateline_index):
            continue
        label = _source_label(line)
        if label:
            credited.append(label)
            continue
        if normalise(line) == norm_title or _is_debris(line):
            continue
        paragraphs.append(line)
    if not paragraphs:
        raise NoBodyError(path, "no article body found (no paragraph of running Arabic text)")
    if dateline is None:
        inline = _INLINE_DATELINE.match(paragraphs[0])
        if inline and len(paragraphs[0]) > inline.end():
            dateline = (inline.group("place").strip(), (inline.group("agency") or inline.group("agency2")).strip())
            paragraphs[0] = paragraphs[0][inline.end() :]
            if published is not None and published_hint is None and date_index is not None:
                published = dates.find_date(lines[date_index], dates.timezone_for(dateline[0]))
    if not title:
        title = _title_from_body(paragraphs[0])
    return Layout(
        title=_BRACES.sub("", title).strip(),
        paragraphs=paragraphs,
        published=published,
        dateline=dateline,
        credited_sources=credited,
    )


def _dateline_index(lines: list[str], title_index: int | None, opening: int | None = None) -> int | None:
    """The dateline line: just after the title first (menus and breadcrumbs come before it)."""
    start = title_index + 1 if title_index is not None else 0
    for index in range(start, min(len(lines), start + (opening or 6))):
        line = lines[index]
        if _dateline(line) is not None and _source_label(line) is None and not _is_related(line):
            return index
    if opening is not None:
        return None
    return _first(lines, lambda s: _dateline(s) is not None and not _is_related(s), limit=title_index)


def _first(lines: list[str], test: object, limit: int | None = None) -> int | None:
    assert callable(test)
    end = len(lines) if limit is None else min(len(lines), limit + 6)
    for index in range(end):
        if test(lines[index]):
            return index
    return None


def is_headline(line: str) -> bool:
    """Could ``line`` be a headline: Arabic, a few words, not a running sentence."""
    n_words = len(line.split())
    return (
        3 <= n_words <= 30
        and arabic_ratio(line) >= 0.6
        and not _urlish(line)
        and not dates.looks_like_date_line(line)
        and _dateline(line) is None
        and not line.endswith((".", ":", "،"))
        and not _is_promo(line)
    )


def _title_index(lines: list[str], hint: str | None) -> int | None:
    if hint:
        norm = normalise(hint)
        for index, line in enumerate(lines):
            if normalise(line) == norm:
                return index
        return None
    seen: dict[str, int] = {}
    for index, line in enumerate(lines[:40]):
        key = normalise(line)
        if key in seen and is_headline(line):
            return seen[key]
        seen.setdefault(key, index)
    date_index = _first(lines[:40], dates.looks_like_date_line)
    if date_index is not None:
        for index in range(date_index - 1, max(-1, date_index - 4), -1):
            if is_headline(lines[index]):
                return index
    for index, line in enumerate(lines[:10]):
        if is_headline(line):
            return index
        if _is_body(line):
            break
    return None


def _title_from_body(paragraph: str) -> str:
    clauses = [clause for part in paragraph.split("،") for clause in part.split(".")]
    first = next((c for c in clauses if re.search(r"\w", _BRACES.sub("", c))), paragraph)  # not "" for "، أكد…"
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"


def _dateline(line: str) -> tuple[str, str] | None:
    if len(line.split()) > 6 or len(line) > 50:
        return None
    match = _DATELINE.match(line)
    if not match:
        return None
    place = match.group("place").strip()
    agency = match.group("agency").strip().strip('()"«» ')
    if not place or not agency or len(place.split()) > 3 or len(agency.split()) > 4:
        return None
    return place, agency


def _source_label(line: str) -> str | None:
    head, sep, rest = line.partition(":")
    if sep and normalise(head) in lexicon.page().source_labels and 0 < len(rest.split()) <= 6:
        return rest.strip().strip('"«»')
    return None


def _is_body(line: str) -> bool:
    return len(line.split()) >= 8 and arabic_ratio(line) >= 0.6


def _is_promo(line: str) -> bool:
    words = normalise(line).split()
    if len(words) > 16:
        return False
    vocab = lexicon.page()
    has_channel = any(contains_phrase(words, phrase) >= 0 for phrase in vocab.promo_words)
    has_hint = any(contains_phrase(words, phrase) >= 0 for phrase in vocab.promo_hints)
    return has_channel and (has_hint or len(words) <= 8)


def _is_related(line: str) -> bool:
    """A link to another story: ``اقرأ أيضا: …``, or the label alone, in a short line."""
    words = normalise(line.replace(":", " : ")).split()
    if len(words) > 16:
        return False
    return any(contains_phrase(words, label) == 0 for label in lexicon.page().related_labels)


def _urlish(line: str) -> bool:
    """A URL or path fragment: ``https://``, ``www.``, ``me_ga.php?id=1``, ``/news/2022/``."""
    return _URL_MARKS.search(line) is not None or ("/" in line and _PATH_CHARS.fullmatch(line) is not None)


def _is_debris(line: str) -> bool:
    if arabic_ratio(line) < 0.5:
        return True
    if _is_related(line):
        return True
    if _urlish(line) and len(line.split()) <= 3:
        return True
    if _is_promo(line):
        return True
    n_words = len(line.split())
    return n_words < 6 and not _SENTENCE_END.search(line)
