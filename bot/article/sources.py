"""Credited sources: the outlets an article says it took its report from (``وفق "RT"``)."""

from __future__ import annotations

import re
from functools import cache

from bot.article import lexicon
from bot.article.arabic import normalise_word


@cache
def _credit() -> re.Pattern[str]:
    """An "according to" word (``speech.json``) and a quoted, Latin or agency name (``page.json``'s kinds)."""
    markers = lexicon.alternation(lexicon.according_to_words())
    kinds = lexicon.alternation(lexicon.page().outlet_kinds)
    return re.compile(
        rf"(?P<marker>[وف]?(?:{markers})(?:\s+(?:لـ|ل|عن))?)\s*"
        r"(?:(?P<quoted>[\"«“][^\"»”]{1,40}[\"»”])"
        r"|(?P<latin>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})"
        rf"|(?P<agency>(?:{kinds})\s+[^\s،,.]+(?:\s+[^\s،,.]+){{0,2}}))"
    )


def credited_sources(paragraphs: list[str] | tuple[str, ...]) -> list[str]:
    """Outlets credited with ``وفق``/``بحسب``/``نقلا عن`` followed by a quoted or Latin name or an agency."""
    vocab = lexicon.speech().according_to
    found: list[str] = []
    for paragraph in paragraphs:
        for match in _credit().finditer(paragraph):
            marker = normalise_word(match.group("marker").split()[0])
            if marker not in vocab:
                continue
            name = match.group("quoted") or match.group("latin") or match.group("agency") or ""
            name = name.strip('"«»“” ')
            if name and name not in found:
                found.append(name)
    return found
