"""One flooding chat never stalls the others: concurrent updates, a budget per chat, per-chat pauses."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from telegram import Update

from bot.article import Article
from bot.delivery.pacing import PacedLimiter, Pacer
from bot.i18n import t
from bot.telegram.app import build_application
from bot.telegram.flood import FloodGate, Verdict
from bot.telegram.jobs import post_init, post_shutdown
from tests.botapi.fake import FakeBotAPI
from tests.botapi.memory import InMemoryRequest

from .conftest import make_settings

GROUP = -1001234567
FAST = 20  # messages a second per chat, and a minute per group, times 60: fake and bot alike, so the
# group's 20 answers take a second (at Telegram's 20 a minute, spaced 3 s apart, they take a minute)


def fast_limiter() -> PacedLimiter:
    return PacedLimiter(Pacer(per_chat_interval=1 / FAST, group_per_minute=FAST * 60))


async def until(condition: Callable[[], Any], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_flooding_group_does_not_hold_a_private_answer(fake_api: FakeBotAPI, article: Article) -> None:
    """40 × /summary@bot in a supergroup, then a private /summary: answered at once, under Telegram's limits.

    The group's answers go out one a second (Telegram's limit in a chat); stopping drops those still
    queued. The budget and the notice are checked with the limiter off in tests/fuzz/test_flood.py.
    """
    fake_api.enable_rate_limits()
    app = build_application(
        make_settings(fake_api), article, request=InMemoryRequest(fake_api), get_updates_request=InMemoryRequest(fake_api)
    )
    async with app:
        await post_init(app)
        await app.start()
        try:
            for n in range(40):
                raw = fake_api.message_update(
                    f"/summary@{fake_api.username}", chat_id=GROUP, chat_type="supergroup", user_id=300 + n
                )
                await app.update_queue.put(Update.de_json(raw, app.bot))
            await app.update_queue.put(Update.de_json(fake_api.message_update("/summary", user_id=5), app.bot))
            assert await until(lambda: fake_api.sent_texts(5), timeout=3), "the private /summary waited for the group"
            assert len(fake_api.sent_texts(GROUP)) < 5  # answered while the group's answers still go out
        finally:
            stopping = time.monotonic()
            await app.stop()
            stop_seconds = time.monotonic() - stopping
            await post_shutdown(app)
    assert stop_seconds < 5  # the group's queued answers do not hold up the stop
    assert fake_api.sent_texts(5)[0].startswith("ملخص الخبر")
    assert all(text.startswith("ملخص الخبر") for text in fake_api.sent_texts(GROUP))
    assert fake_api.rate_stats.rejected_429 == 0


async def test_answers_of_one_chat_keep_their_order(fake_api: FakeBotAPI, article: Article) -> None:
    """/lang then /summary from the same user: the summary comes in the new language."""
    app = build_application(
        make_settings(fake_api),
        article,
        request=InMemoryRequest(fake_api),
        get_updates_request=InMemoryRequest(fake_api),
        rate_limiter=fast_limiter(),
    )
    async with app:
        await post_init(app)
        await app.start()
        try:
            for text in ("/lang", "/summary", "/lang", "/summary"):
                await app.update_queue.put(Update.de_json(fake_api.message_update(text, user_id=9), app.bot))
            assert await until(lambda: len(fake_api.sent_texts(9)) == 4, timeout=10)
        finally:
            await app.stop()
            await post_shutdown(app)
    texts = fake_api.sent_texts(9)
    assert texts[0] == t("en", "lang_set") and texts[1].startswith("Summary")
    assert texts[2] == t("ar", "lang_set") and texts[3].startswith("ملخص الخبر")


def test_the_gate_answers_a_budget_then_one_notice_then_silence_until_the_window_opens() -> None:
    now = [0.0]
    gate = FloodGate(window=60, group_answers=3, private_answers=5, clock=lambda: now[0])
    verdicts = [gate.admit(GROUP, group=True) for _ in range(6)]
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.NOTICE, Verdict.SILENCE, Verdict.SILENCE]
    assert [gate.admit(7, group=False) for _ in range(6)] == [Verdict.ANSWER] * 5 + [Verdict.NOTICE]
    now[0] = 59.0
    assert gate.admit(GROUP, group=True) is Verdict.SILENCE
    now[0] = 60.5
    assert gate.admit(GROUP, group=True) is Verdict.ANSWER


def test_the_gate_remembers_a_bounded_number_of_chats() -> None:
    gate = FloodGate(max_chats=100)
    for chat in range(10_000):
        gate.admit(chat, group=False)
    assert len(gate._windows) <= 100
