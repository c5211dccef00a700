"""Caches for pure views, bounded by the size of what they hold rather than by their number of entries.

A cache of 1,024 entries is small for the bundled article and hundreds of megabytes for an
article of a million statements: the inline results of one query are up to 50 messages of up to
4,096 characters each. :func:`bounded` memoises a pure function in a least-recently-used cache
(cachetools) whose entries are weighed by ``sizeof``; a value larger than the whole budget is
returned but not kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from cachetools import LRUCache, cached

_F = TypeVar("_F", bound=Callable[..., Any])
_STR_OVERHEAD = 56  # bytes of a str object before its characters


def text_bytes(texts: Iterable[str]) -> int:
    """About the memory held by ``texts``: Arabic text is two bytes a character in CPython."""
    return sum(_STR_OVERHEAD + 2 * len(text) for text in texts)


def bounded(max_bytes: int, sizeof: Callable[[Any], int]) -> Callable[[_F], _F]:
    """Memoise a pure function; the values kept weigh at most ``max_bytes`` as ``sizeof`` counts them.

    The wrapped function has cachetools' ``cache``, ``cache_info()`` and ``cache_clear()``.
    """

    def decorate(function: _F) -> _F:
        cache: LRUCache[Any, Any] = LRUCache(maxsize=max_bytes, getsizeof=sizeof)
        return cast(_F, cached(cache, lock=threading.Lock(), info=True)(function))

    return decorate
