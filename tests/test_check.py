"""``python -m bot check``: one report and an exit status for deploy scripts."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot import cli
from tests.botapi.http_server import FakeBotAPIServer

CHANNEL_ID = -1009876543210


def run_check(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = cli.main(["check"])
    return status, capsys.readouterr().out.splitlines()


def test_a_ready_deployment_passes(
    fake_server: FakeBotAPIServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = fake_server.api
    api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=True)
    for name, value in {
        "BOT_TOKEN": api.token,
        "BOT_BASE_URL": fake_server.base_url,
        "BOT_CHANNEL_ID": "https://t.me/news_channel",
        "BOT_DB_PATH": str(tmp_path / "bot.sqlite3"),
        "BOT_CACHE_DIR": str(tmp_path / "cache"),
    }.items():
        monkeypatch.setenv(name, value)
    status, lines = run_check(capsys)
    assert status == 0, lines
    assert [line.split(":")[0] for line in lines] == ["ok   settings", "ok   token", "ok   channel", "ok   store", "ok   cache"]
    assert f"@{api.bot_user['username']}" in lines[1] and "@news_channel" in lines[2]
    assert not any(api.token in line for line in lines)
    assert {call.method for call in api.requests()} == {"getMe", "getChatMember"}  # it looks, and sends nothing


def test_every_problem_is_in_one_report(
    fake_server: FakeBotAPIServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = fake_server.api
    api.add_chat(CHANNEL_ID, "channel", username="news_channel", admin=False)
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(stat.S_IRUSR | stat.S_IXUSR)
    for name, value in {
        "BOT_TOKEN": api.token,
        "BOT_BASE_URL": fake_server.base_url,
        "BOT_CHANNEL_ID": "@news_channel",
        "BOT_DB_PATH": str(read_only / "bot.sqlite3"),
        "BOT_ADMIN_ID": "1",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        status, lines = run_check(capsys)
    finally:
        read_only.chmod(stat.S_IRWXU)
    assert status == 1
    failed = [line for line in lines if line.startswith("FAIL")]
    assert any("BOT_ADMIN_ID" in line and "did you mean BOT_ADMIN_IDS?" in line for line in failed)
    assert any(line.startswith("FAIL channel: @news_channel: the ") for line in failed)  # not admin / not a member
    if os.geteuid() != 0:  # root writes anywhere
        assert any(line.startswith("FAIL store") for line in failed)


def test_a_rejected_token_and_bad_settings(
    fake_server: FakeBotAPIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "987654321:ZZwrongTokenTheServerRejects_0123"
    monkeypatch.setenv("BOT_TOKEN", wrong)
    monkeypatch.setenv("BOT_BASE_URL", fake_server.base_url)
    monkeypatch.setenv("BOT_DB_PATH", ":memory:")
    status, lines = run_check(capsys)
    assert status == 1 and "FAIL token: Telegram rejected the bot token (BOT_TOKEN)" in lines
    assert not any(wrong in line for line in lines)
    monkeypatch.setenv("BOT_TOKEN", "not a token")
    status, lines = run_check(capsys)
    assert status == 1 and lines[0].startswith("FAIL settings: invalid setting BOT_TOKEN: not shaped like a bot token")
    assert len(lines) == 1 and fake_server.api.requests("getMe") == []  # no request with a token of the wrong shape
