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
_MARKS = re.compile('["' + "".join(_PAIRS) + "".join(set(_PAIRS.values())) + "]")
_ENDER_RUN = re.compile("[" + re.escape(_ENDERS) + "]+")
_WORD_CHAR = re.compile(r"\w")
_ARABIC_WORD = re.compile("[\u0621-\u064a]{3}")
_ARABIC_TAIL = re.compile("[\u0621-\u064a\u064b-\u065f]+[»”\"']?$")


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
    """Outermost quotations in ``text``, in one pass over its quote marks.

    Writers mistype marks, so a mark's role comes from where it stands as well as its glyph: a
    ``»`` after a colon or a space with a word after it opens (``وقال:» لا…``), a ``«`` with spaces
    on both sides or glued to the word before it closes the quotation still open (``«8 مارس «``).
    Guillemets nest one level (``«إن «الجبهة» انسحبت»``); a deeper opener is a typo and is
    skipped. A quotation that never closes is dropped and the pairs inside it are kept. Straight
    quotes pair in order outside guillemets; a straight quote with a word before it and none after
    cannot open one, and one that never closes leaves the marks after it to pair among
    themselves. Linear in the length of the text.
    """
    spans: list[QuoteSpan] = []
    pos = 0
    while pos < len(text):
        resume = _scan(text, pos, spans)
        if resume is None:
            break
        pos = resume
    return spans


def _scan(text: str, pos: int, spans: list[QuoteSpan]) -> int | None:
    """Pair the marks from ``pos``; the index to resume from after an unclosed straight quote."""
    stack: list[int] = []  # open guillemets, at most two deep
    inner: list[QuoteSpan] = []  # closed pairs inside the outermost open guillemet
    straight = -1  # the open straight quote
    for found in _MARKS.finditer(text, pos):
        i = found.start()
        mark = text[i]
        if mark == '"':
            if stack:
                continue
            if straight >= 0 and _opener_shape(text, i) and not _closer_shape(text, i) and _glued(text, straight):
                straight = i  # ``لـ"الوطن: "في…``: the first mark was a typo, this one opens
            elif straight >= 0:
                spans.append(QuoteSpan(straight, i))
                straight = -1
            elif not _closer_shape(text, i) or _opener_shape(text, i):
                straight = i
            continue
        if straight >= 0:
            continue
        if _opens(text, i, mark, bool(stack)):
            if len(stack) < 2:
                stack.append(i)
            continue
        if not stack:
            continue  # a stray closer
        opener = stack.pop()
        if stack:
            inner.append(QuoteSpan(opener, i))
        else:
            spans.append(QuoteSpan(opener, i))
            inner.clear()
    if stack:
        spans.extend(inner if len(stack) == 1 else [])
        spans.sort(key=_start)
    if straight >= 0:
        return straight + 1
    return None


def _opens(text: str, i: int, mark: str, open_now: bool) -> bool:
    """Whether the guillemet-like mark at ``i`` opens a quotation (else it closes one)."""
    before_space = i == 0 or text[i - 1].isspace() or text[i - 1] in ":(["
    after_space = i + 1 >= len(text) or text[i + 1].isspace()
    if mark in _PAIRS:  # an opening glyph
        if open_now and (after_space or not before_space):
            return False  # ``مارس « وقام``، ``سابقا«``: it closes the quotation still open
        return True
    k = i - 1
    while k > 0 and k > i - 4 and text[k] == " ":  # ``وقال :»``: a space or two before the mark
        k -= 1
    after_colon = k >= 0 and text[k] == ":"
    return not open_now and (after_colon or (before_space and not after_space))  # ``وقال:» لا`` opens


def _opener_shape(text: str, i: int) -> bool:
    return (i == 0 or text[i - 1].isspace() or text[i - 1] in ":([") and i + 1 < len(text) and not text[i + 1].isspace()


def _glued(text: str, i: int) -> bool:
    """A mark with a word character on both sides (``لـ"الوطن``)."""
    if not 0 < i < len(text) - 1:
        return False
    return _WORD_CHAR.match(text[i - 1]) is not None and _WORD_CHAR.match(text[i + 1]) is not None


def _closer_shape(text: str, i: int) -> bool:
    return i > 0 and not text[i - 1].isspace() and (i + 1 >= len(text) or not _WORD_CHAR.match(text[i + 1]))


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
        at_end = after >= n or paragraph[after].isspace() or _glued_sentence(paragraph, start, i, run.end(), after)
        is_pause = run.group() == ".."
        is_abbreviation = run.group() == "." and _one_letter_word_before(paragraph, start, i)
        if at_end and not is_pause and not is_abbreviation:
            _push(bounds, paragraph, start, after)
            start = after
    _push(bounds, paragraph, start, n)
    return bounds


def _glued_sentence(text: str, start: int, i: int, run_end: int, after: int) -> bool:
    """``تعسفية.وقال``: a full stop with no space after it still ends a sentence between two words.

    Only between Arabic words of three letters or more, and after a word of four or more or a
    closing quote, so initials (``د.خالد``) and abbreviations (``ايه.آر.دي``) stay whole.
    """
    if run_end - i != 1 or text[i] != ".":
        return False
    if not _ARABIC_WORD.match(text, after):
        return False
    before = _ARABIC_TAIL.search(text, max(start, i - 40), i)
    return before is not None and (len(before.group()) >= 4 or after > i + 1)


def _one_letter_word_before(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends with a word of one letter (``د.`` of an initial, ``(د.``)."""
    if end - 1 < start or not _WORD_CHAR.match(text, end - 1):
        return False
    return end - 2 < start or text[end - 2].isspace() or text[end - 2] in "([«\"“"


def _push(bounds: list[tuple[int, int]], text: str, a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        bounds.append((a, b))
