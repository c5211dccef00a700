"""Telegram's ``parse_mode="HTML"`` rules, implemented strictly.

The rules come from the Bot API "Formatting options" section
(``/work/shared/botapi/formatting-options.grammy-types-5.0.0.txt``):

* only the documented tags are accepted (``b strong i em u ins s strike del span.tg-spoiler tg-spoiler
  a[href] tg-emoji[emoji-id] tg-time[unix] code pre blockquote blockquote[expandable]``);
  tag and attribute names are case-insensitive, as in Telegram;
* every tag must be closed, in order (``<b><i></b></i>`` is refused);
* blockquotes may not nest; ``pre``/``code`` may not contain other entities, except the
  ``<pre><code class="language-x">`` form that sets the language of a ``pre`` block; links may not nest;
* only ``&lt; &gt; &amp; &quot;`` and numeric entities (``&#1604;`` / ``&#x644;``) are understood;
  a ``<`` that does not start a tag or a ``&`` that does not start a supported entity is an error.
  (Telegram itself leaves some unknown ``&name;`` sequences alone, but the documentation requires
  escaping, so this checker refuses them.) A bare ``>`` is accepted, as Telegram does.

Problems are phrased like tdlib's "can't parse entities" messages, with UTF-8 byte offsets.
:func:`parse_html` also yields the visible text and the resulting ``MessageEntity`` dicts
(offsets in UTF-16 code units) so a fake server can answer like Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

#: tag name -> MessageEntity type (``span`` / ``a`` / ``pre`` / ``blockquote`` refined later).
TAG_ENTITY_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}

#: attributes each tag may carry (anything else is reported).
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "span": frozenset({"class"}),
    "a": frozenset({"href"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "tg-time": frozenset({"unix", "format"}),
    "code": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}),
}

#: tags that may contain pre, code and blockquote entities.
_BLOCK_CONTAINERS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "blockquote"}
)
_URL_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite", "ftp", "mailto"})

_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_END_TAG_RE = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_START_TAG_RE = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z_][A-Za-z0-9_:.-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>=`]+))?)*)"
    r"\s*(/?)>"
)
_ATTR_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_:.-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'<>=`]+))?")
_LANGUAGE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+#.-]+")
_TIME_FORMAT_RE = re.compile(r"r|w?[dD]?[tT]?")
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag."""

    name: str
    attrs: dict[str, str | None]
    start_utf16: int
    byte_offset: int
    language: str | None = None


@dataclass
class HtmlParseResult:
    """Outcome of parsing one HTML-formatted text the way Telegram does."""

    visible: str
    problems: list[str] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when Telegram would accept the text."""
        return not self.problems


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit Telegram uses for offsets and limits)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(match: re.Match[str]) -> tuple[str | None, str | None]:
    """Return ``(character, problem)`` for one ``&...;`` match."""
    body = match.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, f'Invalid numeric HTML entity "{match.group(0)}"'
        return chr(code), None
    char = NAMED_ENTITIES.get(body)
    if char is None:
        return None, f'Unsupported HTML entity "{match.group(0)}" (only &lt; &gt; &amp; &quot; are allowed)'
    return char, None


def _unescape_attribute(raw: str, problems: list[str]) -> str:
    """Decode entities in an attribute value, reporting bare ``&`` and unknown entities."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] != "&":
            out.append(raw[i])
            i += 1
            continue
        match = _ENTITY_RE.match(raw, i)
        char, problem = _decode_entity(match) if match else (None, None)
        if match is None:
            problems.append(f"Character '&' in attribute value {raw!r} is not part of an HTML entity")
        elif problem:
            problems.append(problem)
        out.append(char if char is not None else raw[i : match.end() if match else i + 1])
        i = match.end() if match else i + 1
    return "".join(out)


def _parse_attributes(raw: str, problems: list[str]) -> dict[str, str | None]:
    """Parse the attribute part of a start tag into ``{name: value or None}``."""
    attrs: dict[str, str | None] = {}
    for match in _ATTR_RE.finditer(raw):
        name = match.group(1).lower()
        value = match.group(2)
        if value is not None and value[:1] in ("'", '"'):
            value = value[1:-1]
        attrs[name] = _unescape_attribute(value, problems) if value is not None else None
    return attrs


def _check_url(url: str) -> str | None:
    """Return a problem for an ``<a href>`` URL Telegram would not turn into a link."""
    if not url.strip():
        return "Empty URL in <a href>"
    if any(ch.isspace() for ch in url):
        return f"URL {url!r} in <a href> contains whitespace"
    scheme = _SCHEME_RE.match(url)
    if scheme is None:
        return None
    name = scheme.group(1).lower()
    has_authority = url[scheme.end() : scheme.end() + 2] == "//"
    if name in ("javascript", "data", "file") or (has_authority and name not in _URL_SCHEMES):
        return f"Unsupported URL scheme in <a href={url!r}>"
    return None


def _check_href(href: str | None) -> list[str]:
    if not href:
        return ['Tag "a" must have a non-empty "href" attribute']
    url_problem = _check_url(href)
    return [url_problem] if url_problem else []


def _check_tag_attributes(name: str, attrs: dict[str, str | None], stack: list[_OpenTag]) -> list[str]:
    """Validate the attributes of one start tag (``stack`` holds the enclosing tags)."""
    problems = [
        f'Unsupported attribute "{attr}" in tag "{name}"'
        for attr in attrs
        if attr not in ALLOWED_ATTRIBUTES.get(name, frozenset())
    ]
    if name == "span" and attrs.get("class") != "tg-spoiler":
        problems.append('Tag "span" must have class "tg-spoiler"')
    elif name == "a":
        problems.extend(_check_href(attrs.get("href")))
    elif name == "tg-emoji" and not (attrs.get("emoji-id") or "").isdigit():
        problems.append('Tag "tg-emoji" must have a numeric "emoji-id" attribute')
    elif name == "tg-time":
        problems.extend(_check_time_attributes(attrs))
    elif name == "code" and "class" in attrs:
        problems.extend(_check_code_class(attrs.get("class"), stack))
    return problems


def _check_time_attributes(attrs: dict[str, str | None]) -> list[str]:
    problems = []
    if not (attrs.get("unix") or "").isdigit():
        problems.append('Tag "tg-time" must have a numeric "unix" attribute')
    fmt = attrs.get("format")
    if fmt is not None and not _TIME_FORMAT_RE.fullmatch(fmt):
        problems.append(f'Invalid "format" {fmt!r} in tag "tg-time" (must match r|w?[dD]?[tT]?)')
    return problems


def _check_code_class(value: str | None, stack: list[_OpenTag]) -> list[str]:
    if not value or not _LANGUAGE_CLASS_RE.fullmatch(value):
        return [f'Invalid class {value!r} in tag "code" (expected "language-<name>")']
    if not stack or stack[-1].name != "pre":
        return ['Programming language can\'t be specified for standalone "code" tags']
    return []


def _check_nesting(name: str, attrs: dict[str, str | None], stack: list[_OpenTag], offset: int) -> list[str]:
    """Report entity nesting Telegram does not allow."""
    names = [tag.name for tag in stack]
    if name == "blockquote" and "blockquote" in names:
        return [f"Blockquotes can't be nested (at byte offset {offset})"]
    if name == "a" and "a" in names:
        return [f"Links can't be nested (at byte offset {offset})"]
    if stack and stack[-1].name == "pre" and name == "code" and "class" in attrs:
        return []
    if "code" in names or "pre" in names:
        inner = "code" if "code" in names else "pre"
        return [f'Tag "{name}" can\'t be used inside "{inner}" (at byte offset {offset})']
    outer = next((n for n in reversed(names) if n not in _BLOCK_CONTAINERS), None)
    if name in ("pre", "code", "blockquote") and outer is not None:
        return [f'Tag "{name}" can\'t be used inside "{outer}" (at byte offset {offset})']
    return []


def _entity_for(tag: _OpenTag, end_utf16: int) -> dict[str, Any] | None:
    """Build the MessageEntity dict Telegram would report for a closed tag (None if empty)."""
    length = end_utf16 - tag.start_utf16
    if length <= 0 or (tag.name == "code" and tag.language is not None):
        return None
    entity: dict[str, Any] = {"type": TAG_ENTITY_TYPES[tag.name], "offset": tag.start_utf16, "length": length}
    if tag.name == "a":
        entity["url"] = tag.attrs.get("href") or ""
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id") or ""
    elif tag.name == "tg-time":
        entity["unix_time"] = int(tag.attrs.get("unix") or 0)
        if tag.attrs.get("format"):
            entity["date_time_format"] = tag.attrs["format"]
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    return entity


class _HtmlParser:
    """A small hand-written tokenizer following tdlib's ``parse_html`` strictly."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.visible: list[str] = []
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.problems: list[str] = []
        self.entities: list[dict[str, Any]] = []

    def run(self) -> HtmlParseResult:
        """Parse the whole text."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "&":
                self._entity()
            elif char == "<":
                self._tag()
            else:
                self._emit(char)
                self.pos += 1
        for tag in reversed(self.stack):
            self.problems.append(f'Can\'t find end tag corresponding to start tag "{tag.name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return HtmlParseResult("".join(self.visible), self.problems, self.entities)

    def _emit(self, chars: str) -> None:
        self.visible.append(chars)
        self.utf16 += utf16_len(chars)

    def _offset(self) -> int:
        return _byte_offset(self.text, self.pos)

    def _entity(self) -> None:
        match = _ENTITY_RE.match(self.text, self.pos)
        if match is None:
            self.problems.append(
                f"Character '&' at byte offset {self._offset()} is not part of an HTML entity; use &amp;"
            )
            self._emit("&")
            self.pos += 1
            return
        char, problem = _decode_entity(match)
        if problem:
            self.problems.append(f"{problem} at byte offset {self._offset()}")
        self._emit(char if char is not None else match.group(0))
        self.pos = match.end()

    def _tag(self) -> None:
        if self.text.startswith("</", self.pos):
            match = _END_TAG_RE.match(self.text, self.pos)
            if match:
                self._end_tag(match.group(1).lower())
                self.pos = match.end()
                return
        else:
            match = _START_TAG_RE.match(self.text, self.pos)
            if match:
                self._start_tag(match)
                self.pos = match.end()
                return
        self.problems.append(f"Unexpected '<' at byte offset {self._offset()}: not a valid tag; escape it as &lt;")
        self._emit("<")
        self.pos += 1

    def _start_tag(self, match: re.Match[str]) -> None:
        name = match.group(1).lower()
        offset = self._offset()
        if name not in TAG_ENTITY_TYPES:
            self.problems.append(f'Unsupported start tag "{name}" at byte offset {offset}')
            return
        if match.group(3):
            self.problems.append(f'Self-closing tag "{name}" at byte offset {offset} is not supported')
            return
        attrs = _parse_attributes(match.group(2), self.problems)
        self.problems.extend(_check_tag_attributes(name, attrs, self.stack))
        self.problems.extend(_check_nesting(name, attrs, self.stack, offset))
        tag = _OpenTag(name, attrs, self.utf16, offset)
        if name == "code" and self.stack and self.stack[-1].name == "pre" and "class" in attrs:
            tag.language = (attrs.get("class") or "").removeprefix("language-")
            self.stack[-1].language = tag.language
        self.stack.append(tag)

    def _end_tag(self, name: str) -> None:
        offset = self._offset()
        if not self.stack:
            self.problems.append(f'Unexpected end tag "</{name}>" at byte offset {offset}')
            return
        if self.stack[-1].name != name:
            expected = self.stack[-1].name
            self.problems.append(
                f'Unmatched end tag at byte offset {offset}, expected "</{expected}>", found "</{name}>"'
            )
            return
        tag = self.stack.pop()
        entity = _entity_for(tag, self.utf16)
        if entity is not None:
            self.entities.append(entity)


def parse_html(text: str) -> HtmlParseResult:
    """Parse ``text`` with Telegram's HTML rules: visible text, problems and entities."""
    return _HtmlParser(text).run()


def check_html(text: str) -> list[str]:
    """Return the reasons Telegram would refuse ``text`` with ``parse_mode="HTML"`` (empty = fine)."""
    return parse_html(text).problems


def visible_text(text: str) -> str:
    """The text a user sees once tags are removed and entities decoded (lenient on bad markup)."""
    return parse_html(text).visible
