import sys

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.static import serve

from newsroom.pagecache import store as pagecache_store
from newsroom.pagecache import versions as pagecache_versions


@never_cache
def healthz(request):
    """Liveness and database check for load balancers: 200 when the database answers. The
    cache server is reported but does not fail the check: without it pages are made from the
    database ("degraded": it failed lately and is left alone for now)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        # A scheduled time that has passed is acted on here too: behind Varnish, which probes
        # this every few seconds, no reader's request may reach the page cache to notice it.
        pagecache_versions.current_clock()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    cache = pagecache_store.check_shared()
    return JsonResponse(
        {"status": "ok" if cache != "degraded" else "degraded", "database": "ok", "cache": cache}
    )


def ping(request):
    """A short answer through the whole middleware stack, without the database or a template:
    the ceiling that `bench/load_bench.py` measures every page against."""
    return HttpResponse("pong", content_type="text/plain; charset=utf-8")


def media(request, path):
    """Uploads, where no web server serves them (SERVE_MEDIA): from MEDIA_ROOT as it is now."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Django's handler500. When what failed is the database (it went away, refused a
    connection, timed out), readers get 503 and a page saying the site is recovering, which
    it does by itself: the next request opens a new connection."""
    # No context processors: whatever broke the page must not break the error page.
    if isinstance(sys.exc_info()[1], DatabaseError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        add_never_cache_headers(response)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login while the account is locked out at this address."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    add_never_cache_headers(response)
    return response
