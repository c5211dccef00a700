"""``python -m bot check``: is this deployment ready? One report, one exit status, for deploy scripts.

Checks, in order: the settings (and ``BOT_*`` variables no setting reads), the token (``getMe``),
the channel rights (``getChatMember``), the store (opened and written), the library and cache
folders. Exit status 0 when every check passed, 1 otherwise. The token is never printed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.delivery.channel import channel_problems
from bot.logs import redact
from bot.settings import Settings, describe_error, unknown_variables


@dataclass(frozen=True)
class Result:
    """One line of the report."""

    name: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


async def run_checks(make_settings: Callable[[], Settings], env_file: Path | None = Path(".env")) -> list[Result]:
    """Every check that can run: a check that needs what an earlier one found missing is skipped."""
    results: list[Result] = []
    unknown = unknown_variables(env_file)
    try:
        settings = make_settings()
    except ValidationError as exc:
        results.append(Result("settings", False, describe_error(exc)))
        results += [Result("settings", False, f"unknown variable {name}") for name in unknown]
        return results
    results.append(Result("settings", True, f"{settings.mode} mode, log level {settings.log_level}"))
    results += [Result("settings", False, f"unknown variable {name}") for name in unknown]
    results.append(await _telegram(settings))
    if results[-1].ok and settings.channel_id:
        results.append(await _channel(settings))
    elif not settings.channel_id:
        results.append(Result("channel", True, "none set (BOT_CHANNEL_ID): publishing only queues subscribers"))
    results.append(_store(settings.db_path))
    if settings.library_dir is not None:
        ok = settings.library_dir.is_dir() and os.access(settings.library_dir, os.R_OK | os.X_OK)
        state = "readable" if ok else "is not a readable folder"
        results.append(Result("library", ok, f"{settings.library_dir} {state}"))
    if settings.cache_dir is not None:
        results.append(_writable_folder("cache", settings.cache_dir))
    return results


def _bot(settings: Settings) -> Bot:
    assert settings.token is not None
    return Bot(settings.token.get_secret_value(), base_url=settings.base_url)


async def _telegram(settings: Settings) -> Result:
    if settings.token is None:
        return Result("token", False, "BOT_TOKEN is not set (talk to @BotFather, /newbot)")
    secret = settings.token.get_secret_value()
    try:
        async with _bot(settings) as bot:
            return Result("token", True, f"the bot is @{bot.username} (id {bot.id})")
    except InvalidToken:  # its message holds the token itself
        return Result("token", False, "Telegram rejected the bot token (BOT_TOKEN)")
    except TelegramError as exc:
        return Result("token", False, f"Telegram could not be reached: {redact(exc.message, secret)}")


async def _channel(settings: Settings) -> Result:
    assert settings.channel_id is not None and settings.token is not None
    try:
        async with _bot(settings) as bot:
            problems = await channel_problems(bot, settings.channel_id, "en")
    except TelegramError as exc:
        return Result("channel", False, redact(exc.message, settings.token.get_secret_value()))
    if problems:
        return Result("channel", False, f"{settings.channel_id}: {'; '.join(problems)}")
    return Result("channel", True, f"{settings.channel_id}: the bot may post, edit and delete")


def _store(path: Path) -> Result:
    """The store opens and takes a write (in a transaction rolled back, so nothing is changed)."""
    if str(path) == ":memory:":
        return Result("store", True, "in memory (nothing survives a restart)")
    try:
        db = sqlite3.connect(path, timeout=2)
        try:
            db.execute("BEGIN IMMEDIATE")  # takes the write lock: fails on a read-only file or folder
            db.execute("CREATE TABLE IF NOT EXISTS bot_check_probe (x)")
            db.rollback()
            integrity = db.execute("PRAGMA quick_check").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return Result("store", False, f"{path}: {exc}")
    if not integrity or integrity[0] != "ok":
        return Result("store", False, f"{path}: damaged ({integrity[0] if integrity else 'no answer'})")
    return Result("store", True, f"{path} writable")


def _writable_folder(name: str, folder: Path) -> Result:
    target = folder if folder.exists() else folder.parent if str(folder.parent) else Path(".")
    ok = target.is_dir() and os.access(target, os.W_OK | os.X_OK)
    return Result(name, ok, f"{folder} {'writable' if ok else 'cannot be written'}")
