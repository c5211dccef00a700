"""The pacer and the rate limiter over it: one pace for every path, a 429 stops everyone."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from telegram.error import RetryAfter

from bot.delivery.pacing import PacedLimiter, Pacer, paced_chat

from .virtual_time import VirtualTime


async def test_a_429_pauses_every_send_for_its_full_retry_after() -> None:
    time = VirtualTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    limiter = PacedLimiter(pacer, max_retries=0)
    sent: list[tuple[float, int]] = []

    async def send(chat: int) -> None:
        async def call() -> dict[str, Any]:
            sent.append((time.now, chat))
            if chat == 1:
                raise RetryAfter(3)
            await time.sleep(0.01)  # answers keep finishing while the pause runs (PTB issue #5338)
            return {}

        try:
            await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)
        except RetryAfter:
            pass

    async with time.running():
        start = time.now
        await send(1)
        await asyncio.gather(*(send(chat) for chat in range(2, 30)))
    assert all(at >= start + 3 for at, chat in sent if chat != 1)  # nobody before the pause ended


async def test_a_chat_that_must_wait_does_not_hold_the_others() -> None:
    time = VirtualTime()
    pacer = Pacer(rate=10.0, clock=time.clock, sleep=time.sleep)
    at: dict[str, float] = {}

    async def slot(name: str, chat: int) -> None:
        await pacer.slot(chat)
        at[name] = time.now

    async with time.running():
        start = time.now
        await slot("first to 1", 1)
        await asyncio.gather(slot("second to 1", 1), *(slot(f"to {c}", c) for c in range(2, 6)))
    assert at["second to 1"] - at["first to 1"] >= 1.0
    assert max(at[f"to {c}"] for c in range(2, 6)) - start < 0.6  # not pushed behind chat 1's second


async def test_channels_get_at_most_20_a_minute() -> None:
    time = VirtualTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    at: list[float] = []
    async with time.running():
        for _ in range(25):
            await pacer.slot("@news_channel")
            at.append(time.now)
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(at))
    assert all(at[i + 20] - at[i] >= 60.0 for i in range(len(at) - 20))


def test_what_is_paced() -> None:
    assert paced_chat("sendMessage", {"chat_id": 5}) == 5
    assert paced_chat("sendMessage", {"chat_id": "-100123"}) == -100123
    assert paced_chat("editMessageText", {"chat_id": "@news_channel"}) == "@news_channel"
    assert paced_chat("editMessageText", {"chat_id": 5}) is None  # a page turn in a private chat
    assert paced_chat("answerCallbackQuery", {"callback_query_id": "1"}) is None


async def test_a_second_sender_to_a_chat_is_not_starved_by_one_that_keeps_sending() -> None:
    """A waiter woken as the turn is released has not taken it yet: a sender coming straight back
    must queue behind it, not take a fresh turn of its own each time and go first again."""
    pacer = Pacer(per_chat_interval=0.05)
    order: list[str] = []

    async def sender(name: str, count: int, delay: float = 0.0) -> None:
        await asyncio.sleep(delay)
        for n in range(count):
            async with pacer.sending(-100):
                await asyncio.sleep(0.005)  # the request on its way
            order.append(f"{name}{n}")

    await asyncio.wait_for(asyncio.gather(sender("a", 5), sender("b", 1, delay=0.01)), timeout=10)
    assert order.index("b0") < order.index("a4")  # b's one send is not held until a has sent all of its own
    assert not pacer._chat_turns and not pacer._turn_users  # nothing kept for an idle chat
