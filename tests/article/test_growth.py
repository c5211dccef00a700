"""Hostile shapes parse in time that grows with the text, not with its square.

Each shape is parsed at a size and at four times that size, best of three; a linear stage grows
about 4x, a quadratic one 16x. The bound (9x) leaves room for a noisy shared machine while still
failing on super-linear growth. It compares two runs of one process, never a time with a limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.article import parse_text
from bot.errors import ArticleError

TITLE = "عنوان الخبر\n\n"

SHAPES: dict[str, Callable[[int], str]] = {
    "a run of unclosed guillemets": lambda n: TITLE + "وقال الوزير إن «الوضع " * n,
    "a run of unclosed straight quotes": lambda n: TITLE + 'وقال "' * n,
    "many distinct speakers": lambda n: TITLE
    + "\n".join(f"وقال المتحدث باسم الهيئة رقم{k} محمد{k} علي{k} إن الوضع مستقر تماما." for k in range(n // 2)),
    "quotations each followed by a speaker": lambda n: TITLE + '"كلام كثير هنا جدا"، هذا هو رأي الخبير ' * (n // 4),
    "one sentence of many verbs": lambda n: TITLE + "وأكد الوزير أن الخطة جاهزة، مشيرا إلى أن " * (n // 4) + "العمل بدأ.",
    "nested guillemets never closed": lambda n: TITLE + "قال «" * n + " الوضع » " * (n // 2),
    "many speakers of a short-named body": lambda n: TITLE
    + "\n".join(f"وقال قائد التحالف سامر{k} حداد{k} إن الوضع في الرقة مستقر تماما." for k in range(n // 4)),
    "pluperfects and pronouns": lambda n: TITLE + "وكان الوزير قد أكد أن الخطة جاهزة، وهو ما نفته مصادر، " * (n // 8),
}


def best_of_three(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        try:
            parse_text(text)
        except ArticleError:
            pass  # a shape with no body is refused, and the refusal must be fast too
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", list(SHAPES))
def test_parse_time_grows_linearly(shape: str) -> None:
    make = SHAPES[shape]
    small, large = best_of_three(make(400)), best_of_three(make(1600))
    assert large < 9 * max(small, 1e-3), f"{shape}: x4 input took {large / small:.1f}x the time"
