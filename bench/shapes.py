"""Parse time of hostile shapes against their size: the growth per doubling (2.0 is linear).

Prints figures; it is not a test (tests/article/test_growth.py is the floor). Each shape is parsed at
three sizes, best of three.

    .venv/bin/python bench/shapes.py
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.article.test_growth import SHAPES, best_of_three


def main() -> None:
    sizes = (1000, 2000, 4000)
    for name, make in SHAPES.items():
        times = [best_of_three(make(n)) for n in sizes]
        growth = " ".join(f"x{b / a:.1f}" for a, b in itertools.pairwise(times))
        print(f"{name}: {len(make(sizes[-1])) // 1024} KB in {times[-1] * 1000:.0f} ms; per doubling {growth}")


if __name__ == "__main__":
    main()
