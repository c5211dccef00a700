"""Long-word benchmark: layout and whole-parse time against the length of one very long word.

A short article with one extra line: a single word of N characters (and the other URL-like
shapes of ``tests/article/test_hostile_shapes.py``). For each size: the best CPU time of
``--repeat`` runs of ``read_layout`` and of ``parse_text``, and the growth ratio from the previous
size (about 2.0 per doubling when linear, 4.0 when quadratic).

    .venv/bin/python bench/longword.py [--sizes 16000,32000,64000,128000,256000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``bot`` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.article import parse_text
from bot.article.layout import read_layout

ARTICLE = (
    "عنوان الخبر في سطر واحد هنا\n\n"
    + "قال المتحدث إن الوضع مستقر في المدينة بعد أيام من القتال العنيف بين الطرفين.\n" * 3
)
SHAPES: dict[str, Callable[[int], str]] = {
    "one Arabic word": lambda n: "ب" * n,
    "a/path/without/end": lambda n: "بب/" * (n // 3) + " !",
    "word.word.word": lambda n: "بب." * (n // 3),
}


def best(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16000,32000,64000,128000,256000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    for shape, make in SHAPES.items():
        print(f"{shape}:")
        previous: tuple[float, float] | None = None
        for size in sizes:
            text = ARTICLE + make(size) + "\n"
            layout = best(lambda text=text: read_layout(text.splitlines()), args.repeat)
            whole = best(lambda text=text: parse_text(text), args.repeat)
            growth = f"  x{layout / previous[0]:.1f} / x{whole / previous[1]:.1f}" if previous else ""
            print(f"  {size:>7,} chars: layout {layout * 1000:9.1f} ms, whole parse {whole * 1000:9.1f} ms{growth}")
            previous = (max(layout, 1e-6), max(whole, 1e-6))


if __name__ == "__main__":
    main()
