"""One router from a Link to a View: the same view wherever the link comes from."""

from __future__ import annotations

import pytest

from bot.article import Article
from bot.render import views
from bot.render.links import Link
from bot.render.router import ROUTES, Shelf, open_link


def shelf_of(*articles: Article) -> Shelf:
    by_id = {a.id: a for a in articles}
    return Shelf(by_id.get, lambda: list(articles))


def test_every_link_opens_its_view(article: Article) -> None:
    shelf = shelf_of(article)
    expected = {
        Link("summary", article.id): views.summary(article, "ar"),
        Link("full", article.id, "2"): views.full_page(article, "ar", 2),
        Link("full", article.id, "٢"): views.full_page(article, "ar", 2),
        Link("quotes", article.id): views.quotes_menu(article, "ar"),
        Link("quotes", article.id, "all"): views.library_quotes_menu([article], "ar", article.id),
        Link("source", article.id, "1.1"): views.source_page(article, "ar", 1, 1),
        Link("source", article.id, "coalition.2"): views.source_page(article, "ar", 0, 2),
        Link("statement", article.id, "3"): views.statement_view(article, "ar", 3),
        Link("start", article.id): views.welcome(article, "ar"),
        Link("list", article.id, "1"): views.article_list([article], "ar", 1, article.id),
    }
    for link, view in expected.items():
        assert open_link(link, "ar", shelf) == view, link
    assert {link.view for link in expected} == set(ROUTES) - {"search"}


@pytest.mark.parametrize(
    "link",
    [
        Link("full", "{id}", "99"), Link("full", "{id}", "x"), Link("full", "{id}", "²"),
        Link("source", "{id}", "9.1"), Link("source", "{id}", "0.9"), Link("source", "{id}", "nobody.1"),
        Link("source", "{id}", "L00000000.1"), Link("statement", "{id}", ""), Link("statement", "{id}", "999"),
        Link("noop", "{id}"), Link("search", "{id}", "deadbeef.1"), Link("summary", "not-served"),
    ],
)
def test_what_cannot_be_opened_is_none(article: Article, link: Link) -> None:
    link = Link(link.view, link.article_id.replace("{id}", article.id), link.arg)
    assert open_link(link, "ar", shelf_of(article)) is None
