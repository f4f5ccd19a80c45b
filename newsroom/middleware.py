"""Keeps answers made for one person out of shared caches."""

from django.http import HttpResponseBadRequest
from django.utils.cache import has_vary_header, patch_cache_control


class PrivateWhenPersonal:
    """A reader's page is marked public (articles.site.caching.public) so that a CDN may keep it.
    If the answer also sets a cookie (a CSRF token, a session) or varies with the cookie, it
    was made for one person: it becomes private, whatever the view said. First in MIDDLEWARE,
    so it sees the headers every other middleware added."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        directives = response.get("Cache-Control", "")
        personal = response.cookies or has_vary_header(response, "Cookie")
        if "public" in directives and personal:
            patch_cache_control(response, private=True)
        return response


class RejectNulInPath:
    """A NUL character never belongs in an address, and PostgreSQL refuses it in any text it
    is compared with: such a request is a 400, before any view looks a slug up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return HttpResponseBadRequest("网址无效。", content_type="text/plain; charset=utf-8")
        return self.get_response(request)
