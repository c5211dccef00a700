from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.server import Site, serve


@pytest.fixture
def site() -> Iterator[Site]:
    """A web server on 127.0.0.1 serving the routes a test sets (the feeds' pages)."""
    yield from serve()
