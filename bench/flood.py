"""Flood benchmark: how long a private /summary waits while a group floods the bot.

The bot is built as ``python -m bot`` builds it (its rate limiter included) over the fake Bot API
with Telegram's flood limits switched on (1 message a second per chat, 20 a minute per group, 30 a
second overall; 429 with ``retry_after`` beyond them). Updates go through ``Application.update_queue``
as the updater hands them over: ``--flood`` × ``/summary@bot`` in a supergroup, then one private
``/summary``. Printed: the private answer's latency, what the group got by then, the 429s the fake
gave, and how long stopping the bot took right after.

    .venv/bin/python bench/flood.py [--flood 40] [--cap 120]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make ``bot`` and ``tests`` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update

from bot.article import load_article
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.jobs import post_init, post_shutdown
from tests.botapi import FakeBotAPI, InMemoryRequest

GROUP = -1001234567
PRIVATE_USER = 5


async def run(flood: int, cap: float) -> None:
    fake = FakeBotAPI()
    fake.enable_rate_limits()
    scratch = Path(tempfile.mkdtemp(prefix="bench-flood-"))  # the store and cache, not in the working folder
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        token=fake.token,
        base_url="http://127.0.0.1:9/bot",
        db_path=scratch / "bot.sqlite3",
        cache_dir=scratch / "cache",
    )
    app = build_application(
        settings, load_article(), request=InMemoryRequest(fake), get_updates_request=InMemoryRequest(fake)
    )
    async with app:
        await post_init(app)
        await app.start()
        for n in range(flood):
            raw = fake.message_update(
                f"/summary@{fake.username}", chat_id=GROUP, chat_type="supergroup", user_id=300 + n
            )
            await app.update_queue.put(Update.de_json(raw, app.bot))
        started = time.monotonic()
        await app.update_queue.put(Update.de_json(fake.message_update("/summary", user_id=PRIVATE_USER), app.bot))
        while not fake.sent_texts(PRIVATE_USER) and time.monotonic() - started < cap:
            await asyncio.sleep(0.005)
        latency = time.monotonic() - started
        answered = bool(fake.sent_texts(PRIVATE_USER))
        group_by_then = len(fake.sent_texts(GROUP))
        stopping = time.monotonic()
        await app.stop()
        stop_seconds = time.monotonic() - stopping
        await post_shutdown(app)
    verdict = f"{latency:.2f} s" if answered else f"not answered within {cap:.0f} s"
    print(f"flood: {flood} x /summary@bot in a supergroup, then a private /summary")
    print(f"private /summary answered after: {verdict}")
    print(f"group messages sent by then: {group_by_then}; in all: {len(fake.sent_texts(GROUP))}")
    print(f"429 answers from the fake: {fake.rate_stats.rejected_429}")
    print(f"stopping the bot right after took {stop_seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=40)
    parser.add_argument("--cap", type=float, default=120.0, help="give up waiting for the private answer after this")
    args = parser.parse_args()
    asyncio.run(run(args.flood, args.cap))


if __name__ == "__main__":
    main()
