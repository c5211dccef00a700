"""Broadcast benchmark: the outbox against a fake Telegram over HTTP that enforces its limits.

1. Throughput, clean and faulty, in one run: ``python -m bot publish`` (a process) delivering
   to N subscribers (default 300), in real time, against the fake Bot API over HTTP on
   127.0.0.1 with Telegram's limits on (30 messages/s overall, 1/s per chat, and a flood window
   after every 429). The faulty run fails 10% of sends (429
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
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot

from bench.stub import StubRequest
from bot.article import load_article
from bot.delivery.outbox import SENDERS, Outbox, outgoing_messages
from bot.delivery.pacing import Pacer
from bot.store.sqlite import SqliteStore
from tests.botapi.fake import FakeBotAPI
from tests.botapi.http_server import FakeBotAPIServer

ROOT = Path(__file__).resolve().parents[1]
TELEGRAM_RATE = 30.0
FAULTS = ["429", "500", "502", "timeout", "lost_answer", "403", "400_chat_not_found"]


def throughput(n: int, tmp: Path, faulty: bool) -> None:
    """``python -m bot publish`` (a process, as in production) delivering to ``n`` subscribers."""
    fake = FakeBotAPI()
    stats = fake.enable_rate_limits()
    store = SqliteStore(tmp / f"{faulty}.sqlite3")
    for chat in range(1, n + 1):
        fake.add_chat(chat, "private")
        store.add_subscriber(chat, "ar")
    store.close()
    if faulty:
        fake.set_random_faults(0.10, FAULTS, seed=5, methods=["sendMessage"], retry_after=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    with FakeBotAPIServer(fake, timeout_stall=6.0) as server:
        env.update(
            PYTHONPATH=str(ROOT),
            BOT_TOKEN=fake.token,
            BOT_BASE_URL=server.base_url,
            BOT_DB_PATH=str(tmp / f"{faulty}.sqlite3"),
            BOT_CACHE_DIR=str(tmp / "cache"),
        )
        done = subprocess.run(
            [sys.executable, "-m", "bot", "publish"], env=env, cwd=tmp, capture_output=True, text=True, timeout=900
        )
    if done.returncode != 0:
        print(f"publish failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    times = sorted(c.at for c in fake.requests("sendMessage") if c.ok)
    overall = _rate(times)
    steady = _rate(times[: max(2, len(times) * 9 // 10)])
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    allowed = _rate(times) * span / max(1e-9, span - stats.flood_seconds) if span else 0.0
    received = {chat: len(fake.chat_messages(chat)) for chat in range(1, n + 1)}
    reachable = [c for c in received if c not in fake.blocked_users and c not in fake.gone_chats]
    lost = sum(1 for c in reachable if not received[c])
    duplicates = sum(k - 1 for k in received.values() if k > 1)
    print(
        f"{'faulty' if faulty else 'clean '}: {len(times)} accepted in {span:.1f} s: {overall:.2f} msg/s overall "
        f"({overall / TELEGRAM_RATE:.1%} of {TELEGRAM_RATE:.0f}/s), first 90% at {steady:.2f} msg/s "
        f"({steady / TELEGRAM_RATE:.1%}), {allowed / TELEGRAM_RATE:.1%} outside flood windows "
        f"({stats.flood_seconds:.1f} s); 429 provoked: {stats.rejected_429} ({stats.provoked_after(0.25)} more than "
        f"0.25 s after an injected one), injected: {stats.injected_429}; "
        f"faults injected {fake.faults.injected}; lost {lost} of {len(reachable)} reachable, {duplicates} duplicates "
        f"({fake.lost_answers} answers lost); sends after a refusal {fake.sends_after_refusal}; "
        f"exit {done.returncode}: {done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ''}"
    )


def _rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0


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
        throughput(args.n, Path(tmp), faulty=False)
        throughput(args.n, Path(tmp), faulty=True)
        if args.scenario:
            scenario(args.n)
        if args.big:
            asyncio.run(memory(args.big, Path(tmp) / "b.sqlite3"))


if __name__ == "__main__":
    main()
