"""Cache headers and conditional requests for what readers fetch: pages, feeds and sitemaps.

Public answers may be kept by browsers and a CDN for a short time (`READER_CACHE_SECONDS`).
A client holding a copy asks again with If-None-Match or If-Modified-Since and gets
304 Not Modified while nothing that the page shows has changed; the check costs one query.
"""

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.db.models import Subquery
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from articles.models import Article


def public(view):
    """Let browsers and CDNs keep the view's answers for a short time."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code < 500 and not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=settings.READER_CACHE_SECONDS)
        return response

    return wrapped


def respond(request, *, changed_at: datetime | None, render: Callable[[], HttpResponse]):
    """304 when the client's copy is as new as `changed_at`, else `render()`; both answers
    carry the ETag and Last-Modified. The ETag is weak: the masthead's date and the side
    columns may differ between two copies of the same story or list."""
    if changed_at is None:
        return render()
    etag = f'W/"{changed_at.timestamp():.6f}"'
    last_modified = int(changed_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = render()
    if response.status_code in (200, 304):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
    return response


def list_changed_at(narrow: Callable = lambda articles: articles) -> datetime | None:
    """When a list of stories last changed, for its Last-Modified: the newest `updated_at`
    among its stories and its withdrawn ones (every desk step moves it: an edit, a correction,
    a withdrawal), or the time of its newest story (a scheduled story appears when its time
    comes, without a save). `narrow` filters a queryset the way the list does.

    Both are the newest row by an indexed column (one index step, however long the list),
    read in one query: the newest edit, with the newest story's time alongside.
    """
    seen = narrow(
        Article.objects.published() | Article.objects.filter(status=Article.Status.WITHDRAWN)
    )
    newest_story = (
        (seen & Article.objects.published()).order_by("-published_at").values("published_at")[:1]
    )
    row = (
        seen.order_by("-updated_at")
        .annotate(newest_story=Subquery(newest_story))
        .values_list("updated_at", "newest_story")
        .first()
    )
    return max(moment for moment in row if moment is not None) if row else None
