"""Arabic sentence splitting that respects quotes, the Arabic comma, numbers and dates.

A sentence ends at ``.``, ``!``, ``?``, ``؟`` or ``…`` followed by a space or the end of the
paragraph, but never inside a quotation (``"…"``, ``«…»``, ``“…”``), never inside a number or a
date such as ``2022.01.26`` and never at a double dot (``..``), which Arabic headlines use as a pause.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_PAIRS = {"«": "»", "“": "”", "„": "”", "‹": "›"}
_ENDERS = ".!?؟…"
_OPENERS = re.compile('["' + "".join(_PAIRS) + "]")
_PAIR_MARKS = {opener: re.compile(re.escape(opener) + "|" + re.escape(closer)) for opener, closer in _PAIRS.items()}
_ENDER_RUN = re.compile("[" + re.escape(_ENDERS) + "]+")
_WORD_CHAR = re.compile(r"\w")


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
    pos = 0
    while (found := _OPENERS.search(text, pos)) is not None:
        i = found.start()
        if text[i] == '"':
            close = text.find('"', i + 1)
            if close == -1:
                break
        else:
            close = _matching(text, i)
            if close == -1:
                pos = i + 1
                continue
        spans.append(QuoteSpan(i, close))
        pos = close + 1
    return spans


def _matching(text: str, start: int) -> int:
    """Index of the mark that closes the paired opener at ``start`` (nesting counted), or -1."""
    opener = text[start]
    depth = 0
    for mark in _PAIR_MARKS[opener].finditer(text, start):
        if mark.group() == opener:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return mark.start()
    return -1


def inside(spans: list[QuoteSpan], index: int) -> bool:
    """Whether ``index`` falls inside one of ``spans`` (marks included); ``spans`` in text order."""
    k = bisect_right(spans, index, key=_start) - 1
    return k >= 0 and index <= spans[k].end


def _start(span: QuoteSpan) -> int:
    return span.start


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of ``paragraph``, verbatim and stripped, in order."""
    return [paragraph[a:b] for a, b in sentence_bounds(paragraph)]


def sentence_bounds(paragraph: str) -> list[tuple[int, int]]:
    """``(start, end)`` slices of each sentence of ``paragraph`` (whitespace trimmed)."""
    spans = quote_spans(paragraph)
    bounds: list[tuple[int, int]] = []
    start = 0
    n = len(paragraph)
    for run in _ENDER_RUN.finditer(paragraph):  # a run of enders lies wholly inside or outside a quotation
        i, after = run.start(), run.end()
        if spans and inside(spans, i):
            continue
        while after < n and paragraph[after] in ")]»”\"'":
            after += 1
        at_end = after >= n or paragraph[after].isspace()
        is_pause = run.group() == ".."
        is_abbreviation = run.group() == "." and _one_letter_word_before(paragraph, start, i)
        if at_end and not is_pause and not is_abbreviation:
            _push(bounds, paragraph, start, after)
            start = after
    _push(bounds, paragraph, start, n)
    return bounds


def _one_letter_word_before(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends with a word of one letter (``د.`` of an initial)."""
    if end - 1 < start or not _WORD_CHAR.match(text, end - 1):
        return False
    return end - 2 < start or text[end - 2].isspace()


def _push(bounds: list[tuple[int, int]], text: str, a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        bounds.append((a, b))
