from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings, describe_error, unknown_variables


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


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def error_of(**values: object) -> str:
    with pytest.raises(ValidationError) as info:
        settings(**values)
    return describe_error(info.value)


def test_an_error_names_the_environment_variable() -> None:
    assert error_of(summary_max_chars=5).startswith("invalid setting BOT_SUMMARY_MAX_CHARS: ")
    assert error_of(mode="webhook").startswith("invalid settings: webhook mode needs BOT_WEBHOOK_URL")


def test_the_tokens_shape_is_checked_and_never_repeated() -> None:
    for bad in ("bot123456:AAH-x", "123456 AAHxyz", "AAHxyz", "123456:AAH xyz", "123456:"):
        message = error_of(token=bad)
        assert message.startswith("invalid setting BOT_TOKEN: not shaped like a bot token") and bad not in message
    assert settings(token=" 123456:AAH-x_9 \n").token.get_secret_value() == "123456:AAH-x_9"  # type: ignore[union-attr]


def test_webhook_url_must_be_https_and_secret_telegrams_characters() -> None:
    ok = {"mode": "webhook", "webhook_url": "https://news.example.org", "webhook_secret": "s3cret_-X"}
    assert settings(**ok).webhook_url == "https://news.example.org"
    assert "BOT_WEBHOOK_URL: must be an https:// address" in error_of(**{**ok, "webhook_url": "http://news.example.org"})
    assert "BOT_WEBHOOK_URL" in error_of(**{**ok, "webhook_url": "news.example.org"})
    for secret in ("with space", "x" * 257, "ünï", "a/b"):
        message = error_of(**{**ok, "webhook_secret": secret})
        assert message.startswith("invalid setting BOT_WEBHOOK_SECRET: must be 1-256") and secret not in message
    assert settings(**{**ok, "webhook_secret": "x" * 256}).webhook_secret is not None


@pytest.mark.parametrize(
    ("given", "kept"),
    [("t.me/news_channel", "@news_channel"), ("https://t.me/news_channel", "@news_channel"),
     ("http://telegram.me/news_channel/", "@news_channel"), ("@news_channel", "@news_channel"),
     ("-1001234567890", "-1001234567890"), ("  ", None)],
)
def test_channel_links_become_usernames(given: str, kept: str | None) -> None:
    assert settings(channel_id=given).channel_id == kept


@pytest.mark.parametrize("given", ["https://t.me/+AbCdEf", "t.me/joinchat/AbCdEf", "news channel", "@ab"])
def test_channel_that_cannot_be_used(given: str) -> None:
    assert error_of(channel_id=given).startswith("invalid setting BOT_CHANNEL_ID: ")


def test_log_level_in_any_case() -> None:
    assert settings(log_level="debug").log_level == "DEBUG"
    assert settings(log_level=" Warning ").log_level == "WARNING"


def test_unknown_variables_are_reported_with_the_closest_name(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("BOT_TOKN=1\nBOT_DB_PATH=x.db\nOTHER=1\n", "utf-8")
    environ = {"BOT_CHANEL_ID": "@x", "BOT_MODE": "polling", "bot_log_levl": "info", "BOT_ZZZZZZZZZZ": "1", "HOME": "/"}
    found = unknown_variables(env, environ)
    assert found == [
        "BOT_CHANEL_ID in the environment (did you mean BOT_CHANNEL_ID?)",
        f"BOT_TOKN in {env} (did you mean BOT_TOKEN?)",
        "BOT_ZZZZZZZZZZ in the environment",
        "bot_log_levl in the environment (did you mean BOT_LOG_LEVEL?)",
    ]
    assert unknown_variables(tmp_path / "missing.env", {"BOT_TOKEN": "1"}) == []
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
