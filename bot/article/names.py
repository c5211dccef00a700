"""Where a personal name starts inside a speaker's words.

A word of ``speech.json``'s ``name_openers`` before a definite word starts a personal name
(``عبد الله``، ``عبد الرحمن``) where a role would otherwise read on as a chain of nouns.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.article import lexicon
from bot.article.arabic import normalise_word


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
