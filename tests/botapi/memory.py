"""A python-telegram-bot ``BaseRequest`` that talks to a :class:`~tests.botapi.fake.FakeBotAPI` in-process.

PTB's own ``BaseRequest.post`` turns the ``(status, body)`` returned here into results or exceptions
(``RetryAfter``, ``BadRequest``, ``Forbidden``, ``InvalidToken``, ``Conflict``, ``NetworkError``), exactly
as for the real HTTP API, so bot code sees the same errors it would see in production.

Parameters are taken from ``RequestData.json_parameters`` -- the exact strings ``HTTPXRequest`` would put
in the form body -- and decoded by the fake according to the spec, so the in-memory path checks the same
wire format Telegram receives.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.ext import ApplicationBuilder
from telegram.request import BaseRequest, RequestData

from tests.botapi.fake import FakeBotAPI
from tests.botapi.spec import FileUpload


def split_bot_url(url: str) -> tuple[str | None, str]:
    """``.../bot<token>/<method>`` -> ``(token, method)``; token is None when the URL has no ``bot`` part."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    method = parts[-1] if parts else ""
    token_part = parts[-2] if len(parts) >= 2 else ""
    return (token_part[3:] if token_part.startswith("bot") else None), method


def query_params(url: str) -> dict[str, str]:
    """The query string's parameters, blank ones kept: ``?next_offset=`` is ``next_offset=""`` to Telegram."""
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _read_content(content: Any) -> bytes:
    """Multipart content is bytes or (since PTB 21.5) a file handle."""
    if isinstance(content, bytes):
        return content
    if hasattr(content, "read"):
        data = content.read()
        return data if isinstance(data, bytes) else str(data).encode()
    return bytes(content)


def files_from_request_data(request_data: RequestData | None) -> dict[str, FileUpload]:
    """The multipart file parts PTB would upload."""
    if request_data is None or not request_data.contains_files:
        return {}
    uploads: dict[str, FileUpload] = {}
    for name, part in request_data.multipart_data.items():
        filename, content, *rest = part
        uploads[name] = FileUpload(str(filename), _read_content(content), rest[0] if rest else None)
    return uploads


class InMemoryRequest(BaseRequest):
    """Route PTB's Bot API requests to a :class:`FakeBotAPI` without any networking.

    Use one instance per PTB request slot, e.g.
    ``ApplicationBuilder().token(fake.token).request(InMemoryRequest(fake)).get_updates_request(InMemoryRequest(fake))``.
    """

    __slots__ = ("_initialized", "_read_timeout", "fake")

    def __init__(self, fake: FakeBotAPI, read_timeout: float | None = 5.0) -> None:
        self.fake = fake
        self._read_timeout = read_timeout
        self._initialized = False

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds the getUpdates ``timeout`` to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open; remembers that the request object is usable."""
        self._initialized = True

    async def shutdown(self) -> None:
        """Nothing to close."""
        self._initialized = False

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
        """Answer one HTTP request like api.telegram.org would: ``(status_code, json_body)``."""
        if not self._initialized:
            raise RuntimeError("This InMemoryRequest is not initialized!")
        token, api_method = split_bot_url(url)
        if method.upper() == "GET" and token is None:
            return 404, json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode()
        if token is None or not self.fake.token_ok(token):
            return 401, json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
        params: dict[str, Any] = dict(request_data.json_parameters) if request_data else {}
        params.update(query_params(url))
        response = await self.fake.request_async(api_method, params, files_from_request_data(request_data))
        if response.timed_out:
            timeout = None if isinstance(read_timeout, DefaultValue) else read_timeout
            raise TimedOut(f"Timed out (fake: injected timeout, read_timeout={timeout})")
        return response.status, json.dumps(response.body, ensure_ascii=False).encode("utf-8")


def application_builder(fake: FakeBotAPI) -> ApplicationBuilder:  # type: ignore[type-arg]
    """An ``ApplicationBuilder`` wired to ``fake``: token, ``request`` and ``get_updates_request``.

    Feed updates with ``await app.process_update(Update.de_json(update, app.bot))``, or queue them with
    ``fake.push_update(...)`` and run ``app.updater.start_polling()``. Add further builder options freely.
    """
    return (
        ApplicationBuilder().token(fake.token).request(InMemoryRequest(fake)).get_updates_request(InMemoryRequest(fake))
    )
