from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_env_example_is_valid_and_documents_every_setting(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / ".env.example"
    documented = {
        line.split("=", 1)[0].removeprefix("BOT_").lower()
        for line in example.read_text("utf-8").splitlines()
        if line.startswith("BOT_")
    }
    assert documented == set(Settings.model_fields)
    settings = Settings(_env_file=example)  # type: ignore[call-arg]
    assert settings.token is None and settings.mode == "polling" and settings.admin_ids == []


def test_admin_ids_and_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_ADMIN_IDS", "12, 34")
    monkeypatch.setenv("BOT_TOKEN", "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.admin_ids == [12, 34]
    assert settings.is_admin(12) and not settings.is_admin(99) and not settings.is_admin(None)
    assert "ABCdef" not in repr(settings) and "ABCdef" not in str(settings)


def test_webhook_mode_needs_url_and_secret() -> None:
    with pytest.raises(ValidationError, match="BOT_WEBHOOK_URL"):
        Settings(_env_file=None, mode="webhook")  # type: ignore[call-arg]


def test_feed_urls_are_comma_separated_web_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_FEED_URLS", " https://a.example/rss , http://b.example/atom.xml,")
    monkeypatch.setenv("BOT_FEED_INTERVAL", "120")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.feed_urls == ["https://a.example/rss", "http://b.example/atom.xml"]
    assert settings.feed_interval == 120
    monkeypatch.setenv("BOT_FEED_URLS", "a.example/rss")
    with pytest.raises(ValidationError, match="not a feed address"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("BOT_FEED_URLS", "https://a.example/rss")
    monkeypatch.setenv("BOT_FEED_INTERVAL", "1")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]
