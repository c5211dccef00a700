"""Delivery as an operator sees it: ``python -m bot`` processes killed mid-broadcast, against a fake
Telegram over HTTP on 127.0.0.1 that enforces the flood limits and injects faults.

The fake refuses more than 30 sends/s overall, 1/s per chat and 20/min per channel (429 with
``retry_after``, and every 429 opens a flood window), and fails about 10% of sends: 429, 500,
502, a request held past the client's timeout and dropped, a send whose answer is lost, 403 and
400 "chat not found". Users subscribe through getUpdates. What is checked, after each SIGKILL:
nobody reachable is left without the article, duplicates stay within the documented bound, no
send follows a 403, no 429 is provoked, and the channel carries one set of posts, edited in place.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.delivery.outbox import SENDERS
from tests.botapi.fake import FakeBotAPI
from tests.botapi.http_server import FakeBotAPIServer
from tests.processes import bot_environment, stop_process, wait_for

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = -100777
ADMIN = 9000
NEW, UPDATE = "خبر جديد", "تحديث للخبر"
GRACE = 0.25  # seconds after an injected 429 during which sends already under way may still arrive
FAULT_KINDS = ["429", "500", "502", "timeout", "lost_answer", "403", "400_chat_not_found"]
EXTRA = (
    "\n\nوأضاف المتحدث باسم التحالف الدولي أن العمليات العسكرية ستستمر في محيط السجن حتى استعادة "
    "السيطرة الكاملة على جميع المباني والأحياء المجاورة له خلال الأيام المقبلة.\n"
)


class Scenario:
    """The fake Telegram, the environment of the bot processes and what users received."""

    def __init__(self, server: FakeBotAPIServer, tmp: Path, users: int, **env: str) -> None:
        self.api: FakeBotAPI = server.api
        self.tmp = tmp
        self.users = list(range(5001, 5001 + users))
        self.api.add_chat(CHANNEL, "channel", username="news_channel", admin=True)
        self.stats = self.api.enable_rate_limits()
        self.env = bot_environment(self.api.token, server.base_url, tmp, [ADMIN])
        self.env.update(
            BOT_OUTBOX_INTERVAL="0.3",
            BOT_SEND_TIMEOUT="1.5",
            BOT_LOG_LEVEL="INFO",
        )
        self.env.update(env)
        self.logs: list[Path] = []

    @contextmanager
    def process(self, *args: str) -> Iterator[subprocess.Popen[str]]:
        """``python -m bot ARGS``; stopped with SIGINT (then SIGKILL) if still running at the end."""
        log = self.tmp / f"run{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", *args], cwd=self.tmp, env=self.env, stdout=out, stderr=out, text=True
            )
        try:
            yield process
        finally:
            stop_process(process)

    def output(self, index: int = -1) -> str:
        return self.logs[index].read_text()

    def subscribe_all(self) -> None:
        for user in self.users:
            self.api.message_update("/subscribe", user_id=user, push=True)
        wait_for(lambda: all(self.api.chat_messages(u)[1:] for u in self.users), 30, "every /subscribe answered")

    def seed_subscribers(self) -> None:
        """Subscribers already in the store (as a previous run left them), their chats known to the fake."""
        from bot.store.sqlite import SqliteStore

        store = SqliteStore(self.tmp / "bot.sqlite3")
        for user in self.users:
            self.api.add_chat(user, "private")
            store.add_subscriber(user, "ar")
        store.close()

    def start_faults(self) -> None:
        """About 10% of sends fail from now on; a few users block the bot or delete their chat first."""
        self.api.block_user(self.users[0])
        self.api.forget_chat(self.users[1])
        self.api.set_random_faults(0.10, FAULT_KINDS, seed=11, methods=["sendMessage"], retry_after=1)

    def ask(self, command: str, expected: str) -> None:
        """An admin sends ``command`` until its answer holds ``expected`` (a reply may meet a fault too)."""
        for _ in range(5):
            self.api.message_update(command, user_id=ADMIN, push=True)
            try:
                wait_for(lambda: expected in str(self.api.chat_messages(ADMIN)[-1:]), 4, f"{command} answered")
                return
            except AssertionError:
                continue
        raise AssertionError(f"{command} never answered with {expected!r}: {self.api.chat_messages(ADMIN)[-1:]}")

    def copies(self, prefix: str) -> dict[int, int]:
        """How many messages starting with ``prefix`` each user holds (what really arrived)."""
        return {
            u: sum(str(m.get("text", "")).startswith(prefix) for m in self.api.chat_messages(u)) for u in self.users
        }

    def reachable(self) -> list[int]:
        return [u for u in self.users if u not in self.api.blocked_users and u not in self.api.gone_chats]

    def received_share(self, prefix: str) -> float:
        return sum(1 for n in self.copies(prefix).values() if n) / len(self.users)

    def everyone_has(self, prefix: str) -> bool:
        copies = self.copies(prefix)
        return all(copies[u] for u in self.reachable())

    def kill_at_a_third(self, process: subprocess.Popen[str], prefix: str) -> None:
        wait_for(lambda: self.received_share(prefix) >= 1 / 3, 30, f"a third of {prefix!r} sent")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def check(self, prefix: str, kills: int) -> None:
        """Nobody reachable lost; duplicates within the bound; no send after a refusal; no 429 provoked."""
        copies = self.copies(prefix)
        lost = [u for u in self.reachable() if not copies[u]]
        assert lost == [], f"{len(lost)} reachable subscribers never got {prefix!r}"
        duplicates = sum(n - 1 for n in copies.values() if n > 1)
        assert duplicates <= kills * SENDERS + self.api.lost_answers, copies
        assert self.api.sends_after_refusal == 0
        # a send already on its way when an injected 429 is answered meets its flood window; any
        # other 429 would be the bot's own doing
        late = self.stats.provoked_after(GRACE)
        assert late == 0, f"{late} self-provoked 429s: {self.around_429s()}"

    def around_429s(self) -> list[str]:
        """The sends around each 429, for a failure message."""
        sends = self.api.requests("sendMessage")
        lines = []
        for i, call in enumerate(sends):
            if call.status == 429:
                for near in sends[max(0, i - 2) : i + 3]:
                    lines.append(f"{near.at:.3f} {near.params['chat_id']} {near.status}")
                lines.append("--")
        return lines

    def channel_ids(self) -> list[int]:
        return [int(m["message_id"]) for m in self.api.chat_messages(CHANNEL)]


@pytest.fixture
def server() -> Iterator[FakeBotAPIServer]:
    # a held request answers after 2 s, past the bot's 1.5 s read timeout, and then the connection drops
    with FakeBotAPIServer(timeout_stall=2.0) as running:
        yield running


def test_library_mode_survives_a_kill_mid_broadcast(server: FakeBotAPIServer, tmp_path: Path) -> None:
    summary = library_scenario(server, tmp_path, 15)
    assert summary["resent_unknown"] >= summary["duplicates"]


def library_scenario(server: FakeBotAPIServer, tmp_path: Path, users: int, send_timeout: float = 1.5) -> dict[str, int]:
    """Library mode with auto-publish: a new file, a SIGKILL a third into its broadcast, a restart,
    publishing again (command line, /publish), then the file changes. Checked as it goes; returns
    the figures (bench/broadcast.py runs it with 300 users)."""
    library = tmp_path / "library"
    library.mkdir()
    run = Scenario(
        server,
        tmp_path,
        users,
        BOT_LIBRARY_DIR=str(library),
        BOT_AUTO_PUBLISH="true",
        BOT_LIBRARY_INTERVAL="0.3",
        BOT_SEND_TIMEOUT=str(send_timeout),
    )
    patience = 20 + users / 10
    article = (ROOT / "bot" / "data" / "article.txt").read_text("utf-8")
    with run.process() as bot:
        run.subscribe_all()
        run.start_faults()
        (library / "news.txt").write_text(article, "utf-8")  # a new file while the bot runs
        run.kill_at_a_third(bot, NEW)
    with run.process():  # restarted on the same store
        wait_for(lambda: run.everyone_has(NEW), patience, "every reachable subscriber served after the restart")
        run.check(NEW, kills=1)
        posts = run.channel_ids()
        assert posts, "nothing was published to the channel"

        with run.process("publish") as cli:  # publishing again, beside the running bot
            assert cli.wait(timeout=60) == 0, run.output()
        assert "unchanged" in run.output() and "0 queued" in run.output()
        before = run.copies(NEW)
        run.ask("/publish", "ولم يتغير")
        assert run.channel_ids() == posts and run.copies(NEW) == before

        (library / "news.txt").write_text(article + EXTRA, "utf-8")  # the file changes
        wait_for(lambda: run.everyone_has(UPDATE), patience, "every reachable subscriber updated")
        run.check(UPDATE, kills=0)
        assert run.channel_ids() == posts, "the channel posts were not edited in place"
        assert [c for c in run.api.sent("editMessageText") if c.params["chat_id"] in (CHANNEL, "@news_channel")]
        run.ask("/stats", "نتيجة مجهولة")
    stats = str(run.api.chat_messages(ADMIN)[-1]["text"])
    copies = [*run.copies(NEW).values(), *run.copies(UPDATE).values()]
    return {
        "reachable": len(run.reachable()),
        "lost": 0,
        "duplicates": sum(n - 1 for n in copies if n > 1),
        "provoked_429": run.stats.rejected_429,
        "provoked_429_after_grace": run.stats.provoked_after(GRACE),
        "injected_429": run.stats.injected_429,
        "answers_lost": run.api.lost_answers,
        "resent_unknown": int(next(line for line in stats.splitlines() if "نتيجة مجهولة" in line).rsplit(":")[1]),
    }


def test_single_article_mode_with_the_cli_beside_the_bot_each_killed(server: FakeBotAPIServer, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    article = (ROOT / "bot" / "data" / "article.txt").read_text("utf-8")
    path.write_text(article, "utf-8")
    run = Scenario(server, tmp_path, 15, BOT_ARTICLE_PATH=str(path))
    run.seed_subscribers()  # subscribing through getUpdates is the library test's part
    run.start_faults()

    with run.process("publish") as cli:  # no bot running: the command line sends, and is killed
        run.kill_at_a_third(cli, NEW)
    with run.process() as bot:  # the bot takes the dead command's rows over at once, not after a lease
        wait_for(lambda: run.everyone_has(NEW), 20, "every reachable subscriber served after the kill")
        run.check(NEW, kills=1)
        posts = run.channel_ids()

        path.write_text(article + EXTRA, "utf-8")  # a new version the running bot does not hold
        with run.process("publish") as cli:  # beside the bot: the bot sends the command's rows...
            run.kill_at_a_third(bot, UPDATE)  # ...until it is killed: the command takes over
            assert cli.wait(timeout=40) == 0, run.output()
    report = run.output()
    assert "edited" in report and " 0 failed" in report and "0 not yet sent" in report, report
    run.check(UPDATE, kills=1)
    assert run.channel_ids() == posts  # one set of posts, edited in place


def test_the_library_is_read_at_once_not_one_interval_late(server: FakeBotAPIServer, tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "news.txt").write_text((ROOT / "bot" / "data" / "article.txt").read_text("utf-8"), "utf-8")
    run = Scenario(server, tmp_path, 1, BOT_LIBRARY_DIR=str(library), BOT_LIBRARY_INTERVAL="60")
    with run.process():
        user = run.users[0]

        def served() -> bool:
            run.api.message_update("/summary", user_id=user, push=True)
            time.sleep(0.3)
            return any(str(m.get("text", "")).startswith("ملخص الخبر") for m in run.api.chat_messages(user))

        wait_for(served, 20, "/summary served well before the 60 s scan interval")


def test_a_damaged_store_stops_the_bot_with_one_line(server: FakeBotAPIServer, tmp_path: Path) -> None:
    (tmp_path / "bot.sqlite3").write_bytes(b"not a database " * 300)
    run = Scenario(server, tmp_path, 1)
    with run.process() as bot:
        assert bot.wait(timeout=60) == 2
    output = run.output()
    assert output.count("\n") == 1 and "is damaged" in output and "Traceback" not in output
    assert not run.api.requests("getUpdates")  # it never started polling (nor accepted /subscribe)
