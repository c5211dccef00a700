"""Flood control for incoming updates: concurrent across chats, in order within a chat, less for a flood.

PTB handles updates one at a time by default, so one chat whose answers wait (Telegram allows 20
messages a minute in a group) holds every other chat's answer. :class:`ChatOrderedProcessor`
handles updates concurrently, one at a time within a chat (a /lang is applied before the
/summary that follows it), and asks a :class:`FloodGate` first: within a window, a chat gets a
budget of answers, then one "slow down" notice, then silence until its window opens again. A
silenced update is dropped before it waits for anything, so a flood never fills the processor.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from cachetools import TTLCache
from telegram import Update
from telegram.constants import FloodLimit
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60.0
GROUP_ANSWERS = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP - 1
"""Answers to one group in a window: with the notice, Telegram's 20 messages a minute in a group."""
PRIVATE_ANSWERS = 30
"""Answers to one private chat in a window: a reader paging quickly stays well under it."""
MAX_TRACKED_CHATS = 10_000
"""Chats whose window is remembered; when more are active, the oldest windows are forgotten."""
MAX_CONCURRENT_UPDATES = 256


class Verdict(enum.Enum):
    """What a chat gets for one update addressed to the bot."""

    ANSWER = "answer"
    NOTICE = "notice"  # the first update over the budget: one "slow down"
    SILENCE = "silence"  # later ones, until the window opens again


class FloodGate:
    """A budget of answers per chat in fixed windows, remembered for a bounded number of chats."""

    def __init__(
        self,
        *,
        window: float = WINDOW_SECONDS,
        group_answers: int = GROUP_ANSWERS,
        private_answers: int = PRIVATE_ANSWERS,
        max_chats: int = MAX_TRACKED_CHATS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.group_answers = group_answers
        self.private_answers = private_answers
        # a chat's entry is made when its window opens and expires with it
        self._windows: TTLCache[int, list[int]] = TTLCache(maxsize=max_chats, ttl=window, timer=clock)

    def admit(self, chat_id: int, *, group: bool) -> Verdict:
        """Count one update from ``chat_id`` and say how to treat it."""
        counter = self._windows.get(chat_id)
        if counter is None:
            counter = self._windows[chat_id] = [0]
        counter[0] += 1  # the list is changed in place: setting the key again would move its expiry
        budget = self.group_answers if group else self.private_answers
        if counter[0] <= budget:
            return Verdict.ANSWER
        return Verdict.NOTICE if counter[0] == budget + 1 else Verdict.SILENCE


def addressed_to_bot(update: Update) -> bool:
    """Whether ``update`` asks the bot for an answer: a button, a private message, a group command for us."""
    if update.callback_query is not None:
        return True
    message = update.message
    if message is None or update.effective_chat is None:
        return False
    if update.effective_chat.type == "private":
        return True
    text = message.text or ""
    if not text.startswith("/"):
        return False
    target = text.split(maxsplit=1)[0].partition("@")[2]
    if not target:
        return True
    try:
        username = message.get_bot().username
    except RuntimeError:  # an update built without a bot: count it
        return True
    return target.lower() == (username or "").lower()


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of different chats concurrently, of one chat in order; a flooding chat held back.

    ``on_notice`` sends the "slow down" notice and ``keep_going`` says whether the bot still runs;
    both are set once the application exists. An update that had to wait behind others of its chat
    is dropped when the bot stops meanwhile, so a chat's backlog never delays a stop.
    """

    def __init__(self, gate: FloodGate | None = None, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self.gate = gate or FloodGate()
        self.on_notice: Callable[[Update], Awaitable[None]] | None = None
        self.keep_going: Callable[[], bool] = lambda: True
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}  # lock and number of updates using it

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: every lock goes with the last update that used it."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Answer, notice or drop ``update``; answers of one chat run one at a time."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:  # inline queries, polls: nothing to keep in order
            await coroutine
            return
        assert isinstance(update, Update)
        verdict = self.gate.admit(chat.id, group=chat.type != "private") if addressed_to_bot(update) else Verdict.ANSWER
        if verdict is not Verdict.ANSWER:
            _close(coroutine)
            if verdict is Verdict.SILENCE:
                return
            log.info("chat %s sends too much: one notice, then silence until its window opens", chat.id)
            coroutine = self.on_notice(update) if self.on_notice is not None else asyncio.sleep(0)
        lock, users = self._chats.get(chat.id) or (asyncio.Lock(), 0)
        self._chats[chat.id] = (lock, users + 1)
        queued = lock.locked()
        try:
            async with lock:  # the notice too, so it comes after the answers queued before it
                if queued and not self.keep_going():
                    _close(coroutine)
                    return
                await coroutine
        finally:
            lock, users = self._chats[chat.id]
            if users == 1:
                del self._chats[chat.id]
            else:
                self._chats[chat.id] = (lock, users - 1)


def _close(coroutine: Awaitable[Any]) -> None:
    """Discard an update's handling that will not run (closing it, so Python does not warn it was never awaited)."""
    close = getattr(coroutine, "close", None)
    if callable(close):
        close()
