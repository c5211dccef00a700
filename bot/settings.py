"""Settings, read once at start from the environment (prefix ``BOT_``) and ``.env``.

The token is a :class:`~pydantic.SecretStr`, unwrapped only where the bot is built; its repr and
str print ``**********``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"


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
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("article_path", "channel_id", "webhook_url", "library_dir", "cache_dir", mode="before")
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
