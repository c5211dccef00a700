"""Broadcast benchmark: the outbox against a fake Telegram that enforces its rates.

1. Throughput: N subscribers (default 600) through the real Outbox and Pacer, in real time,
   against the fake Bot API with Telegram's limits on (30 messages/s overall, 1/s per chat).
   Prints messages/s achieved, the share of the allowed 30/s, and how many 429s were provoked.
2. Memory: 100,000 subscribers subscribed, queued and drained (pacing off, a minimal Bot API
   stub that only answers "sent"), with the process's peak RSS and the database size.

    .venv/bin/python bench/broadcast.py [--n 600] [--big 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot

from bench.stub import StubRequest
from bot.article import load_article
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import Pacer
from bot.render.channel import subscriber_message
from bot.store.base import Delivery
from bot.store.sqlite import SqliteStore
from tests.botapi.fake import FakeBotAPI
from tests.botapi.memory import InMemoryRequest

TELEGRAM_RATE = 30.0


def renderer(bot: Bot):  # type: ignore[no-untyped-def]
    article = load_article()

    def render(row: Delivery):  # type: ignore[no-untyped-def]
        return subscriber_message(article, "ar", bot.username, update=False)

    return render, article


async def throughput(n: int, db: Path) -> None:
    fake = FakeBotAPI()
    stats = fake.enable_rate_limits()
    store = SqliteStore(db)
    for chat in range(1, n + 1):
        fake.add_chat(chat, "private")
        store.add_subscriber(chat, "ar")
    async with Bot(fake.token, request=InMemoryRequest(fake)) as bot:
        render, article = renderer(bot)
        store.enqueue("bench", article.id, "new")
        outbox = Outbox(bot, store, render)
        start = time.perf_counter()
        result = await outbox.drain()
        elapsed = time.perf_counter() - start
    rate = result.sent / elapsed
    print(
        f"throughput: {result.sent} messages in {elapsed:.1f} s = {rate:.2f} msg/s, "
        f"{rate / TELEGRAM_RATE:.1%} of Telegram's {TELEGRAM_RATE:.0f}/s; 429 provoked: {stats.rejected_429}"
    )
    store.close()


async def memory(n: int, db: Path) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store = SqliteStore(db)
    started = time.perf_counter()
    store._db.execute("BEGIN")
    store._db.executemany(
        "INSERT INTO subscribers (chat_id, language, subscribed_at) VALUES (?, 'ar', 0)",
        ((c,) for c in range(1, n + 1)),
    )
    store._db.execute("COMMIT")
    subscribed = time.perf_counter() - started
    request = StubRequest()
    async with Bot("1:" + "x" * 35, request=request) as bot:
        render, article = renderer(bot)
        started = time.perf_counter()
        store.enqueue("bench", article.id, "new")
        queued = time.perf_counter() - started
        outbox = Outbox(bot, store, render, pacer=Pacer(rate=1e9, per_chat_interval=0), batch=500, concurrency=100)
        started = time.perf_counter()
        result = await outbox.drain()
        drained = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    db_size = db.stat().st_size / 2**20
    print(
        f"memory: {n:,} subscribers (subscribe {subscribed:.2f} s, queue {queued:.2f} s, "
        f"drain {drained:.1f} s = {result.sent / drained:,.0f} msg/s of outbox CPU without pacing): "
        f"peak RSS {rss:.0f} MiB (before the run {rss_before:.0f} MiB), database {db_size:.1f} MiB, "
        f"sent {result.sent:,}"
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(throughput(args.n, Path(tmp) / "a.sqlite3"))
        asyncio.run(memory(args.big, Path(tmp) / "b.sqlite3"))


if __name__ == "__main__":
    main()
