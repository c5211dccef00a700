"""``python -m bot preview`` and ``publish --dry-run``: what would be sent, readable, sending nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from bot.article import Article
from bot.store.sqlite import SqliteStore
from tests.botapi.http_server import FakeBotAPIServer

ROOT = Path(__file__).resolve().parents[1]
CHANNEL_ID = -100555


def preview(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(["preview", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_previews_are_readable_and_html_on_demand(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = preview(capsys, "summary")
    assert status == 0 and out.startswith("ملخص الخبر\n")
    assert "&quot;" not in out and "<b>" not in out and '"هجمات عصابات داعش' in out
    assert out.rstrip().endswith("[النص الكامل] | [التصريحات]")
    status, raw, _ = preview(capsys, "summary", "--html")
    assert status == 0 and raw.startswith("<b>ملخص الخبر</b>") and "&quot;" in raw and '"callback_data": "p|' in raw


def test_channel_preview_shows_every_post_and_its_links(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = preview(capsys, "channel", "--username", "news_bot")
    assert status == 0 and out.startswith("--- message 1 of ")
    assert "[النص الكامل → https://t.me/news_bot?start=" in out and "أبرز التصريحات" in out


def test_any_page_of_any_source(capsys: pytest.CaptureFixture[str], article: Article) -> None:
    status, first, _ = preview(capsys, "source", "1")
    assert status == 0 and "صفحة 1 من 2" in first
    status, second, _ = preview(capsys, "source", "1", "2")
    assert status == 0 and "صفحة 2 من 2" in second and "[السابق]" in second
    status, _, err = preview(capsys, "source", "1", "3")
    assert status == 2 and err == "error: source has no number 1 3 in this article\n"
    status, _, err = preview(capsys, "full", "0")
    assert status == 2 and "Traceback" not in err


def test_preview_reads_what_the_bot_serves_from_the_library(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, article: Article
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "other.json").write_text(article.model_copy(update={"title": "خبر من المكتبة"}).to_json(), "utf-8")
    monkeypatch.setenv("BOT_LIBRARY_DIR", str(library))
    monkeypatch.setenv("BOT_CACHE_DIR", "")
    status, out, _ = preview(capsys, "start")
    assert status == 0 and "خبر من المكتبة" in out and article.title not in out


def test_a_reader_that_stops_reading_gets_no_traceback(tmp_path: Path) -> None:
    """As ``python -m bot preview channel | head -n 1``: the pipe is closed before the preview is written."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")} | {"PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "preview", "channel"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the child has started
    try:
        err = process.stderr.read()
        status = process.wait(timeout=60)
    finally:
        process.kill()
        process.stderr.close()
    assert err == "" and status == 0


def test_publish_without_a_channel_exits_non_zero(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456789:AAFakeTokenForTestsOnly_0123456789ab")
    assert cli.main(["publish"]) == 2
    assert "BOT_CHANNEL_ID" in capsys.readouterr().err


def test_a_dry_run_sends_nothing_and_says_what_would_be_sent(
    fake_server: FakeBotAPIServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = fake_server.api
    api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    store_path = tmp_path / "bot.sqlite3"
    store = SqliteStore(store_path)
    store.add_subscriber(11, "ar")
    store.close()
    for name, value in {
        "BOT_TOKEN": api.token, "BOT_BASE_URL": fake_server.base_url,
        "BOT_CHANNEL_ID": "@news_channel", "BOT_DB_PATH": str(store_path),
    }.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["publish", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("bundled in @news_channel, dry run (nothing sent): send new messages: 3; subscriber deliveries to queue: 1")
    assert "--- message 1 of 3 ---" in out and "&quot;" not in out
    assert {call.method for call in api.requests()} == {"getMe"}
    assert cli.main(["publish", "--no-deliver"]) == 0  # for real, then nothing is left to do
    capsys.readouterr()
    assert cli.main(["publish", "--dry-run"]) == 0
    assert "already published in @news_channel in this version; nothing would be sent" in capsys.readouterr().out
