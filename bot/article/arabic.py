"""Arabic text normalisation and tokenising, shared by every matcher in the article core."""

from __future__ import annotations

import re
from functools import lru_cache

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALEF = re.compile("[أإآٱ]")
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
LATIN_LETTER = re.compile("[A-Za-z]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def strip_diacritics(text: str) -> str:
    """Remove harakat, tanween, dagger alef and tatweel."""
    return _DIACRITICS.sub("", text)


def normalise(text: str) -> str:
    """Fold the spellings Arabic writers mix: hamza on alef, alef maqsura, taa marbuta, diacritics.

    Punctuation becomes a space and runs of spaces collapse, so the result is a sequence of
    comparable words.
    """
    text = strip_diacritics(text)
    text = _ALEF.sub("ا", text)
    text = text.replace("ى", "ي").replace("ة", "ه").replace("ؤ", "و").replace("ئ", "ي")
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.lower().split())


@lru_cache(maxsize=65536)
def normalise_word(word: str) -> str:
    """Normalise one token (punctuation around it removed)."""
    return normalise(word).replace(" ", "")


def words(text: str) -> list[str]:
    """Normalised words of ``text``."""
    return normalise(text).split()


def unify_dashes(text: str) -> str:
    """Turn en/em dashes and minus signs into a plain hyphen."""
    return _DASHES.sub("-", text)


def arabic_ratio(text: str) -> float:
    """Share of letters in ``text`` that are Arabic (0.0 when there are no letters)."""
    arabic = len(ARABIC_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    total = arabic + latin
    return arabic / total if total else 0.0


def western_digits(text: str) -> str:
    """``text`` with Arabic-Indic (٠-٩) and Persian (۰-۹) digits as ASCII digits."""
    return text.translate(_DIGITS)


def read_number(text: str, max_digits: int = 6) -> int | None:
    """A whole number typed by a user: ASCII, Arabic-Indic (٠-٩) or Persian (۰-۹) digits; else None.

    Other Unicode digits (``²``, ``①``, Devanagari) and more than ``max_digits`` digits are refused.
    """
    digits = western_digits(text.strip())
    if not digits or len(digits) > max_digits or not (digits.isascii() and digits.isdigit()):
        return None
    return int(digits)
