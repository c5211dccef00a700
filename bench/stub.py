"""A Bot API request layer for benchmarks: it answers every call the way Telegram does when it accepts it.

Nothing is checked or stored (unlike :class:`tests.botapi.InMemoryRequest` over :class:`tests.botapi.FakeBotAPI`),
so what a benchmark measures is the bot's own cost, PTB and our code, not the fake's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

BENCH_BOT: Mapping[str, Any] = {"id": 1, "is_bot": True, "first_name": "b", "username": "bench_bot"}
MESSAGE_METHODS = frozenset({"sendMessage", "editMessageText"})


def _ok(result: Any) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


_TRUE = _ok(True)


class StubRequest(BaseRequest):
    """Answers ``getMe`` with ``bot_user``, a send or edit with a Message in the chat it names, anything else True.

    ``sent`` counts the messages answered (and numbers them). With ``marks``, the time each request enters the
    request layer is appended to that list, for latency figures.
    """

    def __init__(self, bot_user: Mapping[str, Any] = BENCH_BOT, marks: list[float] | None = None) -> None:
        self.marks = marks
        self.sent = 0
        self._me = _ok(bot_user)

    @property
    def read_timeout(self) -> float | None:
        """No timeouts: nothing waits."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Note the time (with ``marks``) and answer 200 with the result Telegram would send."""
        if self.marks is not None:
            self.marks.append(time.perf_counter())
        api_method = url.rsplit("/", 1)[-1]
        if api_method == "getMe":
            return 200, self._me
        chat_id = request_data.parameters.get("chat_id") if request_data and api_method in MESSAGE_METHODS else None
        if chat_id is None:  # not a message, or the edit of an inline message
            return 200, _TRUE
        self.sent += 1
        chat = {"id": chat_id, "type": "private"}
        return 200, _ok({"message_id": self.sent, "date": 0, "chat": chat, "text": "ok"})
