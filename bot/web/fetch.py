"""Fetching pages and feeds over HTTP(S), with httpx, within limits a hostile or broken site cannot pass.

Every fetch has a deadline (connect, read and overall), a size cap (checked against
``Content-Length`` and again while the body streams in, so a 20 MB page is cut off after the
first 5 MB, not downloaded), a redirect cap, and a content-type check: a page must be HTML, a
feed XML. A conditional GET sends the ETag and Last-Modified of the last answer, and a
``304 Not Modified`` comes back as :attr:`Response.not_modified`. Every failure is a
:class:`~bot.errors.FetchError` with a message for a person.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import httpx

from bot import __version__
from bot.article import Article, parse_text
from bot.article.decode import decode
from bot.article.summary import DEFAULT_MAX_CHARS, DEFAULT_MAX_SENTENCES
from bot.errors import FetchError

log = logging.getLogger(__name__)

Kind = Literal["page", "feed"]
MAX_BYTES = 5 * 1024 * 1024
"""The largest page or feed read (a news page is 50 KB to 2 MB)."""
MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 20.0
"""The deadline of a whole fetch, redirects and body included."""
USER_AGENT = f"arabic-news-bot/{__version__} (news feed reader)"

_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_FEED_TYPES = ("xml", "rss", "atom", "text/plain")  # RSS and Atom are served under many names
_ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
}


@dataclass(frozen=True)
class Response:
    """What a fetch brought back."""

    url: str
    """The address after redirects."""
    status: int
    content: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """A conditional GET answered ``304``: nothing changed since the ETag or date sent."""
        return self.status == 304


class Fetcher:
    """One HTTP client (connection pool) for every fetch; close it with :meth:`aclose`."""

    def __init__(
        self,
        *,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        timeout: float = TIMEOUT_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.max_redirects = max_redirects
        self._client = httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=max_redirects,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": USER_AGENT},
            transport=transport,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def get(
        self, url: str, kind: Kind = "page", *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """GET ``url`` (a ``page`` or a ``feed``); :class:`FetchError` for anything but a usable answer."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(url, "not a web address (http:// or https://)")
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(self.timeout):
                return await self._get(url, kind, headers)
        except TimeoutError:
            raise FetchError(url, f"no complete answer within {self.timeout:g} s") from None
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out (no answer within {self.timeout:g} s)") from None
        except httpx.TooManyRedirects:
            raise FetchError(url, f"more than {self.max_redirects} redirects") from None
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"not a valid address ({exc})") from None
        except httpx.HTTPError as exc:  # connection refused, DNS, TLS, a broken answer
            raise FetchError(url, f"cannot be fetched ({type(exc).__name__}: {exc})") from None

    async def _get(self, url: str, kind: Kind, headers: dict[str, str]) -> Response:
        async with self._client.stream("GET", url, headers=headers) as answer:
            final = str(answer.url)
            if answer.status_code == 304:
                return Response(final, 304, etag=answer.headers.get("ETag"))
            if answer.status_code >= 400:
                raise FetchError(url, f"HTTP {answer.status_code} {answer.reason_phrase}".rstrip())
            if answer.status_code != 200:
                raise FetchError(url, f"unexpected HTTP {answer.status_code}")
            content_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
            _check_type(url, kind, content_type)
            declared = answer.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                size_mb = int(declared) / 1e6
                raise FetchError(url, f"too large ({size_mb:.1f} MB; at most {self.max_bytes / 1e6:.1f} MB)")
            chunks: list[bytes] = []
            size = 0
            async for chunk in answer.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(url, f"too large (over {self.max_bytes / 1e6:.1f} MB)")
                chunks.append(chunk)
            return Response(
                final,
                200,
                b"".join(chunks),
                content_type,
                answer.charset_encoding,
                answer.headers.get("ETag"),
                answer.headers.get("Last-Modified"),
            )


def _check_type(url: str, kind: Kind, content_type: str) -> None:
    if not content_type:
        return  # no type given: the content decides (an HTML sniff, or feedparser)
    if kind == "page" and content_type not in _PAGE_TYPES:
        raise FetchError(url, f"not an HTML page ({content_type})")
    if kind == "feed" and not any(word in content_type for word in _FEED_TYPES):
        raise FetchError(url, f"not an RSS or Atom feed ({content_type})")


def article_from_page(
    response: Response,
    *,
    max_summary_sentences: int = DEFAULT_MAX_SENTENCES,
    max_summary_chars: int = DEFAULT_MAX_CHARS,
) -> Article:
    """Parse a fetched page; the address it was fetched from stands in for a missing canonical URL."""
    text = decode(response.content, path=response.url, declared=response.charset)
    article = parse_text(
        text, path=response.url, max_summary_sentences=max_summary_sentences, max_summary_chars=max_summary_chars
    )
    return article.with_links(url=response.url)


async def fetch_article(
    url: str,
    *,
    fetcher: Fetcher | None = None,
    max_summary_sentences: int = DEFAULT_MAX_SENTENCES,
    max_summary_chars: int = DEFAULT_MAX_CHARS,
) -> Article:
    """Fetch one page and parse it (in a thread: parsing takes tens of milliseconds)."""
    own = fetcher is None
    client = fetcher or Fetcher()
    try:
        response = await client.get(url, "page")
    finally:
        if own:
            await client.aclose()
    return await asyncio.to_thread(
        article_from_page, response, max_summary_sentences=max_summary_sentences, max_summary_chars=max_summary_chars
    )
