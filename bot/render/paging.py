"""Split text into pages that fit a length budget: at paragraphs, then sentences, then words.

Works on plain (unescaped) text; lengths are Telegram's (UTF-16 code units). Every piece of
the input lands on exactly one page, in order. Blocks already rendered are grouped whole
(:func:`group_blocks`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.article.sentences import split_sentences
from bot.render.html import tg_len

SEPARATOR = "\n\n"


def paginate(blocks: list[str] | tuple[str, ...], budget: int) -> list[list[str]]:
    """Group ``blocks`` into pages whose joined length (with blank lines between) is at most ``budget``."""
    if budget < 1:
        raise ValueError("budget must be positive")
    pieces: list[str] = []
    for block in blocks:
        pieces.extend(_fit(block, budget))
    return group_blocks(pieces, budget)


def group_blocks(blocks: Sequence[str], budget: int, size: Callable[[str], int] = tg_len) -> list[list[str]]:
    """Consecutive ``blocks`` as pages of at most ``budget`` (``size`` of each, blank lines between), in order.

    No block is split: one larger than ``budget`` has a page of its own. For blocks already
    rendered (HTML that a cut would break), measured with ``size`` (what Telegram shows of them).
    """
    pages: list[list[str]] = []
    current: list[str] = []
    used = 0
    for block in blocks:
        extra = size(block) + (tg_len(SEPARATOR) if current else 0)
        if current and used + extra > budget:
            pages.append(current)
            current, used = [], 0
            extra = size(block)
        current.append(block)
        used += extra
    if current:
        pages.append(current)
    return pages


def _fit(block: str, budget: int) -> list[str]:
    """``block`` as pieces of at most ``budget``: whole if it fits, else sentences, else word runs."""
    if tg_len(block) <= budget:
        return [block]
    pieces: list[str] = []
    for sentence in split_sentences(block):
        if tg_len(sentence) <= budget:
            pieces.append(sentence)
        else:
            pieces.extend(_words(sentence, budget))
    return _rejoin(pieces, budget)


def _rejoin(pieces: list[str], budget: int) -> list[str]:
    """Put consecutive sentences of one paragraph back together while they fit."""
    out: list[str] = []
    for piece in pieces:
        if out and tg_len(out[-1]) + 1 + tg_len(piece) <= budget:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _words(sentence: str, budget: int) -> list[str]:
    out: list[str] = []
    current = ""
    for word in sentence.split(" "):
        while tg_len(word) > budget and len(word) > 1:  # a single "word" longer than a page: cut it
            head, word = _cut(word, budget)
            if current:
                out.append(current)
                current = ""
            out.append(head)
        candidate = f"{current} {word}" if current else word
        if tg_len(candidate) <= budget:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    return out


def _cut(word: str, budget: int) -> tuple[str, str]:
    end = budget
    while end > 1 and tg_len(word[:end]) > budget:
        end -= 1
    return word[:end], word[end:]  # at least one character, so a page never comes out empty
