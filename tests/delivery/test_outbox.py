"""The outbox through faults, crashes and restarts: each subscriber gets each article once."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from pathlib import Path

from telegram import Bot

from bot.article import Article
from bot.delivery.outbox import SENDERS, Outbox, outgoing_messages
from bot.delivery.pacing import Pacer
from bot.store.sqlite import SqliteStore
from tests.botapi.fake import FakeBotAPI
from tests.botapi.memory import InMemoryRequest

from .virtual_time import VirtualTime


def make_outbox(bot: Bot, store: SqliteStore, time: VirtualTime) -> Outbox:
    pacer = Pacer(rate=30.0, per_chat_interval=1.0, clock=time.clock, sleep=time.sleep)
    return Outbox(
        bot, store, pacer=pacer, clock=time.clock, sleep=time.sleep, backoff=lambda n: 2.0**n, store_in_thread=False
    )


def enqueue(store: SqliteStore, article: Article) -> int:
    return store.enqueue("bundled", article.id, "new", outgoing_messages(article, "arabic_news_test_bot", "new"))


def received(fake: FakeBotAPI) -> Counter[int]:
    return Counter(int(call.result["chat"]["id"]) for call in fake.sent("sendMessage"))


async def test_every_subscriber_served_through_faults_and_a_crash(
    fake_api: FakeBotAPI, article: Article, tmp_path: Path
) -> None:
    subscribers = list(range(10_001, 10_401))
    blocked, gone = subscribers[:7], subscribers[7:12]
    for chat in subscribers:
        fake_api.add_chat(chat, "private")
    for chat in blocked:
        fake_api.block_user(chat)
    path = tmp_path / "bot.sqlite3"
    store = SqliteStore(path)
    for chat in subscribers:
        store.add_subscriber(chat, "ar")
    for chat in gone:  # chats deleted since they subscribed
        fake_api.forget_chat(chat)
    assert enqueue(store, article) == 400
    fake_api.set_random_faults(0.10, ["429", "500", "502", "timeout"], seed=7, methods=["sendMessage"], retry_after=3)

    time = VirtualTime()
    async with time.running(), Bot(fake_api.token, request=InMemoryRequest(fake_api)) as bot:
        worker = asyncio.create_task(make_outbox(bot, store, time).drain())
        while len(fake_api.sent("sendMessage")) < 150:
            await asyncio.sleep(0)
        worker.cancel()  # the process dies mid-broadcast
        try:
            await worker
        except asyncio.CancelledError:
            pass
    store.close()
    assert 150 <= sum(received(fake_api).values()) < 400

    restarted = SqliteStore(path)  # a new process on the same database, once the dead one's lease expired
    time.now += 16
    async with time.running(), Bot(fake_api.token, request=InMemoryRequest(fake_api)) as bot:
        result = await make_outbox(bot, restarted, time).drain()
    counts = received(fake_api)
    reachable = set(subscribers) - set(blocked) - set(gone)
    assert set(counts) == reachable
    stats = restarted.stats()
    duplicates = sum(counts.values()) - len(reachable)  # sends in flight at the crash may go twice...
    assert duplicates <= min(SENDERS, stats.resent_unknown)  # ...at most one per sender, each counted
    assert (stats.sent, stats.pending, stats.sending, stats.failed) == (len(reachable), 0, 0, 0)
    assert stats.dropped == len(blocked) + len(gone) and stats.subscribers == len(reachable)
    assert result.retried > 0  # the faults really happened
    assert len([c for c in fake_api.requests("sendMessage") if c.status == 429]) > 0


async def test_failures_are_recorded_after_max_attempts(fake_api: FakeBotAPI, article: Article, tmp_path: Path) -> None:
    fake_api.add_chat(5, "private")
    store = SqliteStore(tmp_path / "db.sqlite3")
    store.add_subscriber(5, "ar")
    enqueue(store, article)
    fake_api.fail_next("sendMessage", "500", count=20)
    time = VirtualTime()
    async with time.running(), Bot(fake_api.token, request=InMemoryRequest(fake_api)) as bot:
        outbox = make_outbox(bot, store, time)
        outbox.max_attempts = 3
        result = await outbox.drain()
    assert result.failed == 1 and store.stats().failed == 1
    assert len(fake_api.requests("sendMessage")) == 3
    assert store.is_subscribed(5)  # a server error is not the subscriber's fault


async def test_pace_stays_within_telegram_limits(fake_api: FakeBotAPI, article: Article, tmp_path: Path) -> None:
    time = VirtualTime()
    fake_api.clock = time.clock
    stats = fake_api.enable_rate_limits()
    store = SqliteStore(tmp_path / "db.sqlite3")
    for chat in range(1, 301):
        fake_api.add_chat(chat, "private")
        store.add_subscriber(chat, "ar")
    enqueue(store, article)
    async with time.running(), Bot(fake_api.token, request=InMemoryRequest(fake_api)) as bot:
        await make_outbox(bot, store, time).drain()
    assert stats.accepted_sends == 300 and stats.rejected_429 == 0


async def test_pacer_spreads_senders_after_a_pause() -> None:
    time = VirtualTime()
    pacer = Pacer(rate=10.0, per_chat_interval=0, clock=time.clock, sleep=time.sleep)
    sent_at: list[float] = []

    async def sender(chat: int) -> None:
        await pacer.slot(chat)
        sent_at.append(time.now)

    async with time.running():
        tasks = [asyncio.create_task(sender(chat)) for chat in range(20)]
        await asyncio.sleep(0)
        pacer.pause(5.0)  # a 429 while they all wait
        await asyncio.gather(*tasks)
    sent_at.sort()
    gaps = [b - a for a, b in itertools.pairwise(sent_at)]
    assert min(gaps) >= 0.1 - 1e-6  # never two at once, even right after the pause
