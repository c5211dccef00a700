"""Settings, read once at start from the environment (prefix ``BOT_``) and ``.env``.

The token is a :class:`~pydantic.SecretStr`, unwrapped only where the bot is built; its repr and
str print ``**********``. Errors name the environment variable (:func:`describe_error`), and a
``BOT_*`` variable no setting reads is reported with the closest known name (:func:`unknown_variables`).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
PREFIX = "BOT_"
_TOKEN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")  # <bot id>:<secret>, as @BotFather gives it
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # setWebhook's secret_token: 1-256 of these
_CHANNEL_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/(?P<name>[^/?#\s]+)/?", re.I)
_CHANNEL_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
_CHAT_ID = re.compile(r"-?\d{1,20}")


class Settings(BaseSettings):
    """Everything the bot can be configured with (documented in ``.env.example``)."""

    model_config = SettingsConfigDict(
        env_prefix="BOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    token: SecretStr | None = Field(default=None, description="bot token from @BotFather")
    article_path: Path | None = Field(default=None, description="article file; the bundled article when empty")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list, description="Telegram user ids")
    channel_id: str | None = Field(default=None, description="@channelusername or -100… id")
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = Field(default=None, description="public HTTPS URL Telegram posts updates to")
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_path: str = "telegram"
    webhook_secret: SecretStr | None = Field(default=None, description="X-Telegram-Bot-Api-Secret-Token")
    base_url: str = Field(default=TELEGRAM_BASE_URL, description="Bot API base URL (tests point it at a fake)")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    db_path: Path = Path("bot.sqlite3")
    cache_dir: Path | None = Field(default=Path(".article-cache"), description="parsed-article cache; empty: none")
    summary_max_sentences: int = Field(default=3, ge=1, le=10)
    summary_max_chars: int = Field(default=700, ge=100, le=3000)
    default_language: Literal["ar", "en"] = "ar"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("token", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None  # a stray space or newline pasted from a chat is not part of it
        return value

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError("not shaped like a bot token from @BotFather (digits, a colon, then A-Z a-z 0-9 _ -)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_characters(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value.strip())
            if parts.scheme != "https" or not parts.hostname:
                raise ValueError("must be an https:// address (Telegram sends webhooks over HTTPS only)")
            return value.strip()
        return value

    @field_validator("channel_id", mode="before")
    @classmethod
    def _channel(cls, value: object) -> object:
        """``t.me/x``, ``https://t.me/x`` and ``@x`` become ``@x``; a numeric id stays as it is."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        if link := _CHANNEL_LINK.fullmatch(text):
            name = link.group("name")
            if name.startswith("+") or name.lower() == "joinchat":
                raise ValueError("an invite link cannot be used: give the channel's @username or its -100… id")
            text = f"@{name}"
        if not (_CHANNEL_NAME.fullmatch(text) or _CHAT_ID.fullmatch(text)):
            raise ValueError("must be @channelusername, https://t.me/channelusername or the -100… id")
        return text

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("article_path", "webhook_url", "library_dir", "cache_dir", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _webhook_needs_url_and_secret(self) -> Settings:
        if self.mode == "webhook" and (not self.webhook_url or self.webhook_secret is None):
            raise ValueError("webhook mode needs BOT_WEBHOOK_URL and BOT_WEBHOOK_SECRET")
        return self

    outbox_interval: float = Field(default=2.0, gt=0, description="seconds between outbox drains")
    library_dir: Path | None = Field(default=None, description="folder of articles; the single article when empty")
    library_interval: float = Field(default=10.0, gt=0, description="seconds between scans of the library folder")
    auto_publish: bool = Field(default=False, description="publish new and changed library articles by itself")
    review: bool = Field(default=False, description="send new articles to the admins with Publish / Skip first")
    feed_urls: Annotated[list[str], NoDecode] = Field(default_factory=list, description="RSS or Atom feeds to follow")
    feed_interval: float = Field(default=300.0, ge=10, description="seconds between polls of the feeds")

    @field_validator("feed_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        """Comma-separated addresses, each http:// or https://."""
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            for url in value:
                if not isinstance(url, str) or not url.startswith(("http://", "https://")) or " " in url:
                    raise ValueError(f"not a feed address (http:// or https://): {url!r}")
        return value
    max_article_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="article files larger than this are refused, never read"
    )
    send_timeout: float = Field(
        default=5.0, gt=0, le=60, description="seconds a request waits for Telegram's answer (then: outcome unknown)"
    )

    @property
    def article_slot(self) -> str:
        """The name the article's channel posts and deliveries are stored under."""
        return self.article_path.name if self.article_path else "bundled"

    def is_admin(self, user_id: int | None) -> bool:
        """Whether ``user_id`` is one of the configured admins."""
        return user_id is not None and user_id in self.admin_ids


def variable(field: str) -> str:
    """The environment variable of a setting: ``summary_max_chars`` -> ``BOT_SUMMARY_MAX_CHARS``."""
    return PREFIX + field.upper()


def describe_error(error: ValidationError) -> str:
    """The first problem of invalid settings, for a person: the variable it concerns and what is wrong.

    The value itself is never repeated (it may be the token or the webhook secret).
    """
    first = error.errors(include_input=False)[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"invalid setting {variable(field)}: {message}" if field else f"invalid settings: {message}"


def unknown_variables(env_file: Path | None = Path(".env"), environ: Mapping[str, str] | None = None) -> list[str]:
    """``BOT_*`` variables (in the environment or ``env_file``) that no setting reads, each with a hint.

    ``["BOT_TOKN in the environment (did you mean BOT_TOKEN?)"]``. Names compare case-insensitively,
    as pydantic-settings reads them.
    """
    known = [variable(name) for name in Settings.model_fields]
    places: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        places.update((name, str(env_file)) for name in dotenv_values(env_file))
    places.update((name, "the environment") for name in (os.environ if environ is None else environ))
    found = []
    for name, place in sorted(places.items()):
        upper = name.upper()
        if not upper.startswith(PREFIX) or upper in known:
            continue
        close = difflib.get_close_matches(upper, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        found.append(f"{name} in {place}{hint}")
    return found
