"""Check Bot API requests against the machine-readable Bot API spec and Telegram's documented limits.

The spec (``api.json``, Bot API 10.0) and formatting rules are read at test time from the ``shared/botapi``
directory next to the repository (override with the ``BOTAPI_SPEC_DIR`` environment variable).

Entry points:

* :func:`check_request` -- list of human-readable problems for one request (empty = Telegram accepts it);
* :func:`find_problems` -- the same as :class:`Problem` objects that also carry the error description
  Telegram would answer with (used by the fake server);
* :func:`decode_params` -- turn wire values (everything is a string on the wire; PTB JSON-encodes
  non-string values) back into Python objects, guided by the field types in the spec.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.botapi.html_rules import parse_html, utf16_len

SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "botapi"

MESSAGE_TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_ANSWER_MAX = 200
CALLBACK_DATA_MAX_BYTES = 64
INLINE_RESULTS_MAX = 50
INLINE_RESULT_ID_MAX_BYTES = 64
COMMANDS_MAX = 100
COMMAND_MAX = 32
COMMAND_DESCRIPTION_MAX = 256
DEEP_LINK_PAYLOAD_MAX = 64

PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
_PRIMITIVES = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})
_DISCRIMINATORS = ("type", "source", "status")
_DISCRIMINATOR_RE = re.compile(r'(?:must be|always) "?([a-z0-9_]+)"?')
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_PAYLOAD_RE = re.compile(r"[A-Za-z0-9_-]{0,64}")
_DEEP_LINK_RE = re.compile(
    r"(?:https?://)?(?:t\.me|telegram\.me|telegram\.dog)/([A-Za-z0-9_]+)\?(start|startgroup|startapp)="
    r"([^&#\s\"'<>]*)"
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_BUTTON_URL_SCHEMES = ("http://", "https://", "tg://")


@dataclass(frozen=True)
class FileUpload:
    """A file part of a multipart request (``InputFile`` in the spec)."""

    filename: str
    content: bytes
    mimetype: str | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One field of a method or type in ``api.json``."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str = ""


@dataclass(frozen=True)
class ObjectSpec:
    """A method or a type of ``api.json`` (types may be unions with ``subtypes``)."""

    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...] = ()
    returns: tuple[str, ...] = ()

    def discriminator(self) -> tuple[str, str] | None:
        """``(field, value)`` identifying this subtype of a union, e.g. ``("type", "article")``."""
        for name in _DISCRIMINATORS:
            spec = self.fields.get(name)
            match = _DISCRIMINATOR_RE.search(spec.description) if spec else None
            if match:
                return name, match.group(1)
        return None


@dataclass(frozen=True)
class ApiSpec:
    """The parsed Bot API spec."""

    version: str
    methods: dict[str, ObjectSpec]
    types: dict[str, ObjectSpec]
    _lower_methods: dict[str, str] = field(default_factory=dict, repr=False)

    def method(self, name: str) -> ObjectSpec | None:
        """Look a method up case-insensitively, like Telegram does."""
        canonical = self._lower_methods.get(name.lower())
        return self.methods[canonical] if canonical else None

    def canonical_method(self, name: str) -> str | None:
        """The spec's spelling of ``name`` (e.g. ``sendmessage`` -> ``sendMessage``)."""
        return self._lower_methods.get(name.lower())


@dataclass(frozen=True)
class Problem:
    """One reason Telegram would refuse a request.

    ``message`` is for humans (test failures); ``description`` is what the fake server answers with.
    """

    path: str
    message: str
    description: str = "Bad Request: invalid request"
    status: int = 400

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def _object_spec(raw: Mapping[str, Any]) -> ObjectSpec:
    fields = {
        f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]), f.get("description", ""))
        for f in raw.get("fields", [])
    }
    return ObjectSpec(raw["name"], fields, tuple(raw.get("subtypes", ())), tuple(raw.get("returns", ())))


def spec_dir() -> Path:
    """Directory holding ``api.json`` (``BOTAPI_SPEC_DIR`` overrides the sibling ``shared/botapi``)."""
    return Path(os.environ.get("BOTAPI_SPEC_DIR") or SHARED_DIR)


@functools.cache
def load_spec() -> ApiSpec:
    """Load and index ``api.json`` once per process."""
    raw = json.loads((spec_dir() / "api.json").read_text(encoding="utf-8"))
    methods = {name: _object_spec(m) for name, m in raw["methods"].items()}
    types = {name: _object_spec(t) for name, t in raw["types"].items()}
    lower = {name.lower(): name for name in methods}
    return ApiSpec(raw.get("version", ""), methods, types, lower)


# --------------------------------------------------------------------------- decoding


def _shallow_match(value: Any, type_name: str) -> bool:
    """Whether ``value`` has the JSON shape of ``type_name`` (no recursion)."""
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "String":
        return isinstance(value, str)
    if type_name == "InputFile":
        return isinstance(value, FileUpload | str | bytes)
    if type_name.startswith("Array of "):
        return isinstance(value, list)
    return isinstance(value, dict)


def decode_value(value: Any, types: tuple[str, ...] | None) -> Any:
    """Decode one wire value: JSON-decode strings unless the field is a plain String.

    ``types`` is ``None`` for fields the spec does not know; those are decoded when they parse as JSON.
    """
    if not isinstance(value, str) or (types is not None and set(types) <= {"String", "InputFile"}):
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    if types is None or any(_shallow_match(decoded, t) for t in types if t != "String"):
        return decoded
    return value


def decode_params(method: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Decode a request's wire parameters into Python values using the method's field types."""
    spec = load_spec().method(method)
    fields = spec.fields if spec else {}
    return {name: decode_value(value, fields[name].types if name in fields else None) for name, value in params.items()}


# --------------------------------------------------------------------------- structural checks


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    return {int: "Integer", float: "Float", str: "String", list: "Array", dict: "Object"}.get(
        type(value), type(value).__name__
    )


def _type_error(path: str, value: Any, types: tuple[str, ...]) -> Problem:
    expected = " or ".join(types)
    return Problem(
        path,
        f"expected {expected}, got {_describe(value)} {value!r:.60}",
        f"Bad Request: can't parse {path.split('.')[0] or 'parameter'}: expected {expected}",
    )


def _key_overlap(value: Any, type_name: str) -> int:
    """How many keys of an object value are fields of ``type_name`` (to pick a union member)."""
    spec = load_spec().types.get(type_name)
    if not isinstance(value, dict) or spec is None:
        return 0
    return len(set(value) & set(spec.fields))


def _check_value(value: Any, types: tuple[str, ...], path: str) -> list[Problem]:
    """Check ``value`` against a union of spec types, returning the problems of the best match.

    The best match is the type sharing the most keys with an object value, then the one with fewest problems.
    """
    ranked: list[tuple[int, int, list[Problem]]] = []
    for type_name in types:
        if not _shallow_match(value, type_name):
            continue
        problems = _check_typed(value, type_name, path)
        if not problems:
            return []
        ranked.append((-_key_overlap(value, type_name), len(problems), problems))
    if not ranked:
        return [_type_error(path, value, types)]
    return min(ranked, key=lambda item: item[:2])[2]


def _check_typed(value: Any, type_name: str, path: str) -> list[Problem]:
    """Deep check of a value already known to have the shape of ``type_name``."""
    if type_name in _PRIMITIVES:
        return []
    if type_name.startswith("Array of "):
        inner = type_name.removeprefix("Array of ")
        return [p for i, item in enumerate(value) for p in _check_value(item, (inner,), f"{path}[{i}]")]
    return check_object(type_name, value, path)


def _resolve_union(spec: ObjectSpec, value: Mapping[str, Any], path: str) -> list[Problem]:
    """Check ``value`` against the subtype of union ``spec`` it claims to be (or fits best)."""
    types = load_spec().types
    candidates = [types[name] for name in spec.subtypes if name in types]
    for sub in candidates:
        disc = sub.discriminator()
        if disc and value.get(disc[0]) == disc[1]:
            return check_object(sub.name, value, path)
    if any(sub.discriminator() for sub in candidates):
        field_name = next(d[0] for sub in candidates if (d := sub.discriminator()))
        return [
            Problem(
                f"{path}.{field_name}",
                f"unknown {spec.name} {field_name} {value.get(field_name)!r}",
                f"Bad Request: unsupported {spec.name} {field_name}",
            )
        ]
    results = [check_object(sub.name, value, path) for sub in candidates]
    return min(results, key=len) if results else []


def check_object(type_name: str, value: Mapping[str, Any], path: str) -> list[Problem]:
    """Check a JSON object against the spec type ``type_name`` (fields, types, semantic rules)."""
    spec = load_spec().types.get(type_name)
    if spec is None:
        return []
    if spec.subtypes:
        return _resolve_union(spec, value, path)
    problems = _check_fields(spec, value, path)
    rule = _TYPE_RULES.get(type_name)
    if rule is not None:
        problems.extend(rule(value, path))
    return problems


def _check_fields(spec: ObjectSpec, value: Mapping[str, Any], path: str) -> list[Problem]:
    """Unknown fields, missing required fields and per-field type checks."""
    prefix = f"{path}." if path else ""
    problems = [
        Problem(
            f"{prefix}{name}",
            f"unknown field for {spec.name}",
            f'Bad Request: unknown parameter "{name}" (the fake is stricter than Telegram, which ignores it)',
        )
        for name in value
        if name not in spec.fields
    ]
    for name, fspec in spec.fields.items():
        if name not in value:
            if fspec.required:
                problems.append(_missing(f"{prefix}{name}", spec.name))
            continue
        problems.extend(_check_value(value[name], fspec.types, f"{prefix}{name}"))
    return problems


def _missing(path: str, owner: str) -> Problem:
    name = path.rsplit(".", 1)[-1]
    description = "Bad Request: message text is empty" if name in ("text", "message_text") else None
    return Problem(path, f"missing required field of {owner}", description or f"Bad Request: {name} is empty")


# --------------------------------------------------------------------------- semantic rules


def _text_length(text: str, parse_mode: Any) -> tuple[int | None, str]:
    """UTF-16 length of the visible text (``None`` when it can't be known, e.g. Markdown)."""
    mode = parse_mode.lower() if isinstance(parse_mode, str) else None
    if mode == "html":
        visible = parse_html(text).visible
        return utf16_len(visible), visible
    if mode is None:
        return utf16_len(text), text
    return None, text


def check_formatted(obj: Mapping[str, Any], text_field: str, mode_field: str, path: str) -> list[Problem]:
    """Parse-mode value and HTML validity for one ``(text, parse_mode)`` pair of an object."""
    text, mode = obj.get(text_field), obj.get(mode_field)
    if mode is None or not isinstance(text, str):
        return []
    prefix = f"{path}." if path else ""
    if not isinstance(mode, str) or mode.lower() not in PARSE_MODES:
        return [
            Problem(
                f"{prefix}{mode_field}",
                f"unsupported parse mode {mode!r}",
                "Bad Request: unsupported parse_mode",
            )
        ]
    if mode.lower() != "html":
        return []
    return [
        Problem(f"{prefix}{text_field}", f"bad HTML: {msg}", f"Bad Request: can't parse entities: {msg}")
        for msg in parse_html(text).problems
    ]


def _length_rule(
    text_field: str, low: int, high: int, too_long: str, empty: str = "Bad Request: message text is empty"
) -> Callable[[Mapping[str, Any], str], list[Problem]]:
    """Rule: visible length of ``text_field`` (after entity parsing) must be within ``low..high``."""

    def rule(obj: Mapping[str, Any], path: str) -> list[Problem]:
        text = obj.get(text_field)
        if not isinstance(text, str):
            return []
        where = f"{path}.{text_field}" if path else text_field
        length, visible = _text_length(text, obj.get("parse_mode"))
        if low > 0 and not visible.strip():
            return [Problem(where, "text is empty after entity parsing", empty)]
        if length is not None and length > high:
            return [Problem(where, f"{length} characters after entity parsing, limit is {high}", too_long)]
        return []

    return rule


_message_text_rule = _length_rule("text", 1, MESSAGE_TEXT_MAX, "Bad Request: message is too long")
_caption_rule = _length_rule("caption", 0, CAPTION_MAX, "Bad Request: message caption is too long")
_input_text_rule = _length_rule("message_text", 1, MESSAGE_TEXT_MAX, "Bad Request: MESSAGE_TOO_LONG")


def _callback_answer_rule(obj: Mapping[str, Any], path: str) -> list[Problem]:
    text = obj.get("text")
    if isinstance(text, str) and utf16_len(text) > CALLBACK_ANSWER_MAX:
        return [
            Problem(
                "text",
                f"{utf16_len(text)} characters, limit is {CALLBACK_ANSWER_MAX}",
                "Bad Request: MESSAGE_TOO_LONG",
            )
        ]
    return []


def _button_rule(button: Mapping[str, Any], path: str) -> list[Problem]:
    """InlineKeyboardButton: non-empty text, exactly one action, callback_data bytes, url scheme."""
    problems: list[Problem] = []
    if not str(button.get("text", "")).strip():
        problems.append(Problem(f"{path}.text", "button text is empty", "Bad Request: BUTTON_TEXT_INVALID"))
    actions = sorted(_BUTTON_ACTIONS & set(button))
    if len(actions) != 1:
        problems.append(
            Problem(
                path,
                f"exactly one action field required, got {actions or 'none'}",
                "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            )
        )
    data = button.get("callback_data")
    if isinstance(data, str) and not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES:
        problems.append(
            Problem(
                f"{path}.callback_data",
                f"callback_data is {len(data.encode('utf-8'))} bytes, must be 1-{CALLBACK_DATA_MAX_BYTES}",
                "Bad Request: BUTTON_DATA_INVALID",
            )
        )
    url = button.get("url")
    if isinstance(url, str) and (not url.startswith(_BUTTON_URL_SCHEMES) or any(c.isspace() for c in url)):
        problems.append(
            Problem(
                f"{path}.url",
                f"button URL {url!r} must be http(s):// or tg://",
                "Bad Request: BUTTON_URL_INVALID",
            )
        )
    return problems


def _bot_command_rule(command: Mapping[str, Any], path: str) -> list[Problem]:
    """BotCommand: command 1-32 of [a-z0-9_], description 1-256 characters."""
    problems = []
    name, description = command.get("command"), command.get("description")
    if isinstance(name, str) and not _COMMAND_RE.fullmatch(name):
        problems.append(
            Problem(
                f"{path}.command",
                f"command {name!r} must be 1-{COMMAND_MAX} of [a-z0-9_]",
                "Bad Request: BOT_COMMAND_INVALID",
            )
        )
    if isinstance(description, str) and not 1 <= len(description.strip()) <= COMMAND_DESCRIPTION_MAX:
        problems.append(
            Problem(
                f"{path}.description",
                f"description must be 1-{COMMAND_DESCRIPTION_MAX} characters, got {len(description)}",
                "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
            )
        )
    return problems


def _results_button_rule(button: Mapping[str, Any], path: str) -> list[Problem]:
    """InlineQueryResultsButton.start_parameter: 1-64 of A-Za-z0-9_-."""
    param = button.get("start_parameter")
    if isinstance(param, str) and not (param and _PAYLOAD_RE.fullmatch(param)):
        return [
            Problem(
                f"{path}.start_parameter",
                f"bad start_parameter {param!r}",
                "Bad Request: START_PARAM_INVALID",
            )
        ]
    return []


_TYPE_RULES: dict[str, Callable[[Mapping[str, Any], str], list[Problem]]] = {
    "InlineKeyboardButton": _button_rule,
    "BotCommand": _bot_command_rule,
    "InputTextMessageContent": _input_text_rule,
    "InlineQueryResultsButton": _results_button_rule,
}


def _inline_results_rule(params: Mapping[str, Any], path: str) -> list[Problem]:
    """answerInlineQuery: at most 50 results, ids 1-64 bytes and unique."""
    results = params.get("results")
    if not isinstance(results, list):
        return []
    problems = []
    if len(results) > INLINE_RESULTS_MAX:
        problems.append(
            Problem(
                "results",
                f"{len(results)} results, at most {INLINE_RESULTS_MAX} allowed",
                "Bad Request: RESULTS_TOO_MUCH",
            )
        )
    ids = [r.get("id") for r in results if isinstance(r, dict)]
    for i, result_id in enumerate(ids):
        if isinstance(result_id, str) and not 1 <= len(result_id.encode("utf-8")) <= INLINE_RESULT_ID_MAX_BYTES:
            problems.append(Problem(f"results[{i}].id", "id must be 1-64 bytes", "Bad Request: RESULT_ID_INVALID"))
    if len(set(map(str, ids))) != len(ids):
        problems.append(Problem("results", "duplicate result ids", "Bad Request: RESULT_ID_DUPLICATE"))
    return problems


def _commands_rule(params: Mapping[str, Any], path: str) -> list[Problem]:
    """setMyCommands: 1-100 commands."""
    commands = params.get("commands")
    if isinstance(commands, list) and not 1 <= len(commands) <= COMMANDS_MAX:
        return [
            Problem(
                "commands",
                f"{len(commands)} commands, must be 1-{COMMANDS_MAX}",
                "Bad Request: BOT_COMMANDS_TOO_MUCH",
            )
        ]
    return []


def _message_identifier_rule(params: Mapping[str, Any], path: str) -> list[Problem]:
    """Edit-style methods need ``inline_message_id`` or both ``chat_id`` and ``message_id``."""
    if params.get("inline_message_id") or ("chat_id" in params and "message_id" in params):
        return []
    return [
        Problem(
            "message_id",
            "either inline_message_id or chat_id + message_id is required",
            "Bad Request: message identifier is not specified",
        )
    ]


_WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _webhook_rule(params: Mapping[str, Any], path: str) -> list[Problem]:
    """setWebhook: an HTTPS URL (or "" to remove the webhook); secret_token 1-256 of A-Za-z0-9_-."""
    problems = []
    url = params.get("url")
    if isinstance(url, str) and url and not url.lower().startswith("https://"):
        problems.append(Problem("url", "must be an HTTPS URL", "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"))
    secret = params.get("secret_token")
    if isinstance(secret, str) and not _WEBHOOK_SECRET_RE.fullmatch(secret):
        problems.append(
            Problem(
                "secret_token",
                f"{len(secret)} characters; must be 1-256 of A-Za-z0-9_- (value not shown)",
                "Bad Request: secret token contains unallowed characters",
            )
        )
    return problems


_METHOD_RULES: dict[str, list[Callable[[Mapping[str, Any], str], list[Problem]]]] = {
    "setWebhook": [_webhook_rule],
    "sendMessage": [_message_text_rule],
    "editMessageText": [_message_text_rule],
    "answerCallbackQuery": [_callback_answer_rule],
    "answerInlineQuery": [_inline_results_rule],
    "setMyCommands": [_commands_rule],
}


def _walk_objects(value: Any, path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield every JSON object (with its path) inside ``value``, including ``value`` itself."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _walk_objects(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk_objects(item, f"{path}[{i}]")


def _walk_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    for obj_path, obj in _walk_objects(value, path):
        for key, item in obj.items():
            item_path = f"{obj_path}.{key}" if obj_path else key
            if isinstance(item, str):
                yield item_path, item
            elif isinstance(item, list):
                yield from ((f"{item_path}[{i}]", s) for i, s in enumerate(item) if isinstance(s, str))


def _formatting_problems(params: Mapping[str, Any]) -> list[Problem]:
    """HTML/parse-mode checks for every ``(text, *parse_mode)`` pair anywhere in the request."""
    problems = []
    for path, obj in _walk_objects(dict(params)):
        for mode_field in [k for k in obj if k.endswith("parse_mode")]:
            if mode_field == "parse_mode":
                text_fields = [f for f in ("text", "caption", "message_text") if f in obj]
            else:
                text_fields = [mode_field.removesuffix("_parse_mode")]
            for text_field in text_fields:
                problems.extend(check_formatted(obj, text_field, mode_field, path))
    return problems


def _deep_link_problems(params: Mapping[str, Any]) -> list[Problem]:
    """``t.me/<bot>?start=<payload>`` links: payload up to 64 of A-Za-z0-9_- (checked in every string)."""
    problems = []
    for path, text in _walk_strings(dict(params)):
        for match in _DEEP_LINK_RE.finditer(text):
            payload = match.group(3)
            if not _PAYLOAD_RE.fullmatch(payload):
                problems.append(
                    Problem(
                        path,
                        f"deep-link payload {payload!r} must be at most "
                        f"{DEEP_LINK_PAYLOAD_MAX} characters of A-Za-z0-9_-",
                        "Bad Request: invalid deep-link payload (Telegram clients would drop it)",
                    )
                )
    return problems


def find_problems(method: str, params: Mapping[str, Any]) -> list[Problem]:
    """All reasons Telegram would refuse ``method(params)``; ``params`` may hold wire (string) values."""
    api = load_spec()
    spec = api.method(method)
    if spec is None:
        return [Problem("", f"unknown Bot API method {method!r}", "Not Found", status=404)]
    decoded = decode_params(spec.name, params)
    problems = _check_fields(spec, decoded, "")
    for rule in _METHOD_RULES.get(spec.name, []):
        problems.extend(rule(decoded, ""))
    if "caption" in spec.fields:
        problems.extend(_caption_rule(decoded, ""))
    if {"inline_message_id", "message_id"} <= set(spec.fields):
        problems.extend(_message_identifier_rule(decoded, ""))
    problems.extend(_formatting_problems(decoded))
    problems.extend(_deep_link_problems(decoded))
    return problems


def check_request(method: str, params: Mapping[str, Any]) -> list[str]:
    """Problems with one Bot API request as readable strings (empty list = Telegram would accept it).

    Covers: unknown method, unknown/missing fields, value types (recursively through nested objects
    such as ``reply_markup``, ``results``, ``commands``, ``link_preview_options``, ``reply_parameters``,
    ``scope``), HTML validity for every ``parse_mode="HTML"`` text, text/caption/answer length limits after
    entity parsing, callback_data and inline-result limits, bot command rules and deep-link payloads.
    JSON-encoded string values (as PTB sends nested objects) are decoded first.
    """
    return [f"{method}: {problem}" for problem in find_problems(method, params)]
