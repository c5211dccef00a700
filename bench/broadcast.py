"""Broadcast benchmark: the outbox against a fake Telegram over HTTP that enforces its limits.

1. Throughput, clean and faulty, in one run: N subscribers (default 300) through the real
   Outbox, Pacer and PacedLimiter (as ``python -m bot publish`` builds them), in real time,
   against the fake Bot API on 127.0.0.1 with Telegram's limits on (30 messages/s overall,
   1/s per chat, and a flood window after every 429). The faulty run fails 10% of sends (429
   with retry_after 1 s, 500, 502, a request held 6 s past the 5 s read timeout and dropped, a
   send whose answer is lost, 403, 400 chat not found). Prints messages/s accepted, the share of
   Telegram's 30/s and of the time the fake let anyone send (outside flood windows), the 429s
   provoked (the client's fault) and injected, lost and duplicated messages.
2. Operator scenario (``--scenario``): the end-to-end test of library mode with N users, real
   ``python -m bot`` processes and a SIGKILL a third into the broadcast.
3. Memory: 100,000 subscribers subscribed, queued and drained (pacing off, a minimal Bot API
   stub that only answers "sent"), with the process's peak RSS and the database size.

    .venv/bin/python bench/broadcast.py [--n 300] [--big 100000] [--scenario]
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
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bench.stub import StubRequest
from bot.article import load_article
from bot.delivery.outbox import SENDERS, Outbox, outgoing_messages
from bot.delivery.pacing import PacedLimiter, Pacer
from bot.store.sqlite import SqliteStore
from tests.botapi.fake import FakeBotAPI
from tests.botapi.http_server import FakeBotAPIServer

TELEGRAM_RATE = 30.0
FAULTS = ["429", "500", "502", "timeout", "lost_answer", "403", "400_chat_not_found"]


async def throughput(n: int, db: Path, faulty: bool) -> None:
    fake = FakeBotAPI()
    stats = fake.enable_rate_limits()
    store = SqliteStore(db)
    for chat in range(1, n + 1):
        fake.add_chat(chat, "private")
        store.add_subscriber(chat, "ar")
    if faulty:
        fake.set_random_faults(0.10, FAULTS, seed=5, methods=["sendMessage"], retry_after=1)
    pacer = Pacer()
    article = load_article()
    with FakeBotAPIServer(fake, timeout_stall=6.0) as server:
        bot = ExtBot(
            fake.token,
            base_url=server.base_url,
            request=HTTPXRequest(connection_pool_size=SENDERS + 4, read_timeout=5.0),
            rate_limiter=PacedLimiter(pacer),
        )
        async with bot:
            store.enqueue("bench", article.id, "new", outgoing_messages(article, bot.username, "new"))
            outbox = Outbox(bot, store, pacer=pacer)
            start = time.perf_counter()
            result = await outbox.drain()
            elapsed = time.perf_counter() - start
            await outbox.release()
    accepted = [c for c in fake.requests("sendMessage") if c.ok]
    span = accepted[-1].at - accepted[0].at if len(accepted) > 1 else elapsed
    rate = (len(accepted) - 1) / span if span else 0.0
    open_time = max(1e-9, span - stats.flood_seconds)
    capacity = (len(accepted) - 1) / (TELEGRAM_RATE * open_time)
    received = {chat: len(fake.chat_messages(chat)) for chat in range(1, n + 1)}
    reachable = [c for c in received if c not in fake.blocked_users and c not in fake.gone_chats]
    lost = sum(1 for c in reachable if not received[c])
    duplicates = sum(k - 1 for k in received.values() if k > 1)
    print(
        f"{'faulty' if faulty else 'clean '}: {len(accepted)} accepted in {span:.1f} s = {rate:.2f} msg/s, "
        f"{rate / TELEGRAM_RATE:.1%} of {TELEGRAM_RATE:.0f}/s, {capacity:.1%} of what the fake allowed "
        f"(flood windows {stats.flood_seconds:.1f} s); 429 provoked: {stats.rejected_429}, injected: "
        f"{stats.injected_429}; faults injected {fake.faults.injected}; lost {lost} of {len(reachable)} reachable, "
        f"{duplicates} duplicates ({fake.lost_answers} answers lost), sends after a refusal "
        f"{fake.sends_after_refusal}; outbox: {result}; drain {elapsed:.1f} s"
    )
    store.close()


def scenario(n: int) -> None:
    from tests.delivery.test_end_to_end import library_scenario

    with tempfile.TemporaryDirectory() as tmp, FakeBotAPIServer(timeout_stall=6.0) as server:
        started = time.perf_counter()
        summary = library_scenario(server, Path(tmp), n, send_timeout=5.0)
        took = time.perf_counter() - started
        print(f"scenario: {n} users, library mode, SIGKILL a third in: {summary}, {took:.0f} s")


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
        article = load_article()
        started = time.perf_counter()
        store.enqueue("bench", article.id, "new", outgoing_messages(article, bot.username, "new"))
        queued = time.perf_counter() - started
        outbox = Outbox(bot, store, pacer=Pacer(rate=1e9, per_chat_interval=0), senders=SENDERS)
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
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--scenario", action="store_true", help="also run the operator scenario (processes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(throughput(args.n, Path(tmp) / "clean.sqlite3", faulty=False))
        asyncio.run(throughput(args.n, Path(tmp) / "faulty.sqlite3", faulty=True))
        if args.scenario:
            scenario(args.n)
        if args.big:
            asyncio.run(memory(args.big, Path(tmp) / "b.sqlite3"))


if __name__ == "__main__":
    main()
