"""Where cached entries are kept: each worker's own memory first, then the cache server every
worker shares (Redis, when the default cache is one). Entries are checked against the
database before use (versions.py), so a copy in one worker's memory is never served after
another worker's change, and the embedded set-up (SQLite, no Redis) caches safely too.

A cache server that fails or hangs costs one short timeout (CACHES' socket timeouts), then is
left alone for `CACHE_RETRY_SECONDS`: pages are made from the database meanwhile, and the log
says so once a minute, not once a request.
"""

import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

from .versions import Entry

logger = logging.getLogger("newsroom.pagecache")

FAILURE_LOG_SECONDS = 60
_last_failure_logged = float("-inf")
_shared_down_until = float("-inf")


class Local:
    """The entries a worker used last, least recently used out first, each until it expires."""

    def __init__(self):
        self._entries: OrderedDict[str, tuple[float, Entry]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: str, entry: Entry, seconds: float) -> None:
        limit = settings.PAGE_CACHE_LOCAL_ENTRIES
        if limit <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, entry)
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


local = Local()


def _shared():
    """The shared cache server, or None without one (or while it is left alone)."""
    cache = caches["default"]
    if isinstance(cache, LocMemCache | DummyCache):
        return None
    if time.monotonic() < _shared_down_until:
        return None
    return cache


def shared_state() -> str:
    """ "ok", "degraded" (failing, left alone for now) or "off" (none configured)."""
    if isinstance(caches["default"], LocMemCache | DummyCache):
        return "off"
    return "degraded" if time.monotonic() < _shared_down_until else "ok"


def check_shared() -> str:
    """`shared_state()` after asking the cache server (one short round trip) when in use."""
    cache = _shared()
    if cache is not None:
        try:
            cache.get("pagecache:health")
        except Exception:
            shared_failed("page cache server does not answer")
    return shared_state()


def shared_failed(message: str) -> None:
    global _last_failure_logged, _shared_down_until
    now = time.monotonic()
    _shared_down_until = now + settings.CACHE_RETRY_SECONDS
    if now - _last_failure_logged >= FAILURE_LOG_SECONDS:
        _last_failure_logged = now
        logger.warning("%s (the next minute's failures are not logged)", message, exc_info=True)


def reset_shared_state() -> None:
    """Forget a failure (tests)."""
    global _shared_down_until, _last_failure_logged
    _shared_down_until = float("-inf")
    _last_failure_logged = float("-inf")


def get(key: str) -> Entry | None:
    entry = local.get(key)
    if entry is not None:
        return entry
    cache = _shared()
    if cache is None:
        return None
    try:
        entry = cache.get(key)
    except Exception:
        shared_failed("page cache server unavailable; pages are made from the database")
        return None
    if isinstance(entry, Entry):
        local.put(key, entry, settings.PAGE_CACHE_LOCAL_SECONDS)
        return entry
    return None


def put(key: str, entry: Entry, seconds: float) -> None:
    local.put(key, entry, min(seconds, settings.PAGE_CACHE_LOCAL_SECONDS))
    cache = _shared()
    if cache is None:
        return
    try:
        cache.set(key, entry, seconds)
    except Exception:
        shared_failed("page cache server: could not store an entry")
