"""End to end: the bot as a process (``python -m bot``) against a fake Bot API over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.botapi.http_server import FakeBotAPIServer
from tests.processes import stop_process

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@contextmanager
def bot_process(env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[str]]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    full_env.update(env)
    full_env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        stop_process(process)


def test_polling_process_answers_and_stops_cleanly(fake_server: FakeBotAPIServer, tmp_path: Path) -> None:
    api = fake_server.api
    env = {"BOT_TOKEN": api.token, "BOT_BASE_URL": fake_server.base_url, "BOT_LOG_LEVEL": "DEBUG"}
    with bot_process(env, tmp_path) as process:
        assert wait_for(lambda: bool(api.requests("getUpdates"))), "the bot never polled"
        api.message_update("/summary", user_id=77, push=True)
        assert wait_for(lambda: bool(api.sent("sendMessage"))), "no answer to /summary"
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=15)
    assert api.last("sendMessage").result["text"].startswith("ملخص الخبر")
    assert process.returncode == 0
    assert "Traceback" not in err
    assert api.token not in err and api.token.split(":")[1] not in err  # DEBUG logs carry no token


def test_webhook_process_checks_the_secret_token(fake_server: FakeBotAPIServer, tmp_path: Path) -> None:
    api = fake_server.api
    port = free_port()
    env = {
        "BOT_TOKEN": api.token,
        "BOT_BASE_URL": fake_server.base_url,
        "BOT_MODE": "webhook",
        "BOT_WEBHOOK_URL": "https://news-bot.example.org",
        "BOT_WEBHOOK_LISTEN": "127.0.0.1",
        "BOT_WEBHOOK_PORT": str(port),
        "BOT_WEBHOOK_SECRET": "s3cret-Token_1",
    }
    url = f"http://127.0.0.1:{port}/telegram"

    def post(update: dict[str, object], secret: str | None) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status: int = response.status
                return status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return -1

    with bot_process(env, tmp_path) as process:
        assert wait_for(lambda: bool(api.sent("setWebhook"))), "the bot never set its webhook"
        webhook = api.last("setWebhook").params
        assert webhook["url"] == "https://news-bot.example.org/telegram"
        assert webhook["secret_token"] == "s3cret-Token_1"
        assert wait_for(lambda: post({"update_id": 1}, "s3cret-Token_1") == 200)
        assert post(api.message_update("/summary", user_id=5), None) == 403
        assert post(api.message_update("/summary", user_id=5), "wrong") == 403
        assert api.sent("sendMessage") == []
        assert post(api.message_update("/about", user_id=6), "s3cret-Token_1") == 200
        assert wait_for(lambda: bool(api.sent("sendMessage")))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200 and json.loads(response.read())["ok"] is True
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=15)
    assert [c.result["chat"]["id"] for c in api.sent("sendMessage")] == [6]
    assert "Traceback" not in err
    assert process.returncode == 0 and "starting as @" in err  # stopped cleanly by SIGINT


def test_no_token_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "BotFather" in result.stderr and "Traceback" not in result.stderr
    preview = subprocess.run(
        [sys.executable, "-m", "bot", "preview", "quotes"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert preview.returncode == 0 and "التصريحات حسب المصدر" in preview.stdout


def test_publish_command_posts_once_and_delivers(fake_server: FakeBotAPIServer, tmp_path: Path) -> None:
    api = fake_server.api
    api.add_chat(-100555, "channel", username="news_channel", admin=True)
    store_path = tmp_path / "bot.sqlite3"
    from bot.store.sqlite import SqliteStore

    store = SqliteStore(store_path)
    for chat in (11, 12):
        store.add_subscriber(chat, "ar")
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        BOT_TOKEN=api.token,
        BOT_BASE_URL=fake_server.base_url,
        BOT_CHANNEL_ID="@news_channel",
        BOT_DB_PATH=str(store_path),
    )

    def publish() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "publish"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )

    first = publish()
    assert first.returncode == 0, first.stderr
    assert "posted" in first.stdout and "2 sent" in first.stdout
    channel_posts = len(api.chat_messages(-100555))
    second = publish()
    assert second.returncode == 0 and "unchanged" in second.stdout and "0 sent" in second.stdout
    assert len(api.chat_messages(-100555)) == channel_posts
    assert sorted(c.result["chat"]["id"] for c in api.sent("sendMessage") if c.result["chat"]["id"] > 0) == [11, 12]
    api.set_admin(-100555, False)
    third = publish()
    assert third.returncode == 2 and third.stderr.count("\n") == 1 and "Traceback" not in third.stderr


def test_a_large_article_loads_while_the_bot_already_polls(fake_server: FakeBotAPIServer, tmp_path: Path) -> None:
    api = fake_server.api
    bundled = (ROOT / "bot" / "data" / "article.txt").read_text("utf-8")
    body = [line for line in bundled.splitlines() if len(line.split()) >= 12]
    big = tmp_path / "big.txt"  # over the in-process limit, so a child process parses it
    big.write_text(
        bundled + "\n\n" + "\n\n".join(f"{line} ({n})" for n in range(60) for line in body) + "\n", "utf-8"
    )
    assert big.stat().st_size > 256 * 1024
    env = {
        "BOT_TOKEN": api.token,
        "BOT_BASE_URL": fake_server.base_url,
        "BOT_ARTICLE_PATH": str(big),
        "BOT_CACHE_DIR": str(tmp_path / "cache"),
    }
    with bot_process(env, tmp_path) as process:
        assert wait_for(lambda: bool(api.requests("getUpdates"))), "the bot never polled"

        def served() -> bool:
            api.message_update("/summary", user_id=78, push=True)
            time.sleep(0.3)
            return any(text.startswith("ملخص الخبر") for text in api.sent_texts(78))

        assert wait_for(served, timeout=60), f"never served: {api.sent_texts(78)[-1:]}"
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=15)
    assert set(api.sent_texts(78)) <= {"الخبر قيد التحضير. حاول مرة أخرى بعد ثوانٍ.", *api.sent_texts(78)[-1:]}
    assert "in the background" in err and "ready after" in err  # polled first, loaded next
    assert process.returncode == 0 and "Traceback" not in err
    assert list((tmp_path / "cache").glob("*.jsonl")), "the parse was not cached for the next start"


def test_a_hostile_library_neither_freezes_loading_nor_a_stop(fake_server: FakeBotAPIServer, tmp_path: Path) -> None:
    """A FIFO, a link to /dev/zero, a huge file beside an article: it is served, and SIGINT stops the bot at once."""
    from tests.articles.test_service import hostile_folder

    api = fake_server.api
    folder = tmp_path / "library"
    hostile_folder(folder, tmp_path / "outside.txt")
    env = {
        "BOT_TOKEN": api.token,
        "BOT_BASE_URL": fake_server.base_url,
        "BOT_LIBRARY_DIR": str(folder),
        "BOT_CACHE_DIR": str(tmp_path / "cache"),
        "BOT_LIBRARY_INTERVAL": "1",  # PTB runs a repeating job first after one interval, even with first=0
    }
    with bot_process(env, tmp_path) as process:
        assert wait_for(lambda: bool(api.requests("getUpdates"))), "the bot never polled"

        def served() -> bool:
            api.message_update("/summary", user_id=79, push=True)
            time.sleep(0.3)
            return any(text.startswith("ملخص الخبر") for text in api.sent_texts(79))

        assert wait_for(served, timeout=30), f"never served: {api.sent_texts(79)[-1:]}"
        stopping = time.monotonic()
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=15)
        stop_seconds = time.monotonic() - stopping
    assert process.returncode == 0 and "Traceback" not in err
    assert stop_seconds < 10
    assert "FIFO" in err and "BOT_MAX_ARTICLE_BYTES" in err  # each hostile file is one warning line
