"""Arabic-aware search: spelling folded (hamza and alef forms, taa marbuta, alef maqsura,
diacritics) and the prefixes و ف ب ل ك and ال taken off, so ``والمرصد`` finds ``المرصد``."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Container
from functools import lru_cache

from bot.article.arabic import words
from bot.article.model import Article

_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
_MIN_STEM = 2


@lru_cache(maxsize=131072)
def search_key(word: str) -> str:
    """The folded stem of one normalised word (interned: a library shares one copy of each)."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            word = word[len(prefix) :]
            break
    if word.endswith("ه") and len(word) > _MIN_STEM + 1:
        word = word[:-1]
    return sys.intern(word)


def keys(text: str) -> list[str]:
    """Search keys of ``text``, in order."""
    return [search_key(w) for w in words(text)]


class SearchIndex:
    """An inverted index over many articles: each search key -> the articles whose text holds it.

    Postings are compact arrays of article numbers; titles and speakers, which weigh more, are
    kept as small sets per article. Removed articles are dropped at query time.
    """

    def __init__(self) -> None:
        self._postings: dict[str, array[int]] = {}
        self._ids: list[str] = []
        self._title: list[frozenset[str]] = []
        self._people: list[frozenset[str]] = []
        self._number: dict[str, int] = {}

    def add(self, article: Article) -> None:
        """Index ``article`` (once per id)."""
        if article.id in self._number:
            return
        number = len(self._ids)
        self._number[article.id] = number
        self._ids.append(article.id)
        people = " ".join(f"{s.speaker} {s.org or ''} {s.role or ''}" for s in article.statements)
        self._title.append(frozenset(keys(article.title)))
        self._people.append(frozenset(keys(people)))
        for key in {*keys(" ".join(article.paragraphs)), *self._title[-1], *self._people[-1]}:
            self._postings.setdefault(key, array("I")).append(number)

    def scores(self, query: str, live: Container[str]) -> dict[str, float]:
        """Article id -> score for the articles in ``live`` holding every word of ``query``."""
        wanted = [k for k in keys(query) if k]
        if not wanted:
            return {}
        lists = [self._postings.get(key) for key in wanted]
        if any(p is None for p in lists):
            return {}
        ordered = sorted((p for p in lists if p is not None), key=len)
        candidates = set(ordered[0])
        for postings in ordered[1:]:
            candidates.intersection_update(postings)
        result: dict[str, float] = {}
        for number in candidates:
            article_id = self._ids[number]
            if article_id not in live:
                continue
            title, people = self._title[number], self._people[number]
            result[article_id] = sum(1.0 + 3.0 * (k in title) + 2.0 * (k in people) for k in wanted)
        return result
