"""Credited sources: the outlets an article says it took its report from (``وفق "RT"``)."""

from __future__ import annotations

import re

from bot.article import lexicon
from bot.article.arabic import normalise_word

_CREDIT = re.compile(
    r"(?P<marker>[وف]?(?:بحسب|حسب|وفق|وفقا|وفقاً|طبقا|نقلا|نقلاً)(?:\s+(?:لـ|ل|عن))?)\s*"
    r"(?:(?P<quoted>[\"«“][^\"»”]{1,40}[\"»”])"
    r"|(?P<latin>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})"
    r"|(?P<agency>(?:وكالة|صحيفة|موقع|قناة|شبكة)\s+[^\s،,.]+(?:\s+[^\s،,.]+){0,2}))"
)


def credited_sources(paragraphs: list[str] | tuple[str, ...]) -> list[str]:
    """Outlets credited with ``وفق``/``بحسب``/``نقلا عن`` followed by a quoted or Latin name or an agency."""
    vocab = lexicon.speech().according_to
    found: list[str] = []
    for paragraph in paragraphs:
        for match in _CREDIT.finditer(paragraph):
            marker = normalise_word(match.group("marker").split()[0])
            if marker not in vocab:
                continue
            name = match.group("quoted") or match.group("latin") or match.group("agency") or ""
            name = name.strip('"«»“” ')
            if name and name not in found:
                found.append(name)
    return found
