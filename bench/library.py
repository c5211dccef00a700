"""Library benchmark: loading 10,000 article files (time and memory) and search latency.

The articles are the bundled one with rotated paragraphs, a serial number and a varied date, so
each is distinct. Prints load time, articles/s, peak RSS, and search latency (p50, p99).

    .venv/bin/python bench/library.py [--n 10000]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.parse import variants
from bot.article.load import DEFAULT_ARTICLE
from bot.articles.service import ArticleService

QUERIES = ["الحسكة", "والتحالف الدولي", "برينان", "المرصد السوري", "سجن غويران", "كلمة غير موجودة", "داعش هجوم"]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    text = DEFAULT_ARTICLE.read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for k, article in enumerate(variants(text, args.n)):
            day = 1 + k % 28
            (folder / f"a{k:05d}.txt").write_text(article.replace("2022.01.26", f"2022.01.{day:02d}"), "utf-8")
        before = rss_mib()
        service = ArticleService(folder=folder)
        library = service.registry
        start = time.perf_counter()
        changes = service.refresh_now()
        load = time.perf_counter() - start
        print(
            f"load: {len(changes.new):,} articles in {load:.1f} s ({len(changes.new) / load:.0f}/s), "
            f"peak RSS {rss_mib():.0f} MiB (before loading {before:.0f} MiB), broken {len(changes.broken)}"
        )
        start = time.perf_counter()
        again = service.refresh_now()
        print(f"rescan with nothing changed: {time.perf_counter() - start:.2f} s, {len(again.new)} new")
        start = time.perf_counter()
        indexed = library.index_pending()  # the bot does this in a thread after each scan
        print(
            f"search index: {indexed:,} articles in {time.perf_counter() - start:.1f} s, "
            f"peak RSS {rss_mib():.0f} MiB"
        )
        for query in QUERIES:
            times = []
            for _ in range(20):
                start = time.perf_counter()
                found = library.search(query)
                times.append(time.perf_counter() - start)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            print(
                f"search {query!r}: {len(found)} results, p50 {statistics.median(times) * 1e3:.1f} ms, "
                f"p99 {p99 * 1e3:.1f} ms"
            )


if __name__ == "__main__":
    main()
