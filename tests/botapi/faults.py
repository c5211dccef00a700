"""Fault injection and Telegram-like flood limits for :class:`tests.botapi.fake.FakeBotAPI`."""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

FaultKind = Literal["429", "500", "502", "timeout", "lost_answer", "403", "400_chat_not_found"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

#: Methods that count as "sending a message" for flood limits.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendAudio",
        "sendVoice",
        "sendVideoNote",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)


@dataclass(frozen=True)
class FakeResponse:
    """What the fake answers: an HTTP status and Bot API JSON body, or a request that times out."""

    status: int
    body: dict[str, Any] | None
    timed_out: bool = False
    accept_first: bool = False
    """``lost_answer``: the request is carried out (the message is sent), then its answer is lost."""

    @property
    def ok(self) -> bool:
        """True for a successful Bot API answer."""
        return self.status == 200 and bool(self.body and self.body.get("ok"))


def ok_response(result: Any) -> FakeResponse:
    """A successful Bot API answer."""
    return FakeResponse(200, {"ok": True, "result": result})


def error_response(status: int, description: str, parameters: dict[str, Any] | None = None) -> FakeResponse:
    """A failed Bot API answer (``{"ok": false, "error_code": ..., "description": ...}``)."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return FakeResponse(status, body)


def too_many_requests(retry_after: int) -> FakeResponse:
    """Telegram's flood-control answer."""
    return error_response(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def fault_response(kind: str, retry_after: int = 5) -> FakeResponse:
    """The answer for one injected fault of ``kind``."""
    if kind == "429":
        return too_many_requests(retry_after)
    if kind == "500":
        return error_response(500, "Internal Server Error")
    if kind == "502":
        return error_response(502, "Bad Gateway")
    if kind == "timeout":
        return FakeResponse(0, None, timed_out=True)
    if kind == "lost_answer":
        return FakeResponse(0, None, timed_out=True, accept_first=True)
    if kind == "403":
        return error_response(403, "Forbidden: bot was blocked by the user")
    if kind == "400_chat_not_found":
        return error_response(400, "Bad Request: chat not found")
    raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")


@dataclass
class _FaultRule:
    method: str | None
    kind: str
    remaining: int
    retry_after: int


@dataclass
class FaultInjector:
    """Queued one-shot faults plus optional seeded random faults."""

    rules: list[_FaultRule] = field(default_factory=list)
    rate: float = 0.0
    kinds: tuple[str, ...] = ()
    methods: frozenset[str] | None = None
    retry_after: int = 1
    rng: random.Random = field(default_factory=random.Random)
    injected: int = 0
    last_was_random: bool = False
    """Whether the last fault came from the random rate (those model users: a 403 or 400 lasts)."""

    def fail_next(self, method: str | None, kind: str, count: int = 1, retry_after: int = 5) -> None:
        """Make the next ``count`` calls of ``method`` (any method if None) fail with ``kind``."""
        fault_response(kind)  # validates kind
        self.rules.append(_FaultRule(method, kind, count, retry_after))

    def set_random(
        self,
        rate: float,
        kinds: Collection[str],
        seed: int,
        methods: Collection[str] | None,
        retry_after: int,
    ) -> None:
        """Fail each matching call with probability ``rate`` using a seeded generator."""
        for kind in kinds:
            fault_response(kind)
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within 0..1")
        self.rate, self.kinds, self.retry_after = rate, tuple(kinds), retry_after
        self.methods = frozenset(methods) if methods is not None else None
        self.rng = random.Random(seed)

    def clear(self) -> None:
        """Remove queued and random faults."""
        self.rules.clear()
        self.rate, self.kinds = 0.0, ()

    def next_fault(self, method: str) -> FakeResponse | None:
        """The fault for this call, if any (consumes one queued fault)."""
        for rule in self.rules:
            if rule.method is None or rule.method == method:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self.rules.remove(rule)
                self.injected += 1
                self.last_was_random = False
                return fault_response(rule.kind, rule.retry_after)
        if self.rate and self.kinds and (self.methods is None or method in self.methods):
            if self.rng.random() < self.rate:
                self.injected += 1
                self.last_was_random = True
                return fault_response(self.rng.choice(self.kinds), self.retry_after)
        return None


@dataclass
class RateStats:
    """Counters kept while flood limits are enforced."""

    accepted_sends: int = 0
    rejected_429: int = 0
    """429s the client provoked: over a limit, or sending inside a flood window."""
    injected_429: int = 0
    """429s injected as faults (each opens a flood window like a real one)."""
    flood_seconds: float = 0.0
    """Total time during which a flood window forbade every send."""
    injected_at: list[float] = field(default_factory=list)
    provoked_at: list[float] = field(default_factory=list)

    def provoked_after(self, grace: float) -> int:
        """Provoked 429s that came more than ``grace`` seconds after every injected 429 (not sends
        already on their way when one was answered, which no concurrent client can recall)."""
        return sum(1 for p in self.provoked_at if not any(0 <= p - i <= grace for i in self.injected_at))
    accepted_per_chat: dict[int | str, int] = field(default_factory=dict)


class _Window:
    """Sliding window of event times."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.events: deque[float] = deque()

    def retry_after(self, now: float) -> int:
        """0 if one more event fits now, else whole seconds until it would."""
        while self.events and self.events[0] <= now - self.seconds:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0
        return max(1, math.ceil(self.events[0] + self.seconds - now))


class RateLimiter:
    """Telegram's documented flood limits: per chat, per group/channel per minute, and global."""

    def __init__(
        self,
        clock: Callable[[], float],
        per_chat_per_second: int = 1,
        global_per_second: int = 30,
        group_per_minute: int = 20,
        flood_window: bool = True,
    ) -> None:
        self.clock = clock
        self.flood_window = flood_window
        self.flood_until = float("-inf")
        self.per_chat_per_second = per_chat_per_second
        self.group_per_minute = group_per_minute
        self.global_window = _Window(global_per_second, 1.0)
        self.chat_windows: dict[int | str, _Window] = {}
        self.group_windows: dict[int | str, _Window] = {}
        self.stats = RateStats()

    def _windows(self, chat_id: int | str, is_group: bool) -> list[_Window]:
        windows = [self.global_window]
        windows.append(self.chat_windows.setdefault(chat_id, _Window(self.per_chat_per_second, 1.0)))
        if is_group:
            windows.append(self.group_windows.setdefault(chat_id, _Window(self.group_per_minute, 60.0)))
        return windows

    def open_flood(self, seconds: float) -> None:
        """A 429 was answered: like Telegram, refuse every send until ``seconds`` have passed."""
        if not self.flood_window:
            return
        now = self.clock()
        until = now + seconds
        if until > self.flood_until:
            self.stats.flood_seconds += until - max(now, self.flood_until)
            self.flood_until = until

    def in_flood(self) -> FakeResponse | None:
        """The 429 for a send made inside a flood window (counted as provoked), else None."""
        now = self.clock()
        if now < self.flood_until:
            self.stats.rejected_429 += 1
            self.stats.provoked_at.append(now)
            return too_many_requests(max(1, math.ceil(self.flood_until - now)))
        return None

    def admit(self, chat_id: int | str, is_group: bool) -> FakeResponse | None:
        """Record one send to ``chat_id``; return a 429 answer if it exceeds a limit."""
        now = self.clock()
        flooded = self.in_flood()
        if flooded is not None:
            return flooded
        windows = self._windows(chat_id, is_group)
        wait = max(window.retry_after(now) for window in windows)
        if wait:
            self.stats.rejected_429 += 1
            self.stats.provoked_at.append(now)
            self.open_flood(wait)
            return too_many_requests(wait)
        for window in windows:
            window.events.append(now)
        self.stats.accepted_sends += 1
        self.stats.accepted_per_chat[chat_id] = self.stats.accepted_per_chat.get(chat_id, 0) + 1
        return None
