"""Corrections as an outsider attacks them: ``python -m bot`` processes in library mode, against a
fake Telegram over HTTP on 127.0.0.1 (``tests/botapi/http_server.py``) that checks every request
against the Bot API spec and Telegram's HTML rules, enforces the flood limits and injects faults.

Admins and users talk to the bot through getUpdates; the bot is SIGKILLed and restarted on the
same store. What is checked: a correction of a published article edits its one set of channel
posts in place and reaches each subscriber once, across a kill, a re-parse and faults; hostile
input and forged buttons get a clear answer, never a traceback; an old button opens its version.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.botapi.fake import FakeBotAPI
from tests.botapi.http_server import FakeBotAPIServer
from tests.processes import stop_process

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = -100888
GROUP = -100444
ADMINS = (9101, 9102, 9103, 9104, 9105)
ADMIN = ADMINS[0]
STRANGER = 6100
NEW, UPDATE = "خبر جديد", "تحديث للخبر"
SPEAKER = "العقيد واين ماروتو، المتحدث باسم التحالف"
SPEAKER_NAME = "العقيد واين ماروتو"
GRACE = 0.25  # seconds after an injected 429 during which sends already on their way may meet its window

_LINES = (ROOT / "bot" / "data" / "article.txt").read_text("utf-8").splitlines()
BUNDLED = "\n".join(_LINES) + "\n"  # 22 statements: /correct lists them on two pages; three channel posts
# A short story cut from the bundled one (title, date, dateline, 7 statements): two channel posts,
# so a correction costs two channel edits at the channel's pace, not three.
_SHORT_LINES = [7, 9, 11, 13, 15, 21, 25, 33, 66, 70, 78, 82]
SHORT = "\n\n".join(_LINES[i - 1] for i in _SHORT_LINES) + "\n"
# The same file edited by the newsroom: another toll, and the last statement (the 7th) taken out.
EDITED = "\n\n".join(_LINES[i - 1] for i in _SHORT_LINES[:-1]).replace("123 قتيلا", "130 قتيلا") + "\n"


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Run:
    """The fake Telegram, a library folder with one file, the store, and the bot processes started on them."""

    def __init__(
        self, server: FakeBotAPIServer, tmp: Path, text: str = SHORT, subscribers: int = 3, **env: str
    ) -> None:
        self.api: FakeBotAPI = server.api
        self.tmp = tmp
        self.library = tmp / "library"
        self.library.mkdir()
        self.file = self.library / "news.txt"
        self.text = text
        self.users = list(range(6001, 6001 + subscribers))
        self.api.add_chat(CHANNEL, "channel", username="news_channel", admin=True)
        self.api.add_chat(GROUP, "supergroup", title="غرفة الأخبار")
        for admin in ADMINS:
            self.api.add_chat(admin)
        self.stats = self.api.enable_rate_limits()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        self.env.update(
            PYTHONPATH=str(ROOT),
            BOT_TOKEN=self.api.token,
            BOT_BASE_URL=server.base_url,
            BOT_CHANNEL_ID="@news_channel",
            BOT_ADMIN_IDS=",".join(str(a) for a in ADMINS),
            BOT_DB_PATH=str(tmp / "bot.sqlite3"),
            BOT_CACHE_DIR=str(tmp / "cache"),
            BOT_LIBRARY_DIR=str(self.library),
            BOT_LIBRARY_INTERVAL="0.3",
            BOT_AUTO_PUBLISH="true",
            BOT_OUTBOX_INTERVAL="0.3",
            BOT_SEND_TIMEOUT="1.5",
            BOT_LOG_LEVEL="INFO",
        )
        self.env.update(env)
        self.logs: list[Path] = []
        self._seed_subscribers()

    def _seed_subscribers(self) -> None:
        """Subscribers already in the store, as an earlier run left them (subscribing is another test's part)."""
        from bot.store.sqlite import SqliteStore

        store = SqliteStore(self.tmp / "bot.sqlite3")
        for user in self.users:
            self.api.add_chat(user)
            store.add_subscriber(user, "ar")
        store.close()

    # processes ---------------------------------------------------------------------------

    @contextmanager
    def process(self) -> Iterator[subprocess.Popen[str]]:
        """``python -m bot``; stopped with SIGINT (then SIGKILL) if still running at the end."""
        log = self.tmp / f"run{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot"], cwd=self.tmp, env=self.env, stdout=out, stderr=out, text=True
            )
        try:
            yield process
        finally:
            stop_process(process)

    @staticmethod
    def kill(process: subprocess.Popen[str]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def output(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()}" for log in self.logs)

    # what users see ----------------------------------------------------------------------

    def replies(self, chat: int) -> list[dict[str, Any]]:
        """The messages the bot sent to ``chat`` (as accepted), oldest first."""
        return [c.result for c in self.api.sent("sendMessage") if c.result["chat"]["id"] == chat]

    def say(
        self, text: str, user: int = ADMIN, *, chat: int | None = None, timeout: float = 10, answers: int = 1
    ) -> str:
        """``user`` sends ``text`` (in their private chat, or in ``chat``); the bot's answer (its text)."""
        where = user if chat is None else chat
        before = len(self.replies(where))
        if chat is None:
            self.api.message_update(text, user_id=user, push=True)
        else:
            self.api.message_update(text, user_id=user, chat_id=chat, chat_type="supergroup", push=True)
        wait_for(lambda: len(self.replies(where)) >= before + answers, timeout, f"an answer to {text[:60]!r}")
        return str(self.replies(where)[-1].get("text", ""))

    def press(self, data: str, message_id: int, user: int = ADMIN, timeout: float = 8) -> dict[str, Any]:
        """``user`` presses a button with callback ``data`` under ``message_id`` in their chat; the bot's answer."""
        update = self.api.callback_query_update(data, message_id, user_id=user, push=True)
        query = update["callback_query"]["id"]
        wait_for(lambda: query in self.api.callback_answers, timeout, f"the answer to button {data!r}")
        return self.api.callback_answers[query]

    def channel_ids(self) -> list[int]:
        return [int(m["message_id"]) for m in self.api.chat_messages(CHANNEL)]

    def channel_text(self) -> str:
        return "\n".join(str(m.get("text", "")) for m in self.api.chat_messages(CHANNEL))

    def channel_edits(self, ok: bool | None = None) -> list[int]:
        """Message ids of the edits of channel posts the bot asked for (only accepted ones with ``ok``)."""
        calls = self.api.sent("editMessageText") if ok else self.api.requests("editMessageText")
        return [int(c.params["message_id"]) for c in calls if c.params.get("chat_id") in (CHANNEL, "@news_channel")]

    def copies(self, prefix: str) -> dict[int, int]:
        """How many messages starting with ``prefix`` each subscriber holds (what really arrived)."""
        return {
            u: sum(str(m.get("text", "")).startswith(prefix) for m in self.api.chat_messages(u)) for u in self.users
        }

    def everyone_has(self, prefix: str) -> bool:
        return all(self.copies(prefix).values())

    def published(self, timeout: float = 15) -> list[int]:
        """The file arrives while the bot runs; wait until it is in the channel and every subscriber
        has it; the channel's posts.

        (Not a file already there at start-up: that one is published twice, see
        test_a_file_found_at_start_up_is_posted_once.)
        """
        wait_for(lambda: "article(s) loaded" in self.output(), 15, "the first scan of the empty library")
        self.file.write_text(self.text, "utf-8")
        wait_for(lambda: self.everyone_has(NEW), timeout, "the article published and delivered at start-up")
        return self.channel_ids()

    def resent(self, admin: int = ADMIN) -> int:
        """What /stats says was sent again after an unknown outcome (the documented duplicates)."""
        text = self.say("/stats", admin)
        line = next(line for line in text.splitlines() if "نتيجة مجهولة" in line)
        return int(re.findall(r"\d+", line)[-1])

    def clean(self) -> None:
        """Every request passed the Bot API and HTML checks; no traceback in any log; no 429 provoked."""
        assert self.api.violations == [], self.api.violations
        assert "Traceback" not in self.output(), self.output()[-6000:]
        late = self.stats.provoked_after(GRACE)
        assert late == 0, f"{late} self-provoked 429s"


def statement_line(listing: str, number: int) -> str:
    """The line of statement ``number`` in the numbered list /correct sends."""
    return next((line for line in listing.splitlines() if line.startswith(f"التصريح {number}:")), "")


@pytest.fixture
def server() -> Iterator[FakeBotAPIServer]:
    # a held request answers after 2 s, past the bot's 1.5 s read timeout, and then the connection drops
    with FakeBotAPIServer(timeout_stall=2.0) as running:
        yield running


# a speaker corrected, and the bot killed ----------------------------------------------------


def test_a_speaker_correction_edits_the_posts_once_and_updates_each_subscriber_once_across_a_kill(
    server: FakeBotAPIServer, tmp_path: Path
) -> None:
    run = Run(server, tmp_path)
    with run.process() as bot:
        posts = run.published()
        assert len(posts) == 2 and run.channel_edits() == []
        answer = run.say(f"/correct 2 speaker {SPEAKER}")
        run.kill(bot)  # right after the admin is told: the broadcast of the update may be under way
    assert SPEAKER_NAME in answer and "وسيُعدَّل منشور القناة" in answer, answer
    assert run.channel_edits(ok=True) == posts, f"each post edited once, in place: {run.channel_edits()}"
    edited = run.channel_edits()
    assert SPEAKER_NAME in run.channel_text()

    with run.process():  # restarted on the same store
        wait_for(lambda: run.everyone_has(UPDATE), 15, "every subscriber updated after the restart")
        time.sleep(1.2)  # a few library scans (every 0.3 s): none may publish the same version again
        assert run.channel_ids() == posts, "a post was added: not edited in place"
        assert run.channel_edits() == edited, "a second edit storm after the restart"
        assert SPEAKER_NAME in run.channel_text()
        listing = run.say("/correct", ADMINS[1])  # the correction is still applied to what the bot serves
        assert SPEAKER_NAME in statement_line(listing, 2), listing
        assert SPEAKER_NAME in run.say("/corrections", ADMINS[2])
        resent = run.resent(ADMINS[3])
    copies = run.copies(UPDATE)
    assert all(copies.values()), copies
    assert sum(n - 1 for n in copies.values()) <= resent, f"duplicates beyond the sends counted as unknown: {copies}"
    assert run.copies(NEW) == dict.fromkeys(run.users, 1)
    run.clean()


@pytest.mark.xfail(
    strict=True,
    reason="BUG: post_init starts the first folder scan as a task, then awaits getChatMember; the scan "
    "finishes meanwhile, so post_init sees service.scanned and calls publish_library while the scan's "
    "hand_over publishes too: the article goes to the channel twice (bot/telegram/jobs.py post_init)",
)
def test_a_file_found_at_start_up_is_posted_once(server: FakeBotAPIServer, tmp_path: Path) -> None:
    run = Run(server, tmp_path)
    run.file.write_text(run.text, "utf-8")  # there before the bot starts: news, published once
    with run.process():
        wait_for(lambda: run.everyone_has(NEW), 15, "the article delivered at start-up")
        time.sleep(2.5)  # the channel's pace: a second set would be under way by now
        texts = [str(m.get("text", "")) for m in run.api.chat_messages(CHANNEL)]
        assert len(texts) == 2 and len(set(texts)) == 2, f"{len(texts)} channel posts: {[t[:40] for t in texts]}"
    run.clean()
