"""Arabic-aware search: spelling folded (hamza and alef forms, taa marbuta, alef maqsura,
diacritics) and the prefixes و ف ب ل ك and ال taken off, so ``والمرصد`` finds ``المرصد``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.article.arabic import words
from bot.article.model import Article

_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
_MIN_STEM = 2


def search_key(word: str) -> str:
    """The folded stem of one normalised word."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            word = word[len(prefix) :]
            break
    if word.endswith("ه") and len(word) > _MIN_STEM + 1:
        word = word[:-1]
    return word


def keys(text: str) -> list[str]:
    """Search keys of ``text``, in order."""
    return [search_key(w) for w in words(text)]


@dataclass(frozen=True)
class SearchIndex:
    """Search keys of one article: title and speakers weigh more than body text."""

    article_id: str
    title: frozenset[str]
    people: frozenset[str]
    body: Counter[str]

    @classmethod
    def build(cls, article: Article) -> SearchIndex:
        people = " ".join(f"{s.speaker} {s.org or ''} {s.role or ''}" for s in article.statements)
        return cls(
            article_id=article.id,
            title=frozenset(keys(article.title)),
            people=frozenset(keys(people)),
            body=Counter(keys(" ".join(article.paragraphs))),
        )

    def score(self, query_keys: list[str]) -> float:
        """0 when a query word is missing; otherwise higher for title and speaker matches."""
        total = 0.0
        for key in query_keys:
            hit = 3.0 * (key in self.title) + 2.0 * (key in self.people) + min(self.body.get(key, 0), 5) * 0.5
            if not hit:
                return 0.0
            total += hit
        return total
