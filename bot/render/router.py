"""One router from a :class:`~bot.render.links.Link` to the :class:`~bot.render.views.View` it opens.

Buttons (callback data), deep links (``/start <payload>``) and ``python -m bot preview`` all go
through :func:`open_link`, so a link opens the same message wherever it comes from. Arguments are
decoded here, once: ``full`` takes a page number, ``source`` ``<index>.<page>``, ``<org id>.<page>``
(``coalition.1``) or ``L<key>.<page>`` for a source across the library, ``statement`` a
statement number, ``list`` a page, ``quotes`` ``all.<page>`` across the library, ``search``
``<key>.<page>``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.article.model import Article
from bot.i18n import Language, read_number
from bot.render import views
from bot.render.links import Link
from bot.render.views import View


@dataclass(frozen=True)
class Shelf:
    """Where links find their articles: any version served, by id, and the library, newest first."""

    article: Callable[[str], Article | None]
    articles: Callable[[], Sequence[Article]]
    search: Callable[[str], list[Article]] = lambda query: []
    """The articles matching a query, best first (``Registry.search``)."""
    query: Callable[[str], str | None] = lambda key: None
    """The words of a recent search, by :func:`bot.render.views.search_key`."""


def _number(arg: str, default: int = 1) -> int:
    if not arg:
        return default
    number = read_number(arg)
    if number is None:
        raise ValueError(arg)
    return number


def _summary(article: Article, arg: str, lang: Language, shelf: Shelf) -> View:
    return views.summary(article, lang)


def _full(article: Article, arg: str, lang: Language, shelf: Shelf) -> View:
    return views.full_page(article, lang, _number(arg))


def _quotes(article: Article, arg: str, lang: Language, shelf: Shelf) -> View:
    scope, _, page = arg.partition(".")
    if scope == "all":
        return views.library_quotes_menu(shelf.articles(), lang, article.id, _number(page))
    return views.quotes_menu(article, lang)


def _source(article: Article, arg: str, lang: Language, shelf: Shelf) -> View | None:
    index, _, page = arg.partition(".")
    number = _number(page)
    if index.startswith("L") and len(index) == 9:  # a library source by its stable key
        return views.library_source_page(shelf.articles(), lang, index[1:], number, article.id)
    if index.isascii() and index.isdigit():
        return views.source_page(article, lang, int(index), number)
    if index.isascii() and index.isalpha():
        source = views.source_for_org(article, index)
        return views.source_page(article, lang, source.index, number) if source else None
    return None


def _statement(article: Article, arg: str, lang: Language, shelf: Shelf) -> View:
    return views.statement_view(article, lang, _number(arg, default=-1))


def _start(article: Article, arg: str, lang: Language, shelf: Shelf) -> View:
    return views.welcome(article, lang)


def _list(article: Article, arg: str, lang: Language, shelf: Shelf) -> View:
    return views.article_list(shelf.articles(), lang, _number(arg), article.id)


def _search(article: Article, arg: str, lang: Language, shelf: Shelf) -> View | None:
    key, _, page = arg.partition(".")
    query = shelf.query(key)
    if query is None:  # a search this process no longer remembers (a restart): the button is stale
        return None
    return views.search_results(shelf.search(query), lang, query, _number(page), article.id)


Route = Callable[[Article, str, Language, Shelf], View | None]
ROUTES: dict[str, Route] = {
    "summary": _summary,
    "full": _full,
    "quotes": _quotes,
    "source": _source,
    "statement": _statement,
    "start": _start,
    "list": _list,
    "search": _search,
}
"""Every view a link can open; ``noop`` (the "N of M" button) opens none."""


def open_link(link: Link, lang: Language, shelf: Shelf) -> View | None:
    """The view ``link`` asks for; None for an unknown article version or an argument out of range."""
    route = ROUTES.get(link.view)
    article = shelf.article(link.article_id) if route is not None else None  # no lookup for a link to nothing
    if route is None or article is None:
        return None
    try:
        return route(article, link.arg, lang, shelf)
    except (IndexError, ValueError):
        return None
