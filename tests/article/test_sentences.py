from __future__ import annotations

import itertools
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


def test_mistyped_guillemets_pair_by_where_they_stand() -> None:
    def quoted(text: str) -> list[str]:
        return [text[s.start : s.end + 1] for s in quote_spans(text)]

    assert quoted("وقال:» لا عمالة ولا عمولة» ثم غادر") == ["» لا عمالة ولا عمولة»"]
    assert quoted("وأكد «لا يقبل لأنه مرشح «8 مارس « ويدعم «الحزب» في لبنان» ثم") == [
        "«لا يقبل لأنه مرشح «8 مارس « ويدعم «الحزب» في لبنان»"
    ]
    # a stray closer changes nothing; a quotation that never closes keeps the pairs inside it
    assert quoted("رقم «298» بالمركز سابقا» إلى «المدرسة».") == ["«298»", "«المدرسة»"]
    assert quoted("قال «إن «الجبهة» انسحبت ولن تعود") == ["«الجبهة»"]
    # an unclosed straight quote leaves the guillemets after it to pair
    assert quoted('قال "شيئا ثم «ذهب» وعاد') == ["«ذهب»"]


_WELL_FORMED = st.lists(
    st.sampled_from(["قال", " ", "«كلام واحد»", "«إن «الجبهة» انسحبت»", '"نص"', "“هذا”", "."]), max_size=30
)


@given(_WELL_FORMED)
@settings(max_examples=300, deadline=None)
def test_well_formed_quotations_are_found_exactly(pieces: list[str]) -> None:
    text = "".join(pieces)
    want = []
    at = 0
    for piece in pieces:
        if piece[0] in "«\"“":
            want.append((at, at + len(piece) - 1))
        at += len(piece)
    assert [(s.start, s.end) for s in quote_spans(text)] == want


_MARKS_TEXT = st.lists(st.sampled_from(["«", "»", '"', "“", "”", " ", "قال", ":"]), max_size=60).map("".join)


@given(_MARKS_TEXT)
@settings(max_examples=400, deadline=None)
def test_quote_spans_are_ordered_disjoint_and_bounded_by_marks(text: str) -> None:
    spans = quote_spans(text)
    for span in spans:
        assert 0 <= span.start < span.end < len(text)
        assert text[span.start] in '«»"“”„‹›' and text[span.end] in '«»"“”„‹›'
    assert all(a.end < b.start for a, b in itertools.pairwise(spans))


def test_unclosed_runs_take_linear_time() -> None:
    """Work grows with the text, not its square: counted in mark visits, not seconds."""
    import bot.article.sentences as sentences

    def visits(n: int) -> int:
        count = 0
        original = sentences._opens

        def counting(*args: object) -> bool:
            nonlocal count
            count += 1
            return original(*args)  # type: ignore[arg-type]

        sentences._opens = counting  # type: ignore[assignment]
        try:
            quote_spans("«قال " * n + '"' + " كلام" * n)
        finally:
            sentences._opens = original
        return count

    assert visits(4000) <= 2.2 * visits(2000)


def _glued(text: str, start: int, i: int, run_end: int, after: int) -> bool:
    """A full stop glued to the next Arabic word of 3+ letters, after one of 4+ letters or a closing quote."""
    if text[i:run_end] != ".":
        return False
    if not re.match("[\u0621-\u064a]{3}", text[after:]):
        return False
    tail = re.search("[\u0621-\u064a\u064b-\u065f]+[»”\"']?$", text[max(start, i - 40) : i])
    return tail is not None and (len(tail.group()) >= 4 or after > i + 1)


def _reference_sentences(paragraph: str) -> list[str]:
    spans = [(s.start, s.end) for s in quote_spans(paragraph)]
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
            at_end = after >= n or paragraph[after].isspace() or _glued(paragraph, start, i, j + 1, after)
            abbreviation = run == "." and bool(re.search(r"(?:^|[\s(\[«\"“])\w$", paragraph[start:i]))
            if at_end and run != ".." and not abbreviation:
                out.append(paragraph[start:after].strip())
                start = after
            i = after
            continue
        i += 1
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


_PIECES = ["قال", "تعسفية", "وقال", "(د.", "د", " د.", "قال.", " ", " ", ".", "..", "«", "»", "“", "”", "„", "‹", "›", '"', "!", "؟", "…", ")", "1", "\n"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@given(_TEXT)
@example("قال د. قال. «قال. قال» قال")
@settings(max_examples=400, deadline=None)
def test_sentences_agree_with_the_plain_definition(text: str) -> None:
    assert split_sentences(text) == _reference_sentences(text)
