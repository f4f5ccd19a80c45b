"""Whole-page cache for readers, in the shared cache (Redis), emptied the moment content changes.

Every cached page is stored under the current *generation*. The services call
`content_changed()` when something readers can see changes (a publish, a withdrawal, a
correction, an edit of a published story, a renamed tag …); after the transaction commits, the
generation moves on and every page is made afresh on its next request: no waiting for a timeout.
A story scheduled for later has no service call at the moment it goes live, so the generation
also remembers the next scheduled time and moves on by itself once that time has passed.

The same generations keep `fragment()`s: costly parts of readers' pages (an article with its
relations, a page of a list rendered, the home page's blocks), on with FRAGMENT_CACHE when whole
pages are not cached or not cacheable. Each worker also keeps the fragments it used last in its
own memory (FRAGMENT_LOCAL_ENTRIES, least recently used first out): the generation, read once
per request, says whether such a copy is still current, so a busy page costs no round trip.

Only anonymous GET/HEAD requests for public pages are cached (no session cookie, not the admin,
not previews), and only 200 responses that set no cookie and are not marked private. The cache
is on when PAGE_CACHE_SECONDS > 0, which needs a cache shared by every worker (REDIS_URL). If the
cache server fails, pages are served from the database as if the cache were off.
"""

import contextvars
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
NEXT_CHANGE_KEY = "pages:next-change"
UNCACHED_PREFIXES = ("/preview/", "/healthz")


def _cache():
    return caches["default"]


def origin(request) -> str:
    """Scheme and host: cached pages and fragments carry absolute links, so they are kept per
    origin."""
    return f"{request.scheme}://{request.get_host()}"


def _address(request) -> str:
    return origin(request) + request.get_full_path()


# While Redis is down every request fails over to the database; the log says so with a
# traceback once a minute, not once a request (a busy site would write thousands).
FAILURE_LOG_SECONDS = 60
_last_failure_logged = float("-inf")


def _cache_failed(message: str) -> None:
    global _last_failure_logged
    now = time.monotonic()
    if now - _last_failure_logged >= FAILURE_LOG_SECONDS:
        _last_failure_logged = now
        logger.warning("%s (the next minute's failures are not logged)", message, exc_info=True)


def content_changed() -> None:
    """Readers' pages are out of date once the current transaction commits."""
    if settings.PAGE_CACHE_SECONDS or settings.FRAGMENT_CACHE:
        transaction.on_commit(new_generation)


def new_generation() -> int:
    """Start a new generation (every cached page becomes stale); returns it."""
    from articles.models import Article

    generation = time.time_ns()
    upcoming = (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    try:
        _cache().set_many(
            {
                GENERATION_KEY: generation,
                NEXT_CHANGE_KEY: upcoming.timestamp() if upcoming else None,
            },
            timeout=None,
        )
    except Exception:  # the cache server is down: nothing is being served from it either
        _cache_failed("page cache: could not start a new generation")
    return generation


# The generation read once per request by the middleware, for the fragments made during it.
_request_generation = contextvars.ContextVar("page_generation", default=None)


class _Recent:
    """The fragments a worker used last, in its own memory, at most `settings.
    FRAGMENT_LOCAL_ENTRIES`; keys carry the generation, so an old copy is never looked up."""

    def __init__(self):
        self._entries: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        limit = settings.FRAGMENT_LOCAL_ENTRIES
        if limit <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


recent = _Recent()


def fragment(name: str, make, *, seconds: int = 3600):
    """`make()`, kept in the shared cache until content changes (the same generations as the
    pages): the parts of a page that are costly to read or render, for when whole pages are not
    cached. The value is shared between requests: treat it as read-only. `make()` returning
    None (nothing found) is not kept."""
    if not settings.FRAGMENT_CACHE:
        return make()
    try:
        generation = _request_generation.get() or _generation()
        key = f"fragment:{generation}:{_key_part(name)}"
        value = recent.get(key)
        if value is not None:
            return value
        value = _cache().get(key)
    except Exception:
        _cache_failed("fragment cache unavailable; reading the database")
        return make()
    if value is None:
        value = make()
        if value is None:
            return None
        try:
            _cache().set(key, value, seconds)
        except Exception:
            _cache_failed(f"fragment cache: could not store {name}")
    recent.put(key, value)
    return value


KEPT_HEADERS = ("Content-Type", "Last-Modified", "X-Robots-Tag")


def whole_answer(view):
    """For a view whose answer depends only on its address and the content (a sitemap): its
    200 answers kept as a fragment, so that crawlers cost no query while content is unchanged.
    Other answers are made afresh each time."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        made = []

        def make():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            made.append(response)
            if response.status_code != 200 or response.streaming:
                return None
            kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            return {"content": response.content, "headers": kept}

        kept = fragment(f"answer:{_address(request)}", make)
        if kept is None:
            return made[0]
        return HttpResponse(kept["content"], headers=kept["headers"])

    return wrapped


def _key_part(name: str) -> str:
    """`name` as it may stand in a cache key: a long one, or one with spaces or control
    characters (a name can carry what a reader typed in the address), by its digest."""
    if len(name) <= 120 and all(ord(c) > 32 and ord(c) != 127 for c in name):
        return name
    return hashlib.sha256(name.encode()).hexdigest()


def _generation() -> int:
    state = _cache().get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    generation = state.get(GENERATION_KEY)
    upcoming = state.get(NEXT_CHANGE_KEY)
    if generation is None or (upcoming is not None and time.time() >= upcoming):
        generation = new_generation()
    return generation


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith((*UNCACHED_PREFIXES, "/" + settings.ADMIN_URL))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _cacheable_response(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
        and "no-cache" not in control
        and "Cookie" not in response.get("Vary", "")
    )


def _key(request, generation: int) -> str:
    return f"page:{generation}:{hashlib.sha256(_address(request).encode()).hexdigest()}"


class PageCacheMiddleware:
    """Serve readers' pages from the shared cache; see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not (seconds or settings.FRAGMENT_CACHE) or not _cacheable_request(request):
            return self.get_response(request)
        try:
            generation = _generation()
            key = _key(request, generation)
            cached = _cache().get(key) if seconds else None
        except Exception:
            _cache_failed("page cache unavailable; serving from the database")
            return self.get_response(request)
        if cached is not None:
            # A client holding the same copy gets 304, as it would from the view itself.
            return get_conditional_response(
                request,
                etag=cached.get("ETag"),
                last_modified=parse_http_date_safe(cached.get("Last-Modified", "")),
                response=cached,
            )
        token = _request_generation.set(generation)
        try:
            response = self.get_response(request)
        finally:
            _request_generation.reset(token)
        if seconds and _cacheable_response(response):
            try:
                _cache().set(key, response, seconds)
            except Exception:
                _cache_failed("page cache: could not store a page")
        return response
