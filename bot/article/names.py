"""Where a name runs on: particles inside organisation names, compound personal names.

Both are read on a speaker's tokens as written (punctuation tokens allowed, they are not words):

- An organisation's name goes on past a particle of ``organisations.json``'s ``name_particles``
  (``أطباء بلا حدود``، ``أطباء من أجل حقوق الإنسان``، ``الحوار بين الأديان``) when an organisation
  head word comes before it and a name word after it. A particle that is also an everyday adverb
  (``adverb_particles``: ``عبر بيان``، ``دون الكشف عن``) joins only a name still open, an
  indefinite head and its one bare word (``شبكة صحفيون عبر الحدود``); after a whole name
  (``وزارة الصحة``، ``الجيش``), or before a channel (``حركة حماس عبر الهاتف``), it starts a clause.
- A word of ``speech.json``'s ``name_openers`` before a definite word starts a personal name
  (``عبد الله``، ``عبد الرحمن``) where a role would otherwise read on as a chain of nouns.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from bot.article import lexicon
from bot.article.arabic import normalise_word, strip_diacritics
from bot.article.lexicon import contains_phrase

_PRONOUN_SUFFIXES = ("ه", "ها", "هم", "هما")  # حسابه، موقعها: a possession, not a name


def is_definite(token: str) -> bool:
    """``الصحة``، ``للصحة``، ``بالصحة``، ``والصحة``."""
    return normalise_word(token).startswith(("ال", "لل", "بال", "وال"))


def opens_name(tokens: Sequence[str], at: int) -> bool:
    """``عبد`` of ``عبد الله الزبيدي``: a name opener followed by a definite word."""
    return (
        at + 1 < len(tokens)
        and normalise_word(tokens[at]) in lexicon.speech().name_openers
        and is_definite(tokens[at + 1])
    )


def name_length(tokens: Sequence[str]) -> int:
    """Words of a personal name, a compound (``عبد الله``) counting as one."""
    return len(tokens) - sum(1 for i in range(len(tokens)) if opens_name(tokens, i))


def particle_span(tokens: Sequence[str], at: int) -> int:
    """Tokens that a particle at ``at`` and the name word after it add to an organisation's name.

    ``بلا حدود`` -> 2, ``من أجل حقوق`` -> 3 (the definite words after are the caller's);
    0 when the name does not go on at ``at``.
    """
    particles = lexicon.name_particles()
    if at < 1 or at >= len(tokens) or normalise_word(tokens[at]) not in particles.starts:
        return 0
    if not normalise_word(tokens[at - 1]):
        return 0
    for phrase in particles.phrases:
        n = len(phrase)
        if at + n >= len(tokens) or not _matches(tokens, at, phrase):
            continue
        if not _name_word(tokens[at + n]):
            return 0
        if phrase in particles.adverbs and not _open(tokens, at):
            return 0
        if not _after_head(tokens, at):
            return 0
        return n + 1
    return 0


def adverb_at(tokens: Sequence[str], at: int) -> bool:
    """A particle that is also an everyday adverb starts at ``at`` (``دون``، ``من دون``، ``عبر``)."""
    particles = lexicon.name_particles()
    if at >= len(tokens) or normalise_word(tokens[at]) not in particles.starts:
        return False
    return any(_matches(tokens, at, phrase) for phrase in particles.adverbs)


def _matches(tokens: Sequence[str], at: int, phrase: tuple[str, ...]) -> bool:
    return tuple(normalise_word(t) for t in tokens[at : at + len(phrase)]) == phrase


def _name_word(token: str) -> bool:
    """A word that can go on a name: not a speech or clause word, a role, a document, a channel
    (``الهاتف``، ``تغريدة``) or a possession (``حسابه``)."""
    word = normalise_word(token)
    if not word or word.isdigit():
        return False
    speech = lexicon.speech()
    if (
        word in speech.verbs
        or word in speech.participles
        or word in speech.complements
        or word in speech.subject_stops
        or word in speech.according_to
        or word in speech.documents
        or word in speech.roles
        or word.removeprefix("ال") in speech.channels
    ):
        return False
    letters = "".join(ch for ch in strip_diacritics(token) if ch.isalpha())
    return is_definite(token) or not letters.endswith(_PRONOUN_SUFFIXES)


def _open(tokens: Sequence[str], at: int) -> bool:
    """The name before ``at`` is an indefinite head and its one bare word (``منظمة أطباء``)."""
    return at >= 2 and not is_definite(tokens[at - 1]) and normalise_word(tokens[at - 2]) in _indefinite_heads()


def _after_head(tokens: Sequence[str], at: int) -> bool:
    """An organisation head word comes before ``at``."""
    folded = [normalise_word(t) for t in tokens[:at]]
    folded = [w for w in folded if w]
    return any(contains_phrase(folded, kind) >= 0 for kind in lexicon.organisation_kinds())


@cache
def _indefinite_heads() -> frozenset[str]:
    """Organisation head words that take a bare word after them (``منظمة``، ``شبكة``، ``حركة``)."""
    kinds = lexicon.organisation_kinds()
    return frozenset(kind[0] for kind in kinds if len(kind) == 1 and not kind[0].startswith("ال"))
