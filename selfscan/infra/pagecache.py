"""The content of results pages, kept between requests while nothing it shows has changed.

A results page reads twenty queries' worth of figures to render the same HTML again and again:
its data changes only when responses are submitted or the region's partners, agenda or rounds
are edited. A page's content (never the layout around it: that holds the person's name and
CSRF tokens) is kept per app engine under a key (page, ids, language, k) with a stamp from
selfscan.services.freshness; a request whose stamp differs renders it again. Each gunicorn
worker keeps its own, and reads the stamp from the database on every request: a kept page is
never older than the data.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache
from markupsafe import Markup
from sqlalchemy import Engine
from sqlmodel import Session

from selfscan.infra.db import engine_of

# Per worker, the most recently used pages up to this many characters of HTML: a dashboard is
# about 40,000, a compare page of 3 rounds x 5 regions x every sector about 250,000. A bound
# in size rather than in pages, so that a few large pages cannot take the worker's memory.
CHARACTERS_KEPT = 8_000_000


def _size(entry: tuple[Hashable, Any, int]) -> int:
    return entry[2]


_caches: weakref.WeakKeyDictionary[Engine, LRUCache[Hashable, tuple[Hashable, Any, int]]]
_caches = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _cache(session: Session) -> LRUCache[Hashable, tuple[Hashable, Any, int]]:
    engine = engine_of(session)
    with _lock:
        found = _caches.get(engine)
        if found is None:
            found = _caches[engine] = LRUCache(maxsize=CHARACTERS_KEPT, getsizeof=_size)
        return found


def kept(session: Session, key: Hashable, stamp: Hashable) -> Any | None:
    """What was kept under `key` with the same `stamp`, or None."""
    cache = _cache(session)
    with _lock:
        entry = cache.get(key)
    return entry[1] if entry is not None and entry[0] == stamp else None


def keep(session: Session, key: Hashable, stamp: Hashable, value: Any, size: int) -> None:
    """Keep `value` (`size` characters of HTML) under `key`, as made with the data at `stamp`.
    A value larger than the whole cache is not kept."""
    if size > CHARACTERS_KEPT:
        return
    cache = _cache(session)
    with _lock:
        cache[key] = (stamp, value, size)


def kept_html(
    session: Session, key: Hashable, stamp: Hashable, render: Callable[[], str]
) -> Markup:
    """The HTML kept under `key` if it was rendered with the same `stamp`, else `render()`."""
    html = kept(session, key, stamp)
    if html is not None:
        return html  # type: ignore[no-any-return]
    # The output of an autoescaping Jinja template: already escaped HTML.
    html = Markup(render())  # noqa: S704  # nosec B704
    keep(session, key, stamp, html, len(html))
    return html
