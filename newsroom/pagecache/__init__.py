"""Readers' pages and their costly parts, cached by what they are made from.

Every cached page and fragment records its tags (what it was made from: `article:123`,
`section:5`, `list:section:5` …, see tags.py) and the change number it was made at; a change
that commits moves the tags it touched (`invalidate`), and only what was made from those is
made again. The numbers live in the database (versions.py), so a cache server that goes back
in time cannot serve what a later change took away; the entries themselves live in each
worker's memory and in Redis (store.py). Varnish in front is purged by the same tags.

- `fragment(name, make)`: a part of a page kept until what it was made from changes.
- `whole_answer(view)`: a view's 200 answers kept the same way (sitemaps).
- `depends_on(*tags)`: declare what is being read (selectors, queryset methods).
- `invalidate(tags)`, `changed(key, lists)`: what the services call.
- `PageCacheMiddleware`: whole pages for anonymous readers.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse

from . import store, tags, versions
from .middleware import PageCacheMiddleware, address, canonical_query, origin
from .tags import collecting, depends_on
from .versions import invalidate, new_epoch

__all__ = [
    "PageCacheMiddleware",
    "address",
    "canonical_query",
    "changed",
    "changed_many",
    "collecting",
    "depends_on",
    "fragment",
    "invalidate",
    "new_epoch",
    "origin",
    "whole_answer",
]


def fragment(name: str, make, *, depends=(), seconds: int = 3600):
    """`make()`, kept until anything it read changes: the parts of a page that are costly to
    read or render. Rows read inside name themselves; what `make` uses that was read before
    (the story a page is about, the section a list is of) is named by `depends`, the tags
    collected while reading it. The value is shared between requests: treat it as read-only.
    `make()` returning None (nothing found) is not kept."""
    if not settings.FRAGMENT_CACHE:
        return make()
    key = "fragment:" + _key_part(name)
    entry = store.get(key)
    if entry is not None and versions.still_current(entry, versions.current_clock()):
        depends_on(*entry.tags)
        return entry.value
    made = versions.made_clock()
    with collecting() as found:
        found.update(depends)
        value = make()
    if value is not None:
        store.put(key, versions.Entry(made.epoch, made.seq, tags.compact(found), value), seconds)
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

        kept = fragment(f"answer:{address(request)}", make)
        if kept is None:
            return made[0]
        return HttpResponse(kept["content"], headers=kept["headers"])

    return wrapped


def changed(key: str, lists=()) -> None:
    """`key` (`article:5`) changed and is now shown in the lists tagged `lists` (none: it
    left every list): it, the lists it was in and the lists it is in now change on commit."""
    from .models import Listed

    lists = sorted(set(lists))
    before = Listed.objects.filter(key=key).values_list("tags", flat=True).first() or []
    invalidate({key, *before, *lists})
    if lists:
        Listed.objects.update_or_create(key=key, defaults={"tags": lists})
    else:
        Listed.objects.filter(key=key).delete()


def changed_many(keys) -> None:
    """What these show changed, not where they are listed: they and their lists change."""
    from .models import Listed

    keys = set(keys)
    if not keys:
        return
    lists = set()
    for listed in Listed.objects.filter(key__in=keys).values_list("tags", flat=True).iterator():
        lists.update(listed)
    invalidate(keys | lists)


def _key_part(name: str) -> str:
    """`name` as it may stand in a cache key: a long one, or one with spaces or control
    characters (a name can carry what a reader typed in the address), by its digest."""
    import hashlib

    if len(name) <= 120 and all(ord(c) > 32 and ord(c) != 127 for c in name):
        return name
    return hashlib.sha256(name.encode()).hexdigest()
