"""Bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, a declared charset, or Windows-1256.

What the bytes are beats what a page says they are: valid UTF-8 is UTF-8 whatever the
``<meta charset>`` or the ``Content-Type`` header declares (sites often declare the charset of an
older template), and Windows-1256 is recognised by its Arabic letters. A declared charset is
used for the bytes that are neither.
"""

from __future__ import annotations

import codecs
import re

from bot.errors import EncodingError, SourceError

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ARABIC_BLOCK = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_NOT_DECLARABLE = {"utf-8", "cp1256", "utf-16", "utf-32"}  # tried by their own rules above


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` of its first 4 KB, as a Python codec name."""
    match = _META_CHARSET.search(data[:4096])
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def decode(data: bytes, *, path: str | None = None, declared: str | None = None) -> str:
    """Decode an article file, refusing binary data and unknown encodings with a clear error.

    ``declared`` is a charset the bytes came with (an HTTP ``Content-Type``); else an HTML page's
    ``<meta>`` declaration is read. Either is tried only for bytes that are not UTF-8.
    """
    if not data.strip():
        raise SourceError(path, "the file is empty")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(_strict(data[len(codecs.BOM_UTF8) :], "utf-8", path), path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(_strict(data, "utf-16", path), path)
    if b"\x00" in data:
        raise SourceError(path, "this is a binary file, not an article (it holds NUL bytes)")
    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    charset = _codec(declared) or declared_charset(data)
    other: str | None = None
    if charset is not None and charset not in _NOT_DECLARABLE:
        try:
            other = data.decode(charset)
        except UnicodeDecodeError:
            other = None  # declared wrongly: the bytes may still be Windows-1256
        if other is not None and _mostly_arabic(other):  # an Arabic charset such as ISO-8859-6
            return _checked(other, path)
    text = data.decode("cp1256", errors="replace")
    if _mostly_arabic(text):  # also Windows-1256 declared as Latin-1, which decodes any byte
        return _checked(text, path)
    if other is not None:
        return _checked(other, path)
    raise EncodingError(path, "the bytes are neither UTF-8 nor Windows-1256 Arabic text")


def _mostly_arabic(text: str) -> bool:
    non_ascii = [ch for ch in text if ord(ch) > 127]
    arabic = sum(1 for ch in non_ascii if _ARABIC_BLOCK.match(ch))
    return bool(non_ascii) and arabic / len(non_ascii) >= 0.6


def _strict(data: bytes, encoding: str, path: str | None) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(path, f"invalid {encoding} at byte {exc.start}") from None


def _checked(text: str, path: str | None) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 100):
        raise SourceError(path, "this looks like a binary file, not an article")
    if not text.strip():
        raise SourceError(path, "the file is empty")
    return _CONTROL.sub("", text)
