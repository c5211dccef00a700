"""Parse benchmark: the bundled article once (best of N), and 1,000 distinct articles.

Prints figures; it is not a test. The 1,000 articles are the bundled one with its paragraphs
rotated and a serial number in the title, so each is distinct and has the same size.

    .venv/bin/python bench/parse.py [--n 1000]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

from bot.article import parse_text
from bot.article.load import DEFAULT_ARTICLE


def variants(text: str, n: int) -> list[str]:
    """``n`` distinct articles built from ``text``."""
    lines = text.splitlines()
    body_start = next(i for i, line in enumerate(lines) if line.startswith("بغداد"))
    head, body = lines[: body_start + 1], lines[body_start + 1 :]
    out = []
    for k in range(n):
        shift = k % max(1, len(body))
        rotated = body[shift:] + body[:shift]
        out.append("\n".join([*head, *rotated, f"وقال المتحدث رقم {k} إن الوضع مستقر تماما في المدينة."]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    text = DEFAULT_ARTICLE.read_text("utf-8")
    parse_text(text)  # warm the data-file caches

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        parse_text(text)
        times.append(time.perf_counter() - start)
    best, median = min(times) * 1e3, statistics.median(times) * 1e3
    print(f"bundled article ({len(text):,} chars): best {best:.2f} ms, median {median:.2f} ms")

    articles = variants(text, args.n)
    start = time.perf_counter()
    for article in articles:
        parse_text(article)
    total = time.perf_counter() - start
    print(
        f"{args.n:,} articles: total {total:.2f} s, {total / args.n * 1e3:.2f} ms per article, "
        f"{args.n / total:.0f} articles/s"
    )
    tracemalloc.start()
    for article in articles[:100]:
        parse_text(article)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced memory while parsing 100 of them: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
