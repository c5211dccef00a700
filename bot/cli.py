"""The command line: ``python -m bot [run|parse|preview]``.

Every failure the user can cause ends with one line on stderr and exit status 2, no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from telegram.error import InvalidToken, TelegramError

from bot.article import load_article
from bot.article.cache import load_article_cached
from bot.article.load import DEFAULT_ARTICLE
from bot.article.model import Article
from bot.article.worker import ParseWorker
from bot.errors import BotError
from bot.library import Library
from bot.logs import redact
from bot.settings import Settings

NO_TOKEN = (
    "error: no bot token. Talk to @BotFather on Telegram (https://t.me/BotFather), send /newbot, "
    "and put the token it gives you in .env as BOT_TOKEN=... (see .env.example). "
    "Without a token, `python -m bot preview summary` shows what the bot would send."
)
PREVIEW_VIEWS = ("start", "summary", "full", "quotes", "source", "statement", "help", "about")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m bot``."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="An Arabic news article, delivered on Telegram.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    parse = commands.add_parser("parse", help="parse an article and print it as JSON")
    parse.add_argument("path", nargs="?", help="article file (text, HTML or JSON); the bundled one by default")
    parse.add_argument("--max-summary-sentences", type=int, default=3)
    parse.add_argument("--max-summary-chars", type=int, default=700)
    publish = commands.add_parser("publish", help="post the article to the channel (once) and deliver to subscribers")
    publish.add_argument("--no-deliver", action="store_true", help="only queue the subscribers' messages")
    unpublish = commands.add_parser("unpublish", help="delete the article's posts from the channel")
    unpublish.add_argument("slot", nargs="?", help="library file name (default: the configured article)")
    preview = commands.add_parser("preview", help="print what the bot would send, without Telegram")
    preview.add_argument("view", choices=PREVIEW_VIEWS)
    preview.add_argument("number", nargs="?", type=int, default=1, help="page, source or statement number")
    preview.add_argument("--lang", choices=("ar", "en"), default="ar")
    preview.add_argument("--article", help="article file; BOT_ARTICLE_PATH or the bundled one by default")
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise BotError(f"invalid setting {where}: {first['msg']}") from None


def _article(settings: Settings, path: str | None = None) -> Article:
    return load_article_cached(
        path or settings.article_path,
        settings.cache_dir,
        max_summary_sentences=settings.summary_max_sentences,
        max_summary_chars=settings.summary_max_chars,
        max_bytes=settings.max_article_bytes,
    )


def _library(settings: Settings, *, background: bool = False) -> Library:
    """The folder of articles when one is set (broken files are skipped), else the single article.

    With ``background``, a large single article that the cache does not hold yet, or the folder,
    is left for the running bot to load (:func:`bot.telegram.app.load_waiting`,
    :func:`bot.telegram.app.refresh_library`), so it starts polling at once.
    """
    if settings.library_dir is None:
        if not background:
            return Library.of(_article(settings), settings.article_slot)
        worker = ParseWorker(
            settings.cache_dir,
            max_summary_sentences=settings.summary_max_sentences,
            max_summary_chars=settings.summary_max_chars,
            max_bytes=settings.max_article_bytes,
        )
        article = worker.quick(settings.article_path)  # a missing or unreadable file fails here, at once
        if article is not None:
            return Library.of(article, settings.article_slot)
        return Library.awaiting(settings.article_path or DEFAULT_ARTICLE, settings.article_slot)
    if not settings.library_dir.is_dir():
        raise BotError(f"the library folder {settings.library_dir} does not exist or is not a folder")
    library = Library(
        settings.library_dir,
        max_summary_sentences=settings.summary_max_sentences,
        max_summary_chars=settings.summary_max_chars,
        cache_dir=settings.cache_dir,
        max_bytes=settings.max_article_bytes,
    )
    if not background:  # the running bot reads the folder itself, in the background
        library.refresh()
    return library


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    settings: Settings | None = None
    try:
        if args.command == "parse":
            article = load_article(
                args.path, max_summary_sentences=args.max_summary_sentences, max_summary_chars=args.max_summary_chars
            )
            sys.stdout.write(article.to_json() + "\n")
            return 0
        settings = _settings()
        if args.command == "preview":
            from bot.preview import render_preview

            article = _article(settings, args.article)
            try:
                print(render_preview(article, args.view, args.number, args.lang))
            except (IndexError, ValueError):
                print(f"error: {args.view} has no number {args.number} in this article", file=sys.stderr)
                return 2
            return 0
        if settings.token is None:
            print(NO_TOKEN, file=sys.stderr)
            return 2
        if args.command in ("publish", "unpublish"):
            import asyncio

            from bot.delivery.cli import run_publish, run_unpublish

            if args.command == "publish":
                items = [(entry.slot, entry.article) for entry in _library(settings).entries()]
                return asyncio.run(run_publish(settings, items, deliver=not args.no_deliver))
            return asyncio.run(run_unpublish(settings, args.slot or settings.article_slot))
        from bot.logs import setup_logging
        from bot.telegram.app import run

        webhook_secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        setup_logging(settings.log_level, settings.token.get_secret_value(), webhook_secret)
        run(settings, _library(settings, background=True))
        return 0
    except InvalidToken:  # PTB's message holds the token itself: never print it
        print("error: Telegram rejected the bot token; check BOT_TOKEN (see .env.example)", file=sys.stderr)
        return 2
    except TelegramError as exc:
        token = settings.token.get_secret_value() if settings is not None and settings.token else None
        hook = settings.webhook_secret if settings is not None else None
        message = redact(exc.message, token, [hook.get_secret_value()] if hook else [])
        print(f"error: Telegram could not be reached or refused: {message}", file=sys.stderr)
        return 2
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
