"""PrivateWhenPersonal: a public answer that was made for one person never reaches a CDN."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import patch_vary_headers

from articles.site.caching import public
from newsroom.middleware import PrivateWhenPersonal


def answer(change=lambda response: None):
    """A public view's answer passed through the middleware, after `change` (what a later
    middleware, such as the session's or the CSRF one, would do to it)."""

    @public
    def view(request):
        return HttpResponse("京津冀")

    def rest_of_the_stack(request):
        response = view(request)
        change(response)
        return response

    return PrivateWhenPersonal(rest_of_the_stack)(RequestFactory().get("/"))


def test_a_plain_public_answer_stays_public():
    assert answer()["Cache-Control"] == "public, max-age=60"


def test_an_answer_setting_a_cookie_becomes_private():
    response = answer(lambda r: r.set_cookie("csrftoken", "x"))
    assert response["Cache-Control"] == "max-age=60, private"


def test_an_answer_varying_with_the_cookie_becomes_private():
    response = answer(lambda r: patch_vary_headers(r, ["Cookie"]))
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_private_answer_is_left_alone():
    """Only public answers are touched: no-store stays no-store."""

    def view(request):
        response = HttpResponse()
        response["Cache-Control"] = "no-store"
        response.set_cookie("sessionid", "x")
        return response

    assert PrivateWhenPersonal(view)(RequestFactory().get("/"))["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/tags/%00/", "/authors/a%00b/", "/articles/1%00/"])
def test_a_nul_character_in_the_address_is_a_bad_request(client, path):
    """PostgreSQL cannot compare text holding NUL: such an address is refused before any view."""
    response = client.get(path)
    assert response.status_code == 400
    assert response.content.decode() == "网址无效。"
