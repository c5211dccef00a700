"""The article core: raw page -> typed :class:`~bot.article.model.Article`.

Nothing here imports ``telegram``; it runs from the command line and in benchmarks alone.
"""

from bot.article.load import load_article, parse_bytes, parse_text
from bot.article.model import Article, Dateline, Statement

__all__ = ["Article", "Dateline", "Statement", "load_article", "parse_bytes", "parse_text"]
