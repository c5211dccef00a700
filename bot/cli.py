"""The command line: ``python -m bot [run|parse|preview|publish|unpublish|check]``.

Every failure the user can cause ends with one line on stderr and exit status 2, no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from telegram.error import InvalidToken, TelegramError

from bot.article import load_article
from bot.article.model import Article
from bot.articles.cache import load_article_cached
from bot.articles.corrections import ALL, CorrectionBook
from bot.articles.service import ArticleService
from bot.errors import BotError
from bot.logs import redact
from bot.preview import PREVIEW_VIEWS
from bot.settings import Settings, describe_error, unknown_variables

NO_TOKEN = (
    "error: no bot token. Talk to @BotFather on Telegram (https://t.me/BotFather), send /newbot, "
    "and put the token it gives you in .env as BOT_TOKEN=... (see .env.example). "
    "Without a token, `python -m bot preview summary` shows what the bot would send."
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m bot``."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="An Arabic news article, delivered on Telegram.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    parse = commands.add_parser("parse", help="parse an article and print it as JSON")
    parse.add_argument(
        "path", nargs="?", help="article file (text, HTML or JSON) or a page's web address; default: the bundled one"
    )
    parse.add_argument("--max-summary-sentences", type=int, default=3)
    parse.add_argument("--max-summary-chars", type=int, default=700)
    publish = commands.add_parser("publish", help="post the article to the channel (once) and deliver to subscribers")
    publish.add_argument("--no-deliver", action="store_true", help="only queue the subscribers' messages")
    publish.add_argument("--dry-run", action="store_true", help="print what would be sent and edited; send nothing")
    publish.add_argument("--html", action="store_true", help="with --dry-run: the HTML payload, not the readable text")
    unpublish = commands.add_parser("unpublish", help="delete the article's posts from the channel")
    unpublish.add_argument("slot", nargs="?", help="library file name (default: the configured article)")
    commands.add_parser("check", help="check settings, token, channel rights and store; exit 0 when all is ready")
    preview = commands.add_parser("preview", help="print what the bot would send, without Telegram")
    preview.add_argument("view", choices=PREVIEW_VIEWS)
    preview.add_argument(
        "numbers", nargs="*", type=int, metavar="N", help="page (full), statement, or source and page (source 2 3)"
    )
    preview.add_argument("--lang", choices=("ar", "en"), default="ar")
    preview.add_argument("--html", action="store_true", help="the payload as sent (HTML and reply_markup)")
    preview.add_argument("--username", default="your_bot", help="the bot's username in deep links")
    preview.add_argument(
        "--article", help="article file; by default what the bot serves (BOT_LIBRARY_DIR, BOT_ARTICLE_PATH, bundled)"
    )
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise BotError(describe_error(exc)) from None


def _warn_unknown_variables() -> None:
    """A mistyped setting is ignored by pydantic-settings: say so, with the closest known name."""
    for name in unknown_variables():
        print(f"warning: unknown setting {name}", file=sys.stderr)


def _article(settings: Settings, path: str | None = None) -> Article:
    return load_article_cached(
        path or settings.article_path,
        settings.cache_dir,
        max_summary_sentences=settings.summary_max_sentences,
        max_summary_chars=settings.summary_max_chars,
        max_bytes=settings.max_article_bytes,
    )


def _articles(settings: Settings) -> ArticleService:
    """The articles the bot would serve, read now: the folder when one is set (broken files are
    skipped), else the single article (the feeds are the running bot's: not fetched here)."""
    service = ArticleService.from_settings(settings)
    service.corrector = _corrections(settings).apply
    if service.folder is not None:
        service.refresh_now()
    elif settings.article_path is not None or not settings.feed_urls:
        service.add(settings.article_slot, _article(settings))
    return service


def _corrections(settings: Settings) -> CorrectionBook:
    """The admins' corrections in the store, if there is one (none is created here)."""
    from bot.store.sqlite import SqliteStore

    if str(settings.db_path) == ":memory:" or not settings.db_path.is_file():
        return CorrectionBook()
    store = SqliteStore(settings.db_path)
    try:
        return CorrectionBook(store.all_corrections(ALL))
    finally:
        store.close()


def _serving(settings: Settings) -> ArticleService:
    """The service ``python -m bot`` runs: the folder and feeds are read by the running bot, in the
    background, and so is a large single article the cache does not hold yet, so that it starts
    polling at once (:mod:`bot.telegram.jobs`); a missing or unreadable single file fails here."""
    service = ArticleService.from_settings(settings)
    service.prepare(settings)
    return service


def _preview(settings: Settings, args: argparse.Namespace) -> int:
    """``preview VIEW [N [P]]``: the newest article the bot would serve, or ``--article``."""
    from bot.preview import preview_views, show_all

    if args.article:
        articles = [_article(settings, args.article)]
    else:
        articles = [entry.article for entry in _articles(settings).registry.entries()]
        if not articles:
            raise BotError(f"the library folder {settings.library_dir} holds no article")
    try:
        shown = preview_views(articles, args.view, args.numbers, args.lang, args.username)
    except IndexError:
        numbers = " ".join(str(n) for n in args.numbers)
        print(f"error: {args.view} has no number {numbers} in this article", file=sys.stderr)
        return 2
    print(show_all(shown, html=args.html))
    return 0


async def _dry_run(settings: Settings, items: list[tuple[str, Article]], *, html: bool) -> int:
    """``publish --dry-run``: what publishing would post, edit and delete; only getMe is asked."""
    from telegram import Bot

    from bot.preview import describe_plan, plan_publish
    from bot.store.sqlite import SqliteStore

    assert settings.token is not None and settings.channel_id is not None
    async with Bot(settings.token.get_secret_value(), base_url=settings.base_url) as bot:
        username = bot.username
    exists = str(settings.db_path) != ":memory:" and settings.db_path.is_file()
    store = SqliteStore(settings.db_path) if exists else None  # a dry run creates no database
    try:
        subscribers = store.stats().subscribers if store else 0
        for slot, article in items:
            stored = store.channel_posts(slot, settings.channel_id) if store else None
            plan = plan_publish(slot, article, stored, username, subscribers)
            print(describe_plan(plan, settings.channel_id, html=html))
    finally:
        if store is not None:
            store.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (a reader that stops reading is not an error)."""
    try:
        return _main(argv)
    except BrokenPipeError:  # `python -m bot preview channel | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's final flush fails quietly too
        return 0


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    settings: Settings | None = None
    try:
        if args.command == "parse":
            limits = {"max_summary_sentences": args.max_summary_sentences, "max_summary_chars": args.max_summary_chars}
            if args.path and args.path.startswith(("http://", "https://")):
                import asyncio

                from bot.web.fetch import fetch_article

                article = asyncio.run(fetch_article(args.path, **limits))
            else:
                article = load_article(args.path, **limits)
            sys.stdout.write(article.to_json() + "\n")
            return 0
        if args.command == "check":
            import asyncio

            from bot.check import run_checks

            results = asyncio.run(run_checks(Settings))
            for result in results:
                print(result)
            return 0 if all(result.ok for result in results) else 1
        _warn_unknown_variables()
        settings = _settings()
        if args.command == "preview":
            return _preview(settings, args)
        if settings.token is None:
            print(NO_TOKEN, file=sys.stderr)
            return 2
        if args.command in ("publish", "unpublish"):
            import asyncio

            from bot.delivery.cli import run_publish, run_unpublish

            if args.command == "publish":
                if not settings.channel_id:
                    print("error: no channel set (BOT_CHANNEL_ID): there is nothing to publish to", file=sys.stderr)
                    return 2
                items = [(entry.slot, entry.article) for entry in _articles(settings).registry.entries()]
                if args.dry_run:
                    return asyncio.run(_dry_run(settings, items, html=args.html))
                return asyncio.run(run_publish(settings, items, deliver=not args.no_deliver))
            return asyncio.run(run_unpublish(settings, args.slot or settings.article_slot))
        from bot.logs import setup_logging
        from bot.telegram.app import run

        webhook_secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        setup_logging(settings.log_level, settings.token.get_secret_value(), webhook_secret)
        run(settings, _serving(settings))
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
