"""Extractive summary: whole sentences of the article, verbatim, in article order.

It says what happened, who says what, and the toll, within a budget (3 sentences, 700
characters by default):

1. the lead, the article's first sentence (news writing puts the main fact there);
2. what happened when: the first sentence that dates an event on a day other than the day of
   publication (``يوم 20 كانون الثاني``), which is where a report tells the event itself;
3. the toll: the first sentence in the article's own voice that counts the dead or wounded;
4. the most central remaining sentences (sharing the most content words with the rest of the
   article, per square root of their length) that still fit.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from bot.article import dates, lexicon
from bot.article.arabic import normalise, words
from bot.article.model import Statement
from bot.article.search import search_key
from bot.article.sentences import split_sentences

DEFAULT_MAX_SENTENCES = 3
DEFAULT_MAX_CHARS = 700
_NUMBER = re.compile(r"\d")
_MIN_WORDS = 5


@dataclass(frozen=True)
class _Candidate:
    order: int
    text: str
    norm_words: tuple[str, ...]


def summarise(
    paragraphs: list[str] | tuple[str, ...],
    statements: list[Statement] | tuple[Statement, ...] = (),
    *,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
    max_chars: int = DEFAULT_MAX_CHARS,
    published: datetime | None = None,
    title: str = "",
) -> list[str]:
    """Pick summary sentences; joined with spaces they stay within ``max_chars``."""
    candidates = _candidates(paragraphs, statements)
    if not candidates or max_sentences <= 0:
        return []
    chosen: list[_Candidate] = []

    def fits(candidate: _Candidate) -> bool:
        total = sum(len(c.text) + 1 for c in chosen) + len(candidate.text)
        return candidate not in chosen and len(chosen) < max_sentences and total <= max_chars

    lead = candidates[0]
    if fits(lead):
        chosen.append(lead)
    event = _event(candidates, published)
    if event is not None and fits(event):
        chosen.append(event)
    toll = _toll(candidates, statements)
    if toll is not None and fits(toll):
        chosen.append(toll)
    weights = _weights(candidates)
    n = len(candidates)
    title_stems = {search_key(w) for w in words(title)}
    ranked = sorted(candidates, key=lambda c: -_centrality(c, weights, title_stems) * (1 - 0.5 * c.order / n))
    for candidate in ranked:
        if fits(candidate):
            chosen.append(candidate)
    return [c.text for c in sorted(chosen, key=lambda c: c.order)]


def _standalone(candidate: _Candidate) -> bool:
    """A sentence a reader understands without the one before it.

    Not one that goes on from it (``وأضاف``، ``كما``، ``ولهذا``، ``مشيرا``), that names its
    speaker only as the one just quoted (``وأشار المصدر إلى``), or that starts inside a quotation
    (a closing mark before any opening one).
    """
    speech = lexicon.speech()
    first = candidate.norm_words[0]
    if first in lexicon.page().continuations or first in speech.participles:
        return False
    if first in speech.verbs and first[0] in "وف":
        rest = candidate.norm_words[1:]
        if not rest or rest[0] in speech.complements or rest[0] in speech.subject_stops:
            return False  # ``وأضاف أن``، ``وتابع في``: the speaker is the one before
        if any(rest[: len(phrase)] == phrase for phrase in speech.refer_back):
            return False
    opening = min((i for i in (candidate.text.find(m) for m in "«“") if i >= 0), default=len(candidate.text))
    closing = min((i for i in (candidate.text.find(m) for m in "»”") if i >= 0), default=len(candidate.text))
    return closing >= opening


def _candidates(
    paragraphs: list[str] | tuple[str, ...], statements: list[Statement] | tuple[Statement, ...]
) -> list[_Candidate]:
    out: list[_Candidate] = []
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            norm = tuple(words(sentence))
            if len(norm) < _MIN_WORDS:
                continue
            candidate = _Candidate(len(out), sentence, norm)
            if out and not _standalone(candidate):
                continue  # the lead may be anything; the others must stand on their own
            out.append(candidate)
    return out


def _event(candidates: list[_Candidate], published: datetime | None) -> _Candidate | None:
    today = (published.month, published.day) if published else None
    for candidate in candidates[1:]:
        if any(day != today for day in dates.mentioned_days(candidate.text)):
            return candidate
    return None


def _toll(candidates: list[_Candidate], statements: list[Statement] | tuple[Statement, ...]) -> _Candidate | None:
    """The first toll sentence in the article's own voice (mostly not a statement's words), else the first."""
    vocab = lexicon.page()
    tolls = [c for c in candidates if _NUMBER.search(c.text) and any(w in vocab.toll_words for w in c.norm_words)]
    if not tolls:
        return None
    quoted = [set(words(s.text)) for s in statements]
    own_voice = (c for c in tolls if _quoted_share(c.norm_words, quoted) < 0.5)
    return next(own_voice, tolls[0])


def _quoted_share(norm_words: tuple[str, ...], quoted: list[set[str]]) -> float:
    """The largest share of the sentence's distinct words found in one statement (computed only for tolls:
    for every sentence it made long articles quadratic)."""
    distinct = set(norm_words)
    return max((len(distinct & q) / len(distinct) for q in quoted), default=0.0)


def _stems(candidate: _Candidate) -> set[str]:
    stop = lexicon.page().stopwords
    return {search_key(w) for w in candidate.norm_words if w not in stop and len(w) > 2}


def _weights(candidates: list[_Candidate]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for candidate in candidates:
        counts.update(_stems(candidate))
    return counts


def _centrality(candidate: _Candidate, weights: Counter[str], title: set[str] | None = None) -> float:
    """Content shared with the rest of the article, and twice over with the headline, per sqrt(length)."""
    distinct = _stems(candidate)
    score = sum(weights[w] - 1 for w in distinct) + 2 * len(distinct & (title or set()))
    return score / math.sqrt(len(candidate.norm_words))


def normalised_summary(summary: list[str]) -> str:
    """The summary folded for comparisons in tests and search."""
    return normalise(" ".join(summary))
