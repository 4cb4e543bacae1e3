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

from cachetools import LRUCache
from markupsafe import Markup
from sqlalchemy import Engine
from sqlmodel import Session

from selfscan.infra.db import engine_of

# About 40 KB of HTML each: a few megabytes per worker at most.
PAGES_KEPT = 128

_caches: weakref.WeakKeyDictionary[Engine, LRUCache[Hashable, tuple[Hashable, Markup]]]
_caches = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def kept_html(
    session: Session, key: Hashable, stamp: Hashable, render: Callable[[], str]
) -> Markup:
    """The HTML kept under `key` if it was rendered with the same `stamp`, else `render()`."""
    engine = engine_of(session)
    with _lock:
        cache = _caches.setdefault(engine, LRUCache(maxsize=PAGES_KEPT))
        kept = cache.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    # The output of an autoescaping Jinja template: already escaped HTML.
    html = Markup(render())  # noqa: S704  # nosec B704
    with _lock:
        cache[key] = (stamp, html)
    return html
