"""Bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1256."""

from __future__ import annotations

import codecs
import re

from bot.errors import EncodingError, SourceError

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ARABIC_BLOCK = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def decode(data: bytes, *, path: str | None = None) -> str:
    """Decode an article file, refusing binary data and unknown encodings with a clear error."""
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
    text = data.decode("cp1256", errors="replace")
    non_ascii = [ch for ch in text if ord(ch) > 127]
    arabic = sum(1 for ch in non_ascii if _ARABIC_BLOCK.match(ch))
    if non_ascii and arabic / len(non_ascii) >= 0.6:
        return _checked(text, path)
    raise EncodingError(path, "the bytes are neither UTF-8 nor Windows-1256 Arabic text")


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
