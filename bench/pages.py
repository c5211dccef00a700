"""Page and feed benchmark: HTML pages extracted per second (trafilatura vs the stdlib reader),
and one poll of a 100-entry feed from a server on 127.0.0.1 (time and memory).

The pages are the templates of ``tests/pages.py`` (four site layouts, three stories). Each
reader is timed alone (lines and metadata) and as the whole parse (lines -> Article); the debris
column counts paragraphs that are not the story's, the quality the speed buys.

The feed poll runs twice into a fresh store: 100 entries whose pages are fetched (links only),
and 100 entries that carry the story in ``content:encoded`` (no page fetch). Then a second poll
of the same feed, answered ``304 Not Modified``.

    .venv/bin/python bench/pages.py [--rounds 5] [--entries 100]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.article import dates, parse_text
from bot.article.htmlpage import extract as stdlib_extract
from bot.article.layout import read_layout
from bot.article.page import read_page
from bot.articles.feeds import FeedPoller
from bot.store.sqlite import SqliteStore
from bot.web.fetch import Fetcher
from tests.pages import STORIES, TEMPLATES, Item, Story, encoded, rss
from tests.web.server import Route, Site


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stdlib_parse(page: str) -> list[str]:
    """The parse as it was before trafilatura: every visible line, then the layout rules."""
    found = stdlib_extract(page)
    published = dates.find_date(found.published) if found.published else None
    return read_layout(found.lines, title_hint=found.title, published_hint=published).paragraphs


def trafilatura_layout(page: str) -> list[str]:
    """The parse now, up to the paragraphs (as bot.article.load does it)."""
    found = read_page(page)
    published = dates.find_date(found.published) if found.published else None
    return read_layout(found.lines, title_hint=found.title, published_hint=published, opening=2).paragraphs


def trafilatura_parse(page: str) -> list[str]:
    return list(parse_text(page).paragraphs)


def heavy(page: str) -> str:
    """The page at a real site's weight (~150 KB): inline scripts and styles, a mega-menu, a long sidebar."""
    script = "<script>" + "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}\n" * 900
    style = "<style>" + ".card{margin:0 4px;padding:2px}.nav a{color:#333}\n" * 600 + "</style>"
    menu = "<nav class='mega'>" + "".join(f"<a href='/s/{i}'>قسم رقم {i}</a>" for i in range(400)) + "</nav>"
    cards = "".join(f"<div class='card'><a href='/n/{i}'>خبر آخر رقم {i} في الشريط</a></div>" for i in range(300))
    page = page.replace("<body>", f"<body>{style}{menu}", 1)
    return page.replace("</body>", f"<aside>{cards}</aside>{script}</script></body>", 1)


def pages_benchmark(rounds: int, weight: str) -> None:
    pages = [(story, TEMPLATES[name](story)) for name in sorted(TEMPLATES) for story in STORIES]
    if weight == "heavy":
        pages = [(story, heavy(page)) for story, page in pages]
    size = sum(len(page.encode()) for _, page in pages) / len(pages) / 1024
    print(f"\n{weight} pages: {len(pages)} ({len(TEMPLATES)} templates x {len(STORIES)} stories), {size:.0f} KB each")
    read_page(pages[0][1])  # imports and caches outside the timing
    stdlib_parse(pages[0][1])
    readers = {
        "stdlib reader: lines": lambda page: stdlib_extract(page).lines,
        "trafilatura: lines": lambda page: read_page(page).lines,
        "stdlib reader -> layout (before)": stdlib_parse,
        "trafilatura -> layout (now)": trafilatura_layout,
        "trafilatura: whole parse to the Article": trafilatura_parse,
    }
    print("| reader | pages/s (median of rounds) | debris paragraphs | story paragraphs lost |")
    print("|---|---:|---:|---:|")
    speeds: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(rounds):  # readers interleaved, so a burst of load on the machine hits them alike
        for name, reader in readers.items():
            started = time.perf_counter()
            for _, page in pages:
                reader(page)
            speeds[name].append(len(pages) / (time.perf_counter() - started))
    for name, reader in readers.items():
        debris = lost = 0
        if "lines" not in name:
            for story, page in pages:
                got = reader(page)
                debris += sum(1 for p in got if p not in story.paragraphs and not p.endswith(story.paragraphs[0]))
                lost += sum(1 for p in story.paragraphs if p not in got and not any(g.endswith(p) for g in got))
        shown = (str(debris), str(lost)) if "lines" not in name else ("-", "-")
        print(f"| {name} | {statistics.median(speeds[name]):,.0f} | {shown[0]} | {shown[1]} |")


def _story(n: int) -> Story:
    """A distinct story: one of the three with a serial number in its title and last paragraph."""
    base = STORIES[n % len(STORIES)]
    return replace(
        base,
        slug=f"{base.slug}-{n}",
        title=f"{base.title} ({n})",
        paragraphs=(*base.paragraphs[:-1], f"{base.paragraphs[-1]} وهذا هو الخبر رقم {n}."),
    )


async def _poll(site: Site, path: str, entries: int, full_text: bool) -> None:
    items = []
    for n in range(entries):
        story = _story(n)
        site.routes[f"{path}/{n}"] = Route(encoded(TEMPLATES["semantic"](story), "utf-8"))
        items.append(Item(f"urn:{path}:{n}", site.url(f"{path}/{n}"), story, full_text=full_text))
    site.routes[path] = Route(rss(items), content_type="application/rss+xml", etag=f'"{path}"')
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "bot.sqlite3")
        poller = FeedPoller([site.url(path)], store, interval=300, fetcher=Fetcher())
        before = rss_mib()
        started = time.perf_counter()
        result = await poller.poll()
        took = time.perf_counter() - started
        pages = sum(site.hits[f"{path}/{n}"] for n in range(entries))
        label = "content:encoded" if full_text else "links, pages fetched"
        print(
            f"| {label} | {len(result.found)} | {pages} | {took:.2f} s | {len(result.found) / took:.0f} | "
            f"{rss_mib():.0f} MiB (+{rss_mib() - before:.0f}) | {len(result.failed)} |"
        )
        started = time.perf_counter()
        again = await poller.poll()
        print(
            f"| {label}, second poll | {len(again.found)} | 0 | {time.perf_counter() - started:.3f} s (304: "
            f"{again.not_modified}) | - | {rss_mib():.0f} MiB | {len(again.failed)} |"
        )
        await poller.aclose()
        store.close()


def feed_benchmark(entries: int) -> None:
    site = Site().start()
    try:
        print(f"\nfeed poll: {entries} entries, a server on 127.0.0.1, a fresh store")
        print("| feed | articles | pages fetched | time | articles/s | peak RSS | failures |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        asyncio.run(_poll(site, "/links", entries, full_text=False))
        asyncio.run(_poll(site, "/full", entries, full_text=True))
    finally:
        site.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--entries", type=int, default=100)
    args = parser.parse_args()
    print(f"start: peak RSS {rss_mib():.0f} MiB")
    for weight in ("light", "heavy"):
        pages_benchmark(args.rounds, weight)
    feed_benchmark(args.entries)


if __name__ == "__main__":
    main()
