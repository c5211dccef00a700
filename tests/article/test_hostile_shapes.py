"""Hostile shapes in the layout stage: one very long word, long runs of URL marks.

Growth is judged as a ratio: the time at twice the size over the time at the size, best of a few
runs each. Linear work doubles (about 2×); quadratic work quadruples (about 4×). A ratio over
:data:`SUPER_LINEAR` fails. No absolute time is asserted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.article import parse_text
from bot.article.layout import _urlish, read_layout
from bot.errors import ArticleError
from tests.article.test_properties import PROPERTY_SETTINGS, news_articles

SUPER_LINEAR = 3.0
BUNDLED_LINES = (
    "عنوان الخبر في سطر واحد هنا\n\n"
    + "قال المتحدث إن الوضع مستقر في المدينة بعد أيام من القتال العنيف بين الطرفين.\n" * 3
)
# the pattern the layout used before: the specification of what counts as URL-like
OLD_URLISH = re.compile(r"https?://|www\.|\.(?:php|aspx?|html?|jsp)\b|\?\w+=|^[\w./-]*/[\w./-]*$|\w+\.\w+\?", re.I)

SHAPES: dict[str, Callable[[int], str]] = {
    "one Arabic word": lambda n: "ب" * n,
    "one Latin word": lambda n: "a" * n,
    "word.word.word": lambda n: "بب." * (n // 3),
    "?word?word": lambda n: "?بب" * (n // 3),
    "a/path/without/end": lambda n: "بب/" * (n // 3) + " !",
}


def growth(make: Callable[[int], object], size: int, repeats: int = 5) -> float:
    """CPU time at ``2 * size`` over CPU time at ``size``: the best of ``repeats`` runs each, interleaved.

    CPU time of this process (not wall time) and the best run keep other processes on a shared
    machine out of the figure; interleaving spreads any slow patch over both sizes.
    """
    make(size)  # warm up: caches, compiled patterns
    best = {size: float("inf"), 2 * size: float("inf")}
    for _ in range(repeats):
        for n in best:
            started = time.process_time()
            make(n)
            best[n] = min(best[n], time.process_time() - started)
    return best[2 * size] / max(best[size], 1e-9)


@pytest.mark.parametrize("shape", SHAPES)
def test_layout_is_linear_in_a_very_long_word(shape: str) -> None:
    def run(n: int) -> object:
        return read_layout((BUNDLED_LINES + SHAPES[shape](n) + "\n").splitlines())

    ratio = growth(run, 32_000)
    assert ratio < SUPER_LINEAR, f"{shape}: {ratio:.1f}x per doubling"


def test_a_whole_parse_is_linear_in_a_very_long_word() -> None:
    ratio = growth(lambda n: parse_text(BUNDLED_LINES + "ب" * n + "\n"), 64_000)
    assert ratio < SUPER_LINEAR, f"{ratio:.1f}x per doubling"


@PROPERTY_SETTINGS
@given(st.text(alphabet="ab_-/.?=:hHtTpPsSwW ب1", max_size=60))
def test_url_marks_are_found_as_the_old_pattern_found_them(line: str) -> None:
    assert _urlish(line) == (OLD_URLISH.search(line) is not None)


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(news_articles(), st.integers(min_value=1, max_value=20_000), st.sampled_from(["ب", "a", "ب.", "?ب", "/", "«"]))
def test_a_long_word_anywhere_gives_an_article_or_a_documented_error(text: str, length: int, unit: str) -> None:
    lines = text.splitlines()
    lines.insert(len(lines) // 2, unit * (length // len(unit)))
    try:
        parse_text("\n".join(lines))
    except ArticleError:
        pass
