"""Readers' whole pages from the cache, and the tags every reader's answer carries.

Only anonymous GET/HEAD requests for public pages (no session cookie, not the admin, not
previews) and only 200 answers that set no cookie and are not private are kept. A page is
kept under its address with only the parameters pages read (PAGE_CACHE_PARAMETERS), in a
fixed order: `?utm_source=…` and the like share the page without them. Every such answer
carries its tags (`xkey` for Varnish, `Surrogate-Key` and `Cache-Tag` for a CDN) and says
whether it came from the cache (`X-Page-Cache: hit`, `miss`, or `pass` when not kept).
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from . import store, tags, versions

UNCACHED_PREFIXES = ("/preview/", "/healthz", "/ping", "/static/", "/media/")
KEPT_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "X-Robots-Tag",
    "Content-Language",
    "Vary",
    "Link",
)


def origin(request) -> str:
    """Scheme and host: pages carry absolute links, so they are kept per origin."""
    return f"{request.scheme}://{request.get_host()}"


def canonical_query(request) -> str:
    """The parameters a reader's page reads, in a fixed order; anything else is dropped."""
    kept = settings.PAGE_CACHE_PARAMETERS
    return urlencode(
        sorted(
            (name, value)
            for name, values in request.GET.lists()
            if name in kept
            for value in values
        )
    )


def address(request) -> str:
    query = canonical_query(request)
    return origin(request) + request.path + (f"?{query}" if query else "")


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


def _frozen(response) -> dict:
    return {
        "status": response.status_code,
        "content": response.content,
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
    }


def _tag_headers(response, found: tuple[str, ...]) -> None:
    response["xkey"] = " ".join(found)
    response["Surrogate-Key"] = " ".join(found)
    response["Cache-Tag"] = ",".join(found)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        with versions.during_request():
            return self._answer(request)

    def _answer(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        key = None
        if seconds:
            key = "page:" + hashlib.sha256(address(request).encode()).hexdigest()
            entry = store.get(key)
            if entry is not None and versions.still_current(entry, versions.current_clock()):
                return self._from_cache(request, entry)
        made = versions.made_clock() if seconds else None
        with tags.collecting() as found:
            response = self.get_response(request)
        if not _cacheable_response(response):
            return response
        kept = tags.compact(found | {tags.SITE})
        _tag_headers(response, kept)
        if seconds:
            store.put(key, versions.Entry(made.epoch, made.seq, kept, _frozen(response)), seconds)
            response["X-Page-Cache"] = "miss"
        else:
            response["X-Page-Cache"] = "pass"
        return response

    def _from_cache(self, request, entry):
        page = entry.value
        response = HttpResponse(page["content"], status=page["status"], headers=page["headers"])
        _tag_headers(response, entry.tags)
        response["X-Page-Cache"] = "hit"
        # A client holding the same copy gets 304, as it would from the view itself.
        return get_conditional_response(
            request,
            etag=page["headers"].get("ETag"),
            last_modified=parse_http_date_safe(page["headers"].get("Last-Modified", "")),
            response=response,
        )
