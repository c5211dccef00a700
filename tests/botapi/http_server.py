"""A real HTTP server on 127.0.0.1 in front of a :class:`~tests.botapi.fake.FakeBotAPI`.

For end-to-end tests of a bot process: point PTB at it with
``ApplicationBuilder().base_url(server.base_url)`` (``server.base_url`` is ``http://127.0.0.1:<port>/bot``;
PTB appends ``<token>/<method>``). Accepts what Bot API clients send: ``application/x-www-form-urlencoded``
(PTB without files), ``multipart/form-data`` (PTB with files), ``application/json`` and query strings.

An injected ``"timeout"`` fault stalls the answer for ``timeout_stall`` seconds and then drops the
connection, so a client with a shorter read timeout sees a timeout (PTB: ``TimedOut``).
"""

from __future__ import annotations

import json
import sys
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from tests.botapi.fake import FakeBotAPI
from tests.botapi.memory import query_params, split_bot_url
from tests.botapi.spec import FileUpload


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, FileUpload]]:
    """Decode a request body into ``(params, files)`` according to its Content-Type."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}, {}
    if mime == "application/json":
        data = json.loads(body.decode("utf-8"))
        return (data if isinstance(data, dict) else {}), {}
    if mime == "multipart/form-data":
        return _parse_multipart(content_type, body)
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, FileUpload]]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    params: dict[str, Any] = {}
    files: dict[str, FileUpload] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            params[name] = content.decode(part.get_content_charset() or "utf-8")
        else:
            files[name] = FileUpload(filename, content, part.get_content_type())
    return params, files


class _Handler(BaseHTTPRequestHandler):
    """Serves ``/bot<token>/<method>`` from the server's FakeBotAPI."""

    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        token, method = split_bot_url(self.path)
        fake = self.server.fake
        if token is None or not fake.token_ok(token):
            self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        try:
            params, files = parse_body(self.headers.get("Content-Type", ""), body)
        except (ValueError, UnicodeDecodeError) as exc:
            self._send(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        params.update(query_params(self.path))
        response = fake.request_blocking(method, params, files, stop=self.server.stopping)
        if response.timed_out:
            self.server.stopping.wait(self.server.timeout_stall)
            self.close_connection = True
            return
        self._send(response.status, response.body or {})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, fake: FakeBotAPI, timeout_stall: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.timeout_stall = timeout_stall
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (killed, timed out) is expected here; anything else is printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeBotAPIServer:
    """Run a :class:`FakeBotAPI` behind ``http://127.0.0.1:<random port>/bot<token>/<method>``.

    Use as a context manager or call :meth:`start` / :meth:`stop` (``stop`` is idempotent and always joins
    the server thread).
    """

    def __init__(self, fake: FakeBotAPI | None = None, *, timeout_stall: float = 1.0) -> None:
        self.api = fake if fake is not None else FakeBotAPI()
        self.timeout_stall = timeout_stall
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (only while running)."""
        if self._server is None:
            raise RuntimeError("FakeBotAPIServer is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def token(self) -> str:
        """The bot token the fake accepts."""
        return self.api.token

    def start(self) -> FakeBotAPIServer:
        """Bind a free port and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._server = _Server(self.api, self.timeout_stall)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeBotAPIServer",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake blocked long polls and join the thread."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is None:
            return
        server.stopping.set()
        self.api.wake_waiters()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPIServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
