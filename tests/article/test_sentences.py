from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.article.sentences import quote_spans, split_sentences


def test_does_not_split_inside_quotes_numbers_or_at_commas() -> None:
    text = 'قال: "الوضع خطير. نحن نعمل"، وأضاف أن الموعد 2022.01.26 ثابت. انتهى الاجتماع؟ نعم.'
    assert split_sentences(text) == [
        'قال: "الوضع خطير. نحن نعمل"، وأضاف أن الموعد 2022.01.26 ثابت.',
        "انتهى الاجتماع؟",
        "نعم.",
    ]


def test_double_dot_is_a_pause_and_guillemets_nest() -> None:
    assert split_sentences("تغطية حراك.. لحظة بلحظة") == ["تغطية حراك.. لحظة بلحظة"]
    text = "قال «إن «الجبهة» انسحبت. ولن تعود» ثم غادر. وانتهى."
    assert split_sentences(text) == ["قال «إن «الجبهة» انسحبت. ولن تعود» ثم غادر.", "وانتهى."]
    assert len(quote_spans(text)) == 1


def test_unbalanced_quote_does_not_swallow_text() -> None:
    assert split_sentences('قال "شيئا. ثم ذهب.') == ['قال "شيئا.', "ثم ذهب."]


# The scanner jumps from mark to mark with regular expressions; this is the plain
# character-by-character definition it must agree with.
_PAIRS = {"«": "»", "“": "”", "„": "”", "‹": "›"}


def _reference_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if text[i] == '"':
            close = text.find('"', i + 1)
            if close == -1:
                break
            spans.append((i, close))
            i = close + 1
            continue
        if text[i] in _PAIRS:
            depth, close = 0, -1
            for j in range(i, len(text)):
                if text[j] == text[i]:
                    depth += 1
                elif text[j] == _PAIRS[text[i]]:
                    depth -= 1
                    if depth == 0:
                        close = j
                        break
            if close != -1:
                spans.append((i, close))
                i = close + 1
                continue
        i += 1
    return spans


def _reference_sentences(paragraph: str) -> list[str]:
    spans = _reference_spans(paragraph)
    out: list[str] = []
    start = i = 0
    n = len(paragraph)
    while i < n:
        if paragraph[i] in ".!?؟…" and not any(a <= i <= b for a, b in spans):
            j = i
            while j + 1 < n and paragraph[j + 1] in ".!?؟…":
                j += 1
            run, after = paragraph[i : j + 1], j + 1
            while after < n and paragraph[after] in ")]»”\"'":
                after += 1
            at_end = after >= n or paragraph[after].isspace()
            abbreviation = run == "." and bool(re.search(r"(?:^|\s)\w$", paragraph[start:i]))
            if at_end and run != ".." and not abbreviation:
                out.append(paragraph[start:after].strip())
                start = after
            i = after
            continue
        i += 1
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


_PIECES = ["قال", "د", " د.", "قال.", " ", " ", ".", "..", "«", "»", "“", "”", "„", "‹", "›", '"', "!", "؟", "…", ")", "1", "\n"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@given(_TEXT)
@settings(max_examples=400, deadline=None)
def test_quote_spans_agree_with_the_plain_definition(text: str) -> None:
    assert [(s.start, s.end) for s in quote_spans(text)] == _reference_spans(text)


@given(_TEXT)
@example("قال د. قال. «قال. قال» قال")
@settings(max_examples=400, deadline=None)
def test_sentences_agree_with_the_plain_definition(text: str) -> None:
    assert split_sentences(text) == _reference_sentences(text)
