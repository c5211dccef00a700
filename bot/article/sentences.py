"""Arabic sentence splitting that respects quotes, the Arabic comma, numbers and dates.

A sentence ends at ``.``, ``!``, ``?``, ``؟`` or ``…`` followed by a space or the end of the
paragraph, but never inside a quotation (``"…"``, ``«…»``, ``“…”``), never inside a number or a
date such as ``2022.01.26`` and never at a double dot (``..``), which Arabic headlines use as a pause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAIRS = {"«": "»", "“": "”", "„": "”", "‹": "›"}
_ENDERS = ".!?؟…"
_SINGLE_LETTER = re.compile(r"(?:^|\s)\w$")


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation: ``start`` is the opening mark's index, ``end`` the closing mark's index."""

    start: int
    end: int

    @property
    def inner(self) -> tuple[int, int]:
        """Slice bounds of the quoted text, marks excluded."""
        return self.start + 1, self.end


def quote_spans(text: str) -> list[QuoteSpan]:
    """Outermost quotations in ``text``; straight quotes pair in order, an odd last one is ignored."""
    spans: list[QuoteSpan] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            close = text.find('"', i + 1)
            if close == -1:
                break
            spans.append(QuoteSpan(i, close))
            i = close + 1
            continue
        if ch in _PAIRS:
            close = _matching(text, i, ch, _PAIRS[ch])
            if close != -1:
                spans.append(QuoteSpan(i, close))
                i = close + 1
                continue
        i += 1
    return spans


def _matching(text: str, start: int, opener: str, closer: str) -> int:
    depth = 0
    for j in range(start, len(text)):
        if text[j] == opener and (opener != closer or j == start):
            depth += 1
        elif text[j] == closer:
            depth -= 1
            if depth == 0:
                return j
    return -1


def inside(spans: list[QuoteSpan], index: int) -> bool:
    """Whether ``index`` falls inside one of ``spans`` (marks included)."""
    return any(span.start <= index <= span.end for span in spans)


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of ``paragraph``, verbatim and stripped, in order."""
    return [paragraph[a:b] for a, b in sentence_bounds(paragraph)]


def sentence_bounds(paragraph: str) -> list[tuple[int, int]]:
    """``(start, end)`` slices of each sentence of ``paragraph`` (whitespace trimmed)."""
    spans = quote_spans(paragraph)
    bounds: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(paragraph)
    while i < n:
        ch = paragraph[i]
        if ch in _ENDERS and not inside(spans, i):
            j = i
            while j + 1 < n and paragraph[j + 1] in _ENDERS:
                j += 1
            run = paragraph[i : j + 1]
            after = j + 1
            while after < n and paragraph[after] in ")]»”\"'":
                after += 1
            at_end = after >= n or paragraph[after].isspace()
            is_pause = run == ".."
            is_abbreviation = run == "." and bool(_SINGLE_LETTER.search(paragraph[start:i]))
            if at_end and not is_pause and not is_abbreviation:
                _push(bounds, paragraph, start, after)
                start = after
            i = after
            continue
        i += 1
    _push(bounds, paragraph, start, n)
    return bounds


def _push(bounds: list[tuple[int, int]], text: str, a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        bounds.append((a, b))
