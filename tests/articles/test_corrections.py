"""The correction book: the service's corrector, by slot, latest wins, written through."""

from __future__ import annotations

from bot.article import Article, load_article
from bot.article.corrections import Correction, statement_keys
from bot.articles.corrections import CorrectionBook


def _fix(slot: str, field: str, value: str, at: float, target: str = "") -> Correction:
    return Correction(slot=slot, target=target, field=field, value=value, admin_id=1, at=at)  # type: ignore[arg-type]


def test_the_book_applies_each_slots_latest_corrections_and_forgets_on_request() -> None:
    article: Article = load_article(None)
    key = statement_keys(article)[0]
    book = CorrectionBook(
        [_fix("a", "outlet", "الثانية", 2), _fix("a", "outlet", "الأولى", 1), _fix("b", "speaker", "س", 3, key)]
    )
    assert len(book) == 2 and book.slots() == ["b", "a"]  # one per slot, target and field; newest slot first
    assert book.apply("a", article).outlet == "الثانية"  # the latest, whatever the order read
    assert book.apply("b", article).statements[0].speaker == "س"
    assert book.apply("c", article) is article  # no corrections: the same object
    removed = book.remove("a", "", "outlet")
    assert removed is not None and removed.value == "الثانية" and book.remove("a", "", "outlet") is None
    assert book.apply("a", article) is article and book.slots() == ["b"]


def test_a_stale_correction_is_not_applied_and_does_not_fail() -> None:
    article: Article = load_article(None)
    book = CorrectionBook([_fix("a", "speaker", "س", 1, "0123456789")])  # a statement no longer there
    assert book.apply("a", article) is article
