"""The command line: ``python -m bot [run|parse|preview|...]``.

Every failure the user can cause ends with one line on stderr and exit status 2, no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.article import load_article
from bot.errors import BotError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m bot``."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="An Arabic news article, delivered on Telegram.")
    commands = parser.add_subparsers(dest="command")
    parse = commands.add_parser("parse", help="parse an article and print it as JSON")
    parse.add_argument("path", nargs="?", help="article file (text, HTML or JSON); the bundled article by default")
    parse.add_argument("--max-summary-sentences", type=int, default=3)
    parse.add_argument("--max-summary-chars", type=int, default=700)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "parse":
            article = load_article(
                args.path,
                max_summary_sentences=args.max_summary_sentences,
                max_summary_chars=args.max_summary_chars,
            )
            sys.stdout.write(article.to_json() + "\n")
            return 0
        parser.print_help()
        return 0
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
