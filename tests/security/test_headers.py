"""Security headers: the Content Security Policy, frames, sniffing, referrers, and production's
HTTPS-only settings as `check --deploy` and a real request see them."""

import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests import pages
from tests.factories import make_article
from tests.servers import ROOT

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.fixture
def reader_paths(db) -> list[str]:
    article = make_article(
        headline="雄安新区迎来首批疏解企业", tags=["疏解"], regions=["xiongan"], themes=["rencai"]
    )
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        reverse("articles:section", kwargs={"slug": article.section.slug}),
        reverse("articles:tag", kwargs={"slug": article.tags.get().slug}),
        article.bylines.first().author.get_absolute_url(),
        reverse("regions:region", kwargs={"slug": "xiongan"}),
        reverse("regions:theme", kwargs={"slug": "rencai"}),
        reverse("regions:overview"),
        reverse("articles:search") + "?q=雄安",
        "/no-such-page/",
    ]


def test_reader_pages_allow_scripts_and_styles_only_from_the_site(client, reader_paths):
    """Every reader's page forbids inline and foreign scripts and styles, plugins and framing."""
    for path in reader_paths:
        policy = _policy(client.get(path))
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert policy["base-uri"] == ["'self'"], path


class _Inline(HTMLParser):
    """Collects what a strict policy would block: inline scripts, <style>, style="", on…=."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
            if name == "href" and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f'<{tag} href="{value}">')


def test_reader_pages_have_nothing_inline_that_the_policy_would_block(client, reader_paths):
    """No inline script, <style>, style attribute or event handler on any reader's page."""
    for path in reader_paths:
        parser = _Inline()
        parser.feed(client.get(path).content.decode())
        assert parser.found == [], path


def test_error_pages_have_nothing_inline(client, settings):
    """The standalone 500 and 503 pages take their styles from a file too."""
    from django.template import loader

    for name in ("500.html", "503.html"):
        parser = _Inline()
        parser.feed(loader.get_template(name).render())
        assert parser.found == [], name


def test_admin_may_use_inline_styles_but_never_inline_scripts(client):
    """The admin's widgets set style attributes; its scripts still come from the site only."""
    policy = _policy(client.get(reverse("admin:login")))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]


def test_the_body_editors_import_map_is_the_only_inline_script_and_carries_the_nonce(admin_client):
    """On the article form, the import map runs by this response's nonce; nothing else inline."""
    response = admin_client.get(reverse("admin:articles_article_add"))
    nonces = [v for v in _policy(response)["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    inline = [
        (attrs, text)
        for attrs, text in pages.read(response.content).scripts
        if "src" not in attrs and attrs.get("type") != "application/json"
    ]
    assert [attrs.get("type") for attrs, _ in inline] == ["importmap"]
    assert inline[0][0]["nonce"] == nonces[0][len("'nonce-") : -1]


def test_every_answer_denies_framing_sniffing_and_full_referrers(client, reader_paths):
    """X-Frame-Options DENY, nosniff, and a referrer policy that keeps paths on the site."""
    for path in [*reader_paths, reverse("admin:login"), reverse("articles:feed")]:
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", path


def _production(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "ALLOWED_HOSTS": "news.example.cn,testserver",
        "REDIS_URL": "",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deployment_check(tmp_path):
    """`manage.py check --deploy` finds nothing to warn about in production's settings."""
    result = _production(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = """
import json, django
django.setup()
from django.test import Client, override_settings
# No collectstatic here: plain static storage, the rest is production's.
override_settings(
    STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
).enable()
response = Client().get("/admin/login/", secure=True, headers={"host": "news.example.cn"})
redirect = Client().get("/healthz", headers={"host": "news.example.cn"})
print(json.dumps({
    "hsts": response.get("Strict-Transport-Security"),
    "cookies": {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])}
                for name, c in response.cookies.items()},
    "plain_http": [redirect.status_code, redirect.get("Location")],
}))
"""


def test_production_answers_with_hsts_secure_cookies_and_redirects_http(tmp_path):
    """In production, HTTPS answers carry HSTS, cookies are HTTPS-only, plain HTTP redirects."""
    result = _production("-c", PROBE, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["cookies"]["csrftoken"]["secure"] is True
    assert seen["plain_http"] == [301, "https://news.example.cn/healthz"]
