"""The `python -m bot` processes a test starts: waiting on what they do, and stopping them (SIGINT as
an operator would, then a kill)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def stop_process(process: subprocess.Popen[str], timeout: float = 15) -> None:
    """SIGINT, and SIGKILL if it has not exited within ``timeout`` seconds; always reaped."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; AssertionError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def bot_environment(token: str, base_url: str, tmp: Path, admins: Iterable[int]) -> dict[str, str]:
    """The environment of a ``python -m bot`` under test: no ``BOT_*`` of the caller's, this checkout
    on the path, the fake Telegram's token and address, a channel, admins, a store and cache in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        BOT_TOKEN=token,
        BOT_BASE_URL=base_url,
        BOT_CHANNEL_ID="@news_channel",
        BOT_ADMIN_IDS=",".join(str(admin) for admin in admins),
        BOT_DB_PATH=str(tmp / "bot.sqlite3"),
        BOT_CACHE_DIR=str(tmp / "cache"),
    )
    return env
