"""An in-process model of the Telegram Bot API for one bot.

:class:`FakeBotAPI` answers Bot API requests the way Telegram does (status codes, descriptions, result
objects), validates every request against the spec (:mod:`tests.botapi.spec`) and records it. Transports:
:class:`tests.botapi.memory.InMemoryRequest` (PTB ``BaseRequest``, no sockets) and
:class:`tests.botapi.http_server.FakeBotAPIServer` (real HTTP on 127.0.0.1).

Typical use::

    fake = FakeBotAPI()
    bot = Bot(fake.token, request=InMemoryRequest(fake))
    await bot.initialize()
    await bot.send_message(fake.default_user_id, "<b>مرحبا</b>", parse_mode="HTML")
    assert fake.last("sendMessage").params["text"] == "<b>مرحبا</b>"
    fake.assert_clean()
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.botapi.faults import (
    SEND_METHODS,
    FakeResponse,
    FaultInjector,
    RateLimiter,
    RateStats,
    error_response,
    ok_response,
)
from tests.botapi.html_rules import parse_html, utf16_len
from tests.botapi.spec import FileUpload, Problem, decode_params, find_problems, load_spec

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_0123456789ab"
DEFAULT_USERNAME = "arabic_news_test_bot"
DEFAULT_USER_ID = 1001
DEFAULT_GROUP_ID = -1001234567890
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CALLBACK_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
_DEFAULT_CHAT_IDS = {"group": -4001234567, "supergroup": DEFAULT_GROUP_ID, "channel": -1009876543210}
_DEFAULT_UPDATE_TYPES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "inline_query", "callback_query"}
)


@dataclass(frozen=True)
class Call:
    """One request the bot made: method name (spec spelling), decoded params and the answer."""

    method: str
    params: dict[str, Any]
    files: dict[str, FileUpload] = field(default_factory=dict)
    status: int | None = 200
    response: dict[str, Any] | None = None
    at: float = 0.0
    """When the fake answered it (its clock)."""

    @property
    def ok(self) -> bool:
        """True when the fake answered with ``ok: true``."""
        return self.status == 200 and bool(self.response and self.response.get("ok"))

    @property
    def result(self) -> Any:
        """The ``result`` of a successful answer (None otherwise)."""
        return self.response.get("result") if self.response else None

    @property
    def error(self) -> str | None:
        """The error description of a failed answer (``"timeout"`` for a timed-out request)."""
        if self.status is None:
            return "timeout"
        return None if self.ok else str((self.response or {}).get("description"))


@dataclass
class FakeChat:
    """A chat known to the fake."""

    id: int
    type: str = "private"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``Chat`` object Telegram sends."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    @property
    def is_group(self) -> bool:
        """Groups, supergroups and channels share the 20 messages/minute limit."""
        return self.type != "private"


@dataclass
class StoredMessage:
    """A message in the fake's chat history."""

    message: dict[str, Any]
    from_bot: bool
    content: tuple[Any, ...] = ()


class FakeBotAPI:
    """In-process Telegram for one bot: validates, records and answers Bot API requests.

    Thread-safe (one re-entrant lock guards all state), so the same instance can sit behind the in-memory
    transport and the HTTP server at once.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = DEFAULT_USERNAME,
        first_name: str = "Arabic News Test Bot",
        admin_chats: Iterable[int] = (),
        strict_chats: bool = False,
        long_poll_cap: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.strict_chats = strict_chats
        #: answer "message to be replied not found" for replies to messages the fake has never seen
        #: (build incoming updates with the helpers below so they are known); set False to relax.
        self.strict_replies = True
        self.long_poll_cap = long_poll_cap
        self.default_user_id = DEFAULT_USER_ID
        self.owner_user_id = DEFAULT_USER_ID
        self.clock = clock
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.admin_chats: set[int] = set(admin_chats)
        self.blocked_users: set[int] = set()
        self.gone_chats: set[int] = set()
        self.sends_after_refusal = 0
        """Sends to a chat after the fake answered it 403 or 400 chat not found (a client that ignores them)."""
        self._refused_chats: set[int] = set()
        self.lost_answers = 0
        """Sends carried out whose answer an injected ``lost_answer`` fault then dropped."""
        self.faults = FaultInjector()
        self.rate_limiter: RateLimiter | None = None
        self.webhook: dict[str, Any] = {"url": ""}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()
        self._updates_changed = threading.Condition(self._lock)
        self._updates: list[dict[str, Any]] = []
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._chats: dict[int, FakeChat] = {}
        self._messages: dict[tuple[int, int], StoredMessage] = {}
        self._next_message_id: dict[int, int] = {}
        self._open_queries: set[str] = set()
        self._closed_queries: set[str] = set()

    # ------------------------------------------------------------------ configuration

    @property
    def bot_user(self) -> dict[str, Any]:
        """The ``User`` object of the bot (as ``getMe`` returns it)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def add_chat(
        self,
        chat_id: int,
        chat_type: str = "private",
        *,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        admin: bool = False,
    ) -> FakeChat:
        """Register (or replace) a chat; ``admin=True`` makes the bot an administrator there."""
        if chat_type != "private" and title is None:
            title = f"Test {chat_type} {chat_id}"
        if chat_type == "private" and first_name is None:
            first_name = "مستخدم"
        chat = FakeChat(chat_id, chat_type, title, username, first_name)
        with self._lock:
            self._chats[chat_id] = chat
            if admin:
                self.admin_chats.add(chat_id)
        return chat

    def set_admin(self, chat_id: int, admin: bool = True) -> None:
        """Make the bot an administrator of ``chat_id`` (or not)."""
        with self._lock:
            (self.admin_chats.add if admin else self.admin_chats.discard)(chat_id)

    def forget_chat(self, chat_id: int) -> None:
        """The chat is gone (deleted account, deleted group): sending to it answers 400 chat not found."""
        with self._lock:
            self._chats.pop(chat_id, None)
            self.gone_chats.add(chat_id)

    def block_user(self, user_id: int, blocked: bool = True) -> None:
        """Sending to this private chat answers 403 "Forbidden: bot was blocked by the user"."""
        with self._lock:
            (self.blocked_users.add if blocked else self.blocked_users.discard)(user_id)

    def fail_next(self, method: str | None, kind: str, count: int = 1, retry_after: int = 5) -> None:
        """Fail the next ``count`` calls of ``method`` (None = any method) with fault ``kind``.

        Kinds: ``"429"``, ``"500"``, ``"502"``, ``"timeout"``, ``"403"``, ``"400_chat_not_found"``.
        """
        with self._lock:
            self.faults.fail_next(method, kind, count, retry_after)

    def set_random_faults(
        self,
        rate: float,
        kinds: Collection[str],
        seed: int = 0,
        *,
        methods: Collection[str] | None = None,
        retry_after: int = 1,
    ) -> None:
        """Fail each call (of ``methods``, default all) with probability ``rate``, reproducibly.

        A random ``403`` blocks that user and a random ``400_chat_not_found`` deletes that chat for
        good (as when a user blocks the bot mid-broadcast); ``429`` opens a flood window when rate
        limits are on; ``lost_answer`` sends the message, then drops the answer.
        """
        with self._lock:
            self.faults.set_random(rate, kinds, seed, methods, retry_after)

    def clear_faults(self) -> None:
        """Remove all queued and random faults."""
        with self._lock:
            self.faults.clear()

    def enable_rate_limits(
        self,
        per_chat_per_second: int = 1,
        global_per_second: int = 30,
        group_per_minute: int = 20,
        *,
        flood_window: bool = True,
    ) -> RateStats:
        """Enforce Telegram's flood limits on send methods (429 with ``retry_after`` when exceeded).

        With ``flood_window``, every 429 (a limit exceeded or an injected one) refuses all sends
        until its ``retry_after`` has passed; a send inside that window is a provoked 429 too.
        """
        with self._lock:
            self.rate_limiter = RateLimiter(
                self.clock, per_chat_per_second, global_per_second, group_per_minute, flood_window
            )
            return self.rate_limiter.stats

    def disable_rate_limits(self) -> None:
        """Stop enforcing flood limits."""
        with self._lock:
            self.rate_limiter = None

    @property
    def rate_stats(self) -> RateStats:
        """Counters of accepted sends and 429 answers (zeros when limits are off)."""
        return self.rate_limiter.stats if self.rate_limiter else RateStats()

    # ------------------------------------------------------------------ request entry points

    def token_ok(self, token: str) -> bool:
        """Whether ``token`` is this bot's token."""
        return token == self.token

    def request(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, FileUpload] | None = None
    ) -> FakeResponse:
        """Handle one Bot API request (wire or Python values) and return Telegram's answer."""
        with self._lock:
            return self._request_locked(method, params, dict(files or {}))

    async def request_async(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, FileUpload] | None = None
    ) -> FakeResponse:
        """Like :meth:`request`, but ``getUpdates`` long-polls asynchronously (up to ``long_poll_cap``)."""
        deadline = self._long_poll_deadline(method, params)
        while deadline is not None and not self._has_pending(params) and time.monotonic() < deadline:
            await asyncio.sleep(min(0.005, self.long_poll_cap))
        return self.request(method, params, files)

    def request_blocking(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, FileUpload] | None = None,
        stop: threading.Event | None = None,
    ) -> FakeResponse:
        """Like :meth:`request_async` for threads (the HTTP server): long polls block on a condition."""
        deadline = self._long_poll_deadline(method, params)
        with self._updates_changed:
            while deadline is not None and not self._has_pending(params) and not (stop and stop.is_set()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._updates_changed.wait(min(remaining, 0.01))
        return self.request(method, params, files)

    def wake_waiters(self) -> None:
        """Wake threads blocked in a long poll (used when the HTTP server stops)."""
        with self._updates_changed:
            self._updates_changed.notify_all()

    def _long_poll_deadline(self, method: str, params: Mapping[str, Any]) -> float | None:
        if load_spec().canonical_method(method) != "getUpdates":
            return None
        try:
            timeout = float(params.get("timeout") or 0)
        except (TypeError, ValueError):
            return None
        return time.monotonic() + min(timeout, self.long_poll_cap) if timeout > 0 else None

    def _has_pending(self, params: Mapping[str, Any]) -> bool:
        try:
            offset = int(params.get("offset") or 0)
        except (TypeError, ValueError):
            offset = 0
        with self._lock:
            return any(u["update_id"] >= offset for u in self._updates) if offset >= 0 else bool(self._updates)

    def _request_locked(self, method: str, raw: Mapping[str, Any], files: dict[str, FileUpload]) -> FakeResponse:
        canonical = load_spec().canonical_method(method) or method
        params = decode_params(canonical, raw)
        params, files = self._merge_files(canonical, params, files)
        problems = find_problems(canonical, params)
        self.violations.extend(f"{canonical}: {problem}" for problem in problems)
        response = self._answer(canonical, params, problems)
        self.calls.append(
            Call(
                canonical, params, files, None if response.timed_out else response.status, response.body, self.clock()
            )
        )
        return response

    @staticmethod
    def _merge_files(
        method: str, params: dict[str, Any], files: dict[str, FileUpload]
    ) -> tuple[dict[str, Any], dict[str, FileUpload]]:
        """Move uploaded parts named like a method field into ``params`` (``attach://`` parts stay apart)."""
        spec = load_spec().method(method)
        fields = spec.fields if spec else {}
        for name in [n for n in files if n in fields and n not in params]:
            params[name] = files.pop(name)
        return params, files

    def _answer(self, method: str, params: dict[str, Any], problems: list[Problem]) -> FakeResponse:
        if problems:
            return error_response(problems[0].status, problems[0].description)
        sending = method in SEND_METHODS
        chat = self._resolve_chat(params.get("chat_id")) if sending else None
        chat_id = chat.id if chat is not None else _int_or_none(params.get("chat_id"))
        if sending and chat_id in self._refused_chats:
            self.sends_after_refusal += 1
        if sending and self.rate_limiter is not None:
            flooded = self.rate_limiter.in_flood()
            if flooded is not None:
                return flooded
        fault = self.faults.next_fault(method)
        if fault is not None:
            return self._fault(fault, method, params, chat)
        response = self._handle(method, params)
        if sending and response.status in (400, 403) and chat_id is not None:
            description = str((response.body or {}).get("description", ""))
            if response.status == 403 or "chat not found" in description:
                self._refused_chats.add(chat_id)
        return response

    def _handle(self, method: str, params: dict[str, Any]) -> FakeResponse:
        handler = self._handlers().get(method)
        if handler is None:
            return self._generic(method, params)
        return handler(params)

    def _fault(self, fault: FakeResponse, method: str, params: dict[str, Any], chat: FakeChat | None) -> FakeResponse:
        """Apply an injected fault: a 429 opens a flood window, 403/400 last, a lost answer sends first."""
        if fault.accept_first:
            response = self._handle(method, params)
            if not response.ok:
                return response
            self.lost_answers += 1
            return fault
        if fault.status == 429 and self.rate_limiter is not None:
            self.rate_limiter.stats.injected_429 += 1
            self.rate_limiter.stats.injected_at.append(self.clock())
            self.rate_limiter.open_flood(float((fault.body or {})["parameters"]["retry_after"]))
        if method in SEND_METHODS and chat is not None and fault.status in (400, 403) and self.faults.last_was_random:
            # the user blocked the bot or deleted the chat just now: it stays so, as on Telegram
            if fault.status == 403 and chat.type == "private":
                self.blocked_users.add(chat.id)
            elif fault.status == 400:
                self.forget_chat(chat.id)
            self._refused_chats.add(chat.id)
        return fault

    # ------------------------------------------------------------------ handlers

    def _handlers(self) -> dict[str, Callable[[dict[str, Any]], FakeResponse]]:
        return {
            "getMe": lambda p: ok_response(self.bot_user),
            "logOut": lambda p: ok_response(True),
            "close": lambda p: ok_response(True),
            "sendChatAction": self._send_chat_action,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "editMessageCaption": self._edit_caption,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getUpdates": self._get_updates,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
        }

    def _generic(self, method: str, params: dict[str, Any]) -> FakeResponse:
        """Methods without a dedicated handler: Message-returning sends and True-returning calls."""
        spec = load_spec().method(method)
        returns = spec.returns if spec else ()
        if method in SEND_METHODS and "Message" in returns:
            return self._deliver(method, params, text_field="caption")
        if "Boolean" in returns:
            return ok_response(True)
        self.violations.append(f"{method}: FakeBotAPI does not implement this method (extend tests/botapi/fake.py)")
        return error_response(400, f"Bad Request: method {method} is not supported by FakeBotAPI")

    def _send_message(self, params: dict[str, Any]) -> FakeResponse:
        return self._deliver("sendMessage", params, text_field="text")

    def _deliver(self, method: str, params: dict[str, Any], text_field: str) -> FakeResponse:
        """Common path of every send: chat checks, flood limits, reply checks, store the message."""
        chat, error = self._writable_chat(params.get("chat_id"))
        if chat is None:
            return error or error_response(400, "Bad Request: chat not found")
        if self.rate_limiter is not None and method in SEND_METHODS:
            limited = self.rate_limiter.admit(chat.id, chat.is_group)
            if limited is not None:
                return limited
        reply_error = self._check_reply(chat, params.get("reply_parameters"))
        if reply_error is not None:
            return reply_error
        message = self._store_bot_message(chat, params, text_field)
        return ok_response(message)

    def _writable_chat(self, chat_id: Any) -> tuple[FakeChat | None, FakeResponse | None]:
        chat = self._resolve_chat(chat_id)
        if chat is None:
            return None, error_response(400, "Bad Request: chat not found")
        if chat.type == "private" and chat.id in self.blocked_users:
            return None, error_response(403, "Forbidden: bot was blocked by the user")
        if chat.type == "channel" and chat.id not in self.admin_chats:
            return None, error_response(400, "Bad Request: need administrator rights in the channel chat")
        return chat, None

    def _check_reply(self, chat: FakeChat, reply: Any) -> FakeResponse | None:
        if not isinstance(reply, dict) or reply.get("allow_sending_without_reply") or not self.strict_replies:
            return None
        target_chat = self._resolve_chat(reply.get("chat_id", chat.id)) or chat
        if (target_chat.id, reply.get("message_id")) not in self._messages:
            return error_response(400, "Bad Request: message to be replied not found")
        return None

    def _send_chat_action(self, params: dict[str, Any]) -> FakeResponse:
        chat, error = self._writable_chat(params.get("chat_id"))
        return ok_response(True) if chat else error or error_response(400, "Bad Request: chat not found")

    def _edit_target(self, params: dict[str, Any]) -> tuple[StoredMessage | None, FakeResponse | None]:
        """Find the bot message an edit refers to, or the error Telegram gives."""
        if params.get("inline_message_id"):
            return None, None
        chat = self._resolve_chat(params.get("chat_id"))
        if chat is None:
            return None, error_response(400, "Bad Request: chat not found")
        stored = self._messages.get((chat.id, params.get("message_id")))  # type: ignore[arg-type]
        if stored is None:
            return None, error_response(400, "Bad Request: message to edit not found")
        if not stored.from_bot:
            return None, error_response(400, "Bad Request: message can't be edited")
        return stored, None

    def _edit(self, params: dict[str, Any], text_field: str | None) -> FakeResponse:
        stored, error = self._edit_target(params)
        if error is not None:
            return error
        if stored is None:  # inline message: Telegram answers True
            return ok_response(True)
        missing = _edit_mismatch(stored.message, text_field)
        if missing is not None:
            return error_response(400, missing)
        updated = dict(stored.message)
        if text_field is not None:
            self._apply_text(updated, params, text_field)
        updated.pop("reply_markup", None)
        if params.get("reply_markup"):
            updated["reply_markup"] = params["reply_markup"]
        content = _content_key(updated)
        if content == stored.content:
            return error_response(400, NOT_MODIFIED)
        updated["edit_date"] = int(time.time())
        stored.message, stored.content = updated, content
        return ok_response(updated)

    def _edit_message_text(self, params: dict[str, Any]) -> FakeResponse:
        return self._edit(params, "text")

    def _edit_caption(self, params: dict[str, Any]) -> FakeResponse:
        return self._edit(params, "caption")

    def _edit_reply_markup(self, params: dict[str, Any]) -> FakeResponse:
        return self._edit(params, None)

    def _delete_message(self, params: dict[str, Any]) -> FakeResponse:
        chat = self._resolve_chat(params.get("chat_id"))
        key = (chat.id if chat else 0, params.get("message_id"))
        if self._messages.pop(key, None) is None:  # type: ignore[arg-type]
            return error_response(400, "Bad Request: message to delete not found")
        return ok_response(True)

    def _answer_query(self, query_id: str, store: dict[str, dict[str, Any]], params: dict[str, Any]) -> FakeResponse:
        if query_id in self._closed_queries:
            return error_response(400, CALLBACK_TOO_OLD)
        if query_id in self._open_queries:
            self._open_queries.discard(query_id)
            self._closed_queries.add(query_id)
        store[query_id] = params
        return ok_response(True)

    def _answer_callback_query(self, params: dict[str, Any]) -> FakeResponse:
        return self._answer_query(str(params["callback_query_id"]), self.callback_answers, params)

    def _answer_inline_query(self, params: dict[str, Any]) -> FakeResponse:
        return self._answer_query(str(params["inline_query_id"]), self.inline_answers, params)

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: dict[str, Any]) -> FakeResponse:
        self.commands[self._commands_key(params)] = list(params["commands"])
        return ok_response(True)

    def _get_my_commands(self, params: dict[str, Any]) -> FakeResponse:
        return ok_response(self.commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> FakeResponse:
        self.commands.pop(self._commands_key(params), None)
        return ok_response(True)

    def _set_webhook(self, params: dict[str, Any]) -> FakeResponse:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {k: v for k, v in params.items() if k != "certificate"}
        return ok_response(True)

    def _delete_webhook(self, params: dict[str, Any]) -> FakeResponse:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": ""}
        return ok_response(True)

    def _get_webhook_info(self, params: dict[str, Any]) -> FakeResponse:
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return ok_response(info)

    def _get_updates(self, params: dict[str, Any]) -> FakeResponse:
        """Confirm updates below ``offset``, then return up to ``limit`` pending ones."""
        if self.webhook.get("url"):
            return error_response(409, _WEBHOOK_CONFLICT)
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        if not 1 <= limit <= 100:
            limit = 100
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if "allowed_updates" in params:
            self._allowed_updates = frozenset(params["allowed_updates"] or _DEFAULT_UPDATE_TYPES)
        self._updates = [u for u in self._updates if _update_type(u) in self._allowed_updates]
        return ok_response(self._updates[:limit])

    def _get_chat(self, params: dict[str, Any]) -> FakeResponse:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat is None:
            return error_response(400, "Bad Request: chat not found")
        gift_types = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        info = chat.to_dict() | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gift_types,
        }
        return ok_response(info)

    def _get_chat_member(self, params: dict[str, Any]) -> FakeResponse:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat is None:
            return error_response(400, "Bad Request: chat not found")
        user_id = int(params["user_id"])
        if user_id == self.bot_id:
            if chat.id in self.admin_chats:
                return ok_response(self._administrator(chat))
            if chat.type == "channel":
                return error_response(403, "Forbidden: bot is not a member of the channel chat")
        if chat.type == "private" and user_id not in (chat.id, self.bot_id):
            return error_response(400, "Bad Request: user not found")
        if user_id == self.owner_user_id and chat.type != "private":
            return ok_response({"status": "creator", "user": _user(user_id), "is_anonymous": False})
        return ok_response({"status": "member", "user": self.bot_user if user_id == self.bot_id else _user(user_id)})

    def _administrator(self, chat: FakeChat) -> dict[str, Any]:
        """``ChatMemberAdministrator`` for the bot (channel admins can post and edit)."""
        rights = dict.fromkeys(
            (
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
            ),
            True,
        )
        member = {"status": "administrator", "user": self.bot_user, "can_be_edited": False}
        member |= {"is_anonymous": False, "can_promote_members": False} | rights
        if chat.type == "channel":
            member |= {"can_post_messages": True, "can_edit_messages": True}
        else:
            member |= {"can_pin_messages": True}
        return member

    def _get_chat_administrators(self, params: dict[str, Any]) -> FakeResponse:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat is None or chat.type == "private":
            return error_response(400, "Bad Request: chat not found")
        admins: list[dict[str, Any]] = [{"status": "creator", "user": _user(self.owner_user_id), "is_anonymous": False}]
        if chat.id in self.admin_chats:
            admins.append(self._administrator(chat))
        return ok_response(admins)

    # ------------------------------------------------------------------ chats and messages

    def _resolve_chat(self, chat_id: Any) -> FakeChat | None:
        """Find a chat by id or ``@username``; unknown ids are created unless ``strict_chats``."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            return next((c for c in self._chats.values() if (c.username or "").lower() == name), None)
        try:
            numeric = int(chat_id)
        except (TypeError, ValueError):
            return None
        if numeric in self._chats or self.strict_chats or numeric == 0 or numeric in self.gone_chats:
            return self._chats.get(numeric)
        chat_type = "private" if numeric > 0 else ("supergroup" if str(numeric).startswith("-100") else "group")
        return self.add_chat(numeric, chat_type)

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    @staticmethod
    def _apply_text(message: dict[str, Any], params: Mapping[str, Any], text_field: str) -> None:
        """Set ``text``/``caption`` and their entities on ``message`` as Telegram would parse them."""
        entities_key = "entities" if text_field == "text" else "caption_entities"
        message.pop(text_field, None)
        message.pop(entities_key, None)
        raw = params.get(text_field)
        if not isinstance(raw, str):
            return
        mode = params.get("parse_mode")
        if isinstance(mode, str) and mode.lower() == "html":
            parsed = parse_html(raw)
            message[text_field], entities = parsed.visible, parsed.entities
        else:
            message[text_field], entities = raw, params.get(entities_key) or []
        if entities:
            message[entities_key] = entities

    def _store_bot_message(self, chat: FakeChat, params: Mapping[str, Any], text_field: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat.id),
            "date": int(time.time()),
            "chat": chat.to_dict(),
        }
        if chat.type == "channel":
            message["sender_chat"] = chat.to_dict()
        else:
            message["from"] = self.bot_user
        self._apply_text(message, params, text_field)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target = self._messages.get((chat.id, reply.get("message_id")))  # type: ignore[arg-type]
            if target is not None:
                message["reply_to_message"] = target.message
        self._messages[(chat.id, message["message_id"])] = StoredMessage(message, True, _content_key(message))
        return message

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a stored message (after edits), or None if absent/deleted."""
        with self._lock:
            stored = self._messages.get((chat_id, message_id))
            return dict(stored.message) if stored else None

    def chat_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """All messages currently in a chat, in message_id order."""
        with self._lock:
            return [s.message for (cid, _), s in sorted(self._messages.items()) if cid == chat_id]

    # ------------------------------------------------------------------ incoming updates

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for ``getUpdates`` (assigns a fresh ``update_id`` if missing)."""
        with self._updates_changed:
            if "update_id" not in update:
                update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._updates_changed.notify_all()
        return update

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by an offset."""
        with self._lock:
            return list(self._updates)

    def _update(self, kind: str, payload: dict[str, Any], push: bool) -> dict[str, Any]:
        with self._lock:
            update = {"update_id": next(self._update_ids), kind: payload}
        return self.push_update(update) if push else update

    def _sender(self, user_id: int, language_code: str | None, first_name: str, username: str | None) -> dict[str, Any]:
        user = _user(user_id, first_name)
        if language_code:
            user["language_code"] = language_code
        if username:
            user["username"] = username
        return user

    def _incoming_chat(self, chat_id: int | None, chat_type: str, user: dict[str, Any]) -> FakeChat:
        if chat_id is None:
            chat_id = user["id"] if chat_type == "private" else _DEFAULT_CHAT_IDS.get(chat_type, DEFAULT_GROUP_ID)
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None or chat.type != chat_type:
                first_name = user["first_name"] if chat_type == "private" else None
                username = user.get("username") if chat_type == "private" else None
                chat = self.add_chat(chat_id, chat_type, first_name=first_name, username=username)
            return chat

    def _user_message(
        self,
        text: str,
        user: dict[str, Any],
        chat: FakeChat,
        message_id: int | None,
        reply_to_message_id: int | None,
    ) -> dict[str, Any]:
        """Build and store a message written by a user (or a channel post when ``chat`` is a channel)."""
        with self._lock:
            message: dict[str, Any] = {
                "message_id": message_id or self._new_message_id(chat.id),
                "date": int(time.time()),
                "chat": chat.to_dict(),
                "text": text,
            }
            if chat.type == "channel":
                message["sender_chat"] = chat.to_dict()
            else:
                message["from"] = user
            entities = _command_entities(text)
            if entities:
                message["entities"] = entities
            replied = self._messages.get((chat.id, reply_to_message_id or 0))
            if replied is not None:
                message["reply_to_message"] = replied.message
            self._messages[(chat.id, message["message_id"])] = StoredMessage(message, False, _content_key(message))
            return message

    def message_update(
        self,
        text: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "ar",
        first_name: str = "مستخدم",
        username: str | None = None,
        message_id: int | None = None,
        reply_to_message_id: int | None = None,
        push: bool = False,
    ) -> dict[str, Any]:
        """An incoming ``message`` update (``channel_post`` for channels); a leading /command gets an entity.

        ``chat_id`` defaults to the user's id for private chats, else a fixed id per chat type.
        The message is stored, so the bot can reply to it. ``push=True`` also queues it for getUpdates.
        """
        user = self._sender(user_id, language_code, first_name, username)
        chat = self._incoming_chat(chat_id, chat_type, user)
        message = self._user_message(text, user, chat, message_id, reply_to_message_id)
        return self._update("channel_post" if chat_type == "channel" else "message", message, push)

    def edited_message_update(
        self,
        text: str,
        message_id: int,
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "ar",
        first_name: str = "مستخدم",
        push: bool = False,
    ) -> dict[str, Any]:
        """An ``edited_message`` update for a message the user sent earlier (``message_id``)."""
        user = self._sender(user_id, language_code, first_name, None)
        chat = self._incoming_chat(chat_id, chat_type, user)
        message = self._user_message(text, user, chat, message_id, None)
        message["edit_date"] = message["date"]
        return self._update("edited_channel_post" if chat_type == "channel" else "edited_message", message, push)

    def callback_query_update(
        self,
        data: str,
        message_id: int,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        *,
        language_code: str | None = "ar",
        first_name: str = "مستخدم",
        push: bool = False,
    ) -> dict[str, Any]:
        """A ``callback_query`` update: the user pressed a button with ``data`` under ``message_id``.

        The message is the fake's current copy of it; an unknown message becomes an ``InaccessibleMessage``.
        """
        user = self._sender(user_id, language_code, first_name, None)
        chat_id = user_id if chat_id is None else chat_id
        with self._lock:
            stored = self._messages.get((chat_id, message_id))
            chat = self._resolve_chat(chat_id) or FakeChat(chat_id)
            message = dict(stored.message) if stored else {"chat": chat.to_dict(), "message_id": message_id, "date": 0}
            query_id = f"{self.bot_id}{next(self._query_ids):08d}"
            self._open_queries.add(query_id)
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": str(abs(chat_id)),
            "data": data,
        }
        return self._update("callback_query", query, push)

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        button_text: str,
        *,
        user_id: int | None = None,
        push: bool = False,
    ) -> dict[str, Any]:
        """The ``callback_query`` update for pressing the inline button labelled ``button_text``."""
        stored = self.message(chat_id, message_id)
        rows = ((stored or {}).get("reply_markup") or {}).get("inline_keyboard", [])
        for button in (b for row in rows for b in row):
            if button.get("text") == button_text and "callback_data" in button:
                user = user_id if user_id is not None else (chat_id if chat_id > 0 else DEFAULT_USER_ID)
                return self.callback_query_update(
                    button["callback_data"], message_id, user_id=user, chat_id=chat_id, push=push
                )
        labels = [b.get("text") for row in rows for b in row]
        raise LookupError(f"no callback button {button_text!r} on message {message_id} in {chat_id}: {labels}")

    def inline_query_update(
        self,
        query: str,
        user_id: int = DEFAULT_USER_ID,
        *,
        offset: str = "",
        chat_type: str | None = "sender",
        language_code: str | None = "ar",
        push: bool = False,
    ) -> dict[str, Any]:
        """An ``inline_query`` update (the user typed ``@bot query``)."""
        user = self._sender(user_id, language_code, "مستخدم", None)
        with self._lock:
            query_id = f"{self.bot_id}{next(self._query_ids):08d}"
            self._open_queries.add(query_id)
        payload: dict[str, Any] = {"id": query_id, "from": user, "query": query, "offset": offset}
        if chat_type:
            payload["chat_type"] = chat_type
        return self._update("inline_query", payload, push)

    # ------------------------------------------------------------------ inspection

    def requests(self, method: str | None = None) -> list[Call]:
        """Every recorded request (optionally of one method), including failed ones."""
        with self._lock:
            return [c for c in self.calls if method is None or c.method == method]

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """Successful calls of ``method`` (what Telegram actually accepted)."""
        return [c for c in self.requests(method) if c.ok]

    def last(self, method: str = "sendMessage") -> Call:
        """The last successful call of ``method``; AssertionError if there is none."""
        sent = self.sent(method)
        if not sent:
            seen = [(c.method, c.error) for c in self.requests()]
            raise AssertionError(f"no successful {method} call; requests so far: {seen}")
        return sent[-1]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Visible texts of successfully sent messages (optionally to one chat)."""
        return [
            str(c.result.get("text", c.result.get("caption", "")))
            for c in self.sent("sendMessage")
            if chat_id is None or c.result["chat"]["id"] == chat_id
        ]

    def take_violations(self) -> list[str]:
        """Return and clear recorded violations (for tests that provoke them on purpose)."""
        with self._lock:
            taken, self.violations = self.violations, []
            return taken

    def assert_clean(self) -> None:
        """Fail with every recorded violation if the bot made any request Telegram would refuse."""
        if self.violations:
            listing = "\n  ".join(self.violations)
            raise AssertionError(f"{len(self.violations)} invalid Bot API request(s):\n  {listing}")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _user(user_id: int, first_name: str = "مستخدم") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name}


def _update_type(update: Mapping[str, Any]) -> str:
    return next((k for k in update if k != "update_id"), "")


def _edit_mismatch(message: Mapping[str, Any], text_field: str | None) -> str | None:
    """Telegram refuses text edits of media messages and caption edits of text messages."""
    if text_field == "text" and "text" not in message:
        return "Bad Request: there is no text in the message to edit"
    if text_field == "caption" and "text" in message:
        return "Bad Request: there is no caption in the message to edit"
    return None


def _content_key(message: Mapping[str, Any]) -> tuple[Any, ...]:
    """What Telegram compares to decide "message is not modified"."""
    return (
        message.get("text"),
        json.dumps(message.get("entities"), sort_keys=True),
        message.get("caption"),
        json.dumps(message.get("caption_entities"), sort_keys=True),
        json.dumps(message.get("reply_markup"), sort_keys=True),
    )


def _command_entities(text: str) -> list[dict[str, Any]]:
    """A ``bot_command`` entity for a leading ``/command`` (with optional ``@botname``)."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0] if text.strip() else text
    if len(command) < 2:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
