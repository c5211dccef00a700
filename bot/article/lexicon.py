"""The editable word lists (``bot/data/*.json``), loaded once and folded for matching."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from bot.article.arabic import normalise, normalise_word


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("bot.data").joinpath(name).read_text("utf-8"))
    return data


def _forms(words: list[str], prefixes: tuple[str, ...] = ("", "و", "ف")) -> frozenset[str]:
    out: set[str] = set()
    for word in words:
        base = normalise_word(word)
        out.update(prefix + base for prefix in prefixes)
    return frozenset(out)


@dataclass(frozen=True)
class Organisation:
    """One organisation of ``organisations.json``."""

    id: str
    name: str
    english: str
    command: str
    names: tuple[tuple[str, ...], ...]
    short: tuple[tuple[str, ...], ...]
    context_any: tuple[tuple[str, ...], ...] = ()
    context_none: tuple[tuple[str, ...], ...] = ()

    def fits(self, text_words: list[str]) -> bool:
        """Whether an article (its folded words) is one where this organisation's short names mean it:
        it names the organisation's context ('any') more often than a look-alike's ('none')."""
        if not self.context_any and not self.context_none:
            return True
        against = sum(count_phrase(text_words, phrase) for phrase in self.context_none)
        for_it = sum(count_phrase(text_words, phrase) for phrase in self.context_any)
        return for_it > against if self.context_any else against == 0


@dataclass(frozen=True)
class Speech:
    """Folded speech vocabulary."""

    verbs: frozenset[str]
    participles: frozenset[str]
    ambiguous: frozenset[str]
    complements: frozenset[str]
    complement_lead_ins: frozenset[str]
    according_to: frozenset[str]
    refer_back: tuple[tuple[str, ...], ...]
    subject_stops: frozenset[str]
    honorifics: tuple[tuple[str, ...], ...]
    roles: frozenset[str]
    ba_verbs: frozenset[str]
    quoting_verbs: frozenset[str]
    quote_nouns: frozenset[str]
    documents: frozenset[str]
    role_connectors: frozenset[str]
    name_openers: frozenset[str]
    channels: frozenset[str]
    object_verbs: dict[str, frozenset[str]]
    after_quote: tuple[tuple[str, ...], ...]
    time_words: frozenset[str]
    after_quote_openers: frozenset[str]
    stance_verbs: frozenset[str]
    relatives: frozenset[str]
    contrast_openers: frozenset[str]
    clause_openers: frozenset[str]
    impersonal: frozenset[str]
    verb_particles: frozenset[str]
    people_words: frozenset[str]
    role_bodies: dict[str, str]
    role_qualifiers: frozenset[str]
    name_links: frozenset[str]
    subject_tails: tuple[tuple[str, ...], ...]
    not_subjects: frozenset[str]
    object_nouns: frozenset[str]
    past_auxiliaries: frozenset[str]
    pronoun_suffixes: tuple[str, ...]
    former_qualifiers: frozenset[str]
    not_bodies: frozenset[str]
    demonstratives: frozenset[str]
    pluperfect_particles: frozenset[str]
    emphatic_particles: frozenset[str]
    aside_openers: frozenset[str]
    pronoun_subjects: frozenset[str]

    @cached_property
    def triggers(self) -> frozenset[str]:
        """Words without which a sentence holds no statement: speech verbs, participles, ``وفق``…"""
        return (
            self.verbs
            | self.participles
            | self.according_to
            | frozenset(self.object_verbs)
            | self.stance_verbs
            | frozenset(phrase[0] for phrase in self.after_quote)
        )


@dataclass(frozen=True)
class NameParticles:
    """Folded particles that may join two parts of an organisation's name."""

    phrases: tuple[tuple[str, ...], ...]  # longest first, so ``من أجل`` is tried before a one-word one
    adverbs: frozenset[tuple[str, ...]]
    starts: frozenset[str]  # the first word of every phrase, to rule a word out at once


@dataclass(frozen=True)
class Page:
    """Folded page vocabulary."""

    promo_words: tuple[tuple[str, ...], ...]
    promo_hints: tuple[tuple[str, ...], ...]
    related_labels: tuple[tuple[str, ...], ...]
    source_labels: frozenset[str]
    months: dict[str, int]
    place_timezones: dict[str, str]
    default_timezone: str
    toll_words: frozenset[str]
    stopwords: frozenset[str]
    continuations: frozenset[str]
    pm_words: tuple[str, ...]  # as written (matched in raw text): مساءً، pm
    am_words: tuple[str, ...]
    outlet_kinds: tuple[str, ...]  # as written: وكالة، صحيفة


@dataclass(frozen=True)
class CorrectionWords:
    """Folded words of ``corrections.json``: what an admin may type after ``/correct``."""

    actions: dict[str, str]  # a folded word -> its action: speaker, org, hide, show, outlet or date
    none: frozenset[str]  # folded words (and phrases) that mean "no organisation / publisher / date"


def _verb_forms(words: list[str]) -> frozenset[str]:
    """Verbs with their prefixes; a feminine past form (``أكدت``) gives its dual too (``أكدتا``)."""
    forms = _forms(words)
    return forms | frozenset(form + "ا" for form in forms if form.endswith("ت") and len(form) >= 4)


def _participle_forms(words: list[str]) -> frozenset[str]:
    """Participles are listed masculine (``مشيرا``); the feminine, dual and plural forms are derived."""
    out: set[str] = set()
    for word in words:
        base = normalise_word(word)
        stems = [base[:-1]] if base.endswith("ا") else []
        forms = [base] + [stem + suffix for stem in stems for suffix in ("ا", "ه", "ين", "ات", "ان", "تين", "تان")]
        out.update(prefix + form for form in forms for prefix in ("", "و", "ف"))
    return frozenset(out)


def _object_verbs(entries: list[dict[str, Any]]) -> dict[str, frozenset[str]]:
    """Each form of an object-taking verb (prefixes and participle forms included) -> its prepositions."""
    out: dict[str, set[str]] = {}
    for entry in entries:
        preps = {normalise_word(p) for p in entry["prepositions"]}
        for word in entry["verbs"].split():
            for form in _participle_forms([word]) | _forms([word]):
                out.setdefault(form, set()).update(preps)
    return {form: frozenset(preps) for form, preps in out.items()}


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalise(item).split()) for item in items if normalise(item))


@cache
def speech() -> Speech:
    """The speech vocabulary."""
    raw = _load("speech.json")
    return Speech(
        verbs=_verb_forms(raw["verbs"]),
        participles=_participle_forms(raw["participles"]),
        ambiguous=_forms(raw["ambiguous"]),
        complements=_forms(raw["complements"], ("",)),
        complement_lead_ins=_forms(raw["complement_lead_ins"], ("",)),
        according_to=_forms(raw["according_to"]),
        refer_back=_phrases(raw["refer_back"]),
        subject_stops=_forms(raw["subject_stops"], ("",)) | _forms(raw["time_words"], ("",)),
        honorifics=_phrases(raw["honorifics"]),
        roles=frozenset(normalise(r) for r in raw["roles"]),
        ba_verbs=_forms(raw["ba_verbs"]),
        quoting_verbs=_forms(raw["quoting_verbs"]),
        quote_nouns=frozenset(normalise_word(w) for w in raw["quote_nouns"]),
        documents=frozenset(normalise_word(w) for w in raw.get("documents", [])),
        role_connectors=frozenset(normalise(r) for r in raw["role_connectors"]),
        name_openers=frozenset(normalise_word(w) for w in raw["name_openers"]),
        channels=frozenset(normalise_word(w) for w in raw["channels"]),
        object_verbs=_object_verbs(raw["object_verbs"]),
        after_quote=_phrases(raw["after_quote"]),
        time_words=_forms(raw["time_words"]),
        after_quote_openers=_forms(raw["after_quote_openers"]),
        stance_verbs=_verb_forms(raw["stance_verbs"]),
        relatives=_forms(raw["relatives"], ("",)),
        contrast_openers=_forms(raw["contrast_openers"], ("",)),
        clause_openers=_forms(raw["clause_openers"], ("",)),
        impersonal=_forms(raw["impersonal"]),
        verb_particles=_forms(raw["verb_particles"]),
        people_words=_forms(raw["people_words"]),
        role_bodies={normalise(k): v for k, v in raw["role_bodies"].items()},
        role_qualifiers=frozenset(normalise(w) for w in raw["role_qualifiers"]),
        name_links=frozenset(normalise_word(w) for w in raw["name_links"]),
        subject_tails=_phrases(raw["subject_tails"]),
        not_subjects=_forms(raw["not_subjects"], ("",)),
        object_nouns=_forms(raw["object_nouns"], ("",)),
        past_auxiliaries=_forms(raw["past_auxiliaries"], ("",)),
        pronoun_suffixes=tuple(raw["pronoun_suffixes"]),
        former_qualifiers=frozenset(normalise(w) for w in raw["former_qualifiers"]),
        not_bodies=frozenset(normalise(w) for w in raw["not_bodies"]),
        demonstratives=_forms(raw["demonstratives"]),
        pluperfect_particles=_forms(raw["pluperfect_particles"], ("",)),
        emphatic_particles=_forms(raw["emphatic_particles"], ("",)),
        aside_openers=_forms(raw["aside_openers"], ("",)),
        pronoun_subjects=_forms(raw["pronoun_subjects"], ("",)),
    )


@cache
def organisations() -> tuple[Organisation, ...]:
    """Known organisations, in file order."""
    raw = _load("organisations.json")
    return tuple(
        Organisation(
            id=item["id"],
            name=item["name"],
            english=item.get("english", item["name"]),
            command=item.get("command", item["id"]),
            names=_phrases([item["name"], *item.get("names", [])]),
            short=_phrases(item.get("short", [])),
            context_any=_phrases(item.get("context", {}).get("any", [])),
            context_none=_phrases(item.get("context", {}).get("none", [])),
        )
        for item in raw["organisations"]
    )


@cache
def organisation_kinds() -> tuple[tuple[str, ...], ...]:
    """Head words that mark an organisation."""
    return _phrases(_load("organisations.json")["kinds"])


@cache
def name_particles() -> NameParticles:
    """The particles inside organisation names (``بلا``، ``من أجل``…), and which are also adverbs."""
    raw = _load("organisations.json")
    phrases = sorted(_phrases(raw["name_particles"]), key=len, reverse=True)
    return NameParticles(
        phrases=tuple(phrases),
        adverbs=frozenset(_phrases(raw["adverb_particles"])),
        starts=frozenset(phrase[0] for phrase in phrases),
    )


@cache
def page() -> Page:
    """The page vocabulary."""
    raw = _load("page.json")
    return Page(
        promo_words=_phrases(raw["promo_words"]),
        promo_hints=_phrases(raw["promo_hints"]),
        related_labels=_phrases(raw["related_labels"]),
        source_labels=frozenset(normalise(s) for s in raw["source_labels"]),
        months={normalise(k): v for k, v in raw["months"].items()},
        place_timezones={normalise(k): v for k, v in raw["place_timezones"].items()},
        default_timezone=raw["default_timezone"],
        toll_words=frozenset(normalise(w) for w in raw["toll_words"]),
        stopwords=frozenset(normalise(w) for w in raw["stopwords"]),
        continuations=frozenset(normalise(w) for w in raw["continuations"]),
        pm_words=tuple(raw["pm_words"]),
        am_words=tuple(raw["am_words"]),
        outlet_kinds=tuple(raw["outlet_kinds"]),
    )


@cache
def correction_words() -> CorrectionWords:
    """The words of ``/correct`` (``corrections.json``), folded."""
    raw = _load("corrections.json")
    actions = {normalise(word): action for action, words in raw["fields"].items() for word in words}
    none = frozenset(normalise(word) or word for word in raw["none"])  # ``-`` folds to nothing: kept as typed
    return CorrectionWords(actions=actions, none=none)


@cache
def according_to_words() -> tuple[str, ...]:
    """``speech.json``'s "according to" words as written (``وفقاً``), for patterns over raw text."""
    return tuple(_load("speech.json")["according_to"])


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regular-expression alternation of ``words``, longest first so that none hides a longer one."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


def contains_phrase(haystack: list[str] | tuple[str, ...], phrase: tuple[str, ...]) -> int:
    """Index where ``phrase`` starts inside ``haystack`` (whole words), or -1."""
    n = len(phrase)
    if not n or phrase[0] not in haystack:  # the membership test runs in C and rules most phrases out
        return -1
    first = phrase[0]
    for i in range(len(haystack) - n + 1):
        if haystack[i] == first and tuple(haystack[i : i + n]) == phrase:
            return i
    return -1


def count_phrase(haystack: list[str] | tuple[str, ...], phrase: tuple[str, ...]) -> int:
    """How many times ``phrase`` stands in ``haystack`` (whole words)."""
    n = len(phrase)
    if not n:
        return 0
    first = phrase[0]
    return sum(1 for i in range(len(haystack) - n + 1) if haystack[i] == first and tuple(haystack[i : i + n]) == phrase)
