"""A real varnishd with the shipped VCL (deploy/varnish/default.vcl) in front of gunicorn: what
it keeps, what it passes straight through, and that the app's purges by tag
(newsroom/varnish.py) reach it. The rules of the VCL itself are also checked in front of a
small stand-in backend that answers as told and records what reached it."""

import functools
import http.client
import logging
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles import services
from articles.models import Article, Correction
from newsroom import varnish
from tests.factories import make_article, make_section
from tests.servers import VCL, database_url, free_port, gunicorn, varnishd_path
from tests.servers import varnish as varnish_server


def _require_varnishd() -> None:
    missing = _missing_varnish()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} under CI (.ci/run installs varnish and varnish-modules)")
        pytest.skip(f"{missing}: apt-get install varnish varnish-modules")


@functools.cache
def _missing_varnish() -> str | None:
    if varnishd_path() is None:
        return "no varnishd"
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [varnishd_path(), "-C", "-f", str(VCL)], cwd=folder, capture_output=True, text=True
        )
    if done.returncode and "Could not find VMOD" in done.stderr:
        return "no vmods xkey and var"
    return None


@dataclass
class Answer:
    status: int
    headers: Message
    body: str

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache")


def fetch(base: str, path: str, *, method: str = "GET", headers=None, source=None) -> Answer:
    """One request, no redirects followed, no cookies kept."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=source)
    try:
        conn.request(method, urllib.parse.quote(path, safe="/?=&%:"), headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read().decode(errors="replace"))
    finally:
        conn.close()


class Backend:
    """Stands in for gunicorn: answers each path as told (`answer`), 404 otherwise, and
    records every request but the health probe's."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
        self.seen: list[tuple[str, str, Message]] = []
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self):
                path = self.path.split("?")[0]
                if path == "/healthz":
                    status, headers, body, delay = 200, {"Cache-Control": "no-store"}, b"ok", 0
                else:
                    backend.seen.append((self.command, self.path, self.headers))
                    status, headers, body, delay = backend.routes.get(path, (404, {}, b"", 0))
                time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_POST = _respond

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(
        self, path: str, body: str = "page", status: int = 200, delay: float = 0, **headers: str
    ) -> None:
        """From now on answer `path` so, after `delay` seconds; header names with _ for -:
        Cache_Control=…"""
        headers = {name.replace("_", "-"): value for name, value in headers.items()}
        headers.setdefault("Cache-Control", "public, max-age=60")
        headers.setdefault("Content-Type", "text/html; charset=utf-8")
        self.routes[path] = (status, headers, body.encode(), delay)

    def requests_for(self, path: str) -> list[tuple[str, str, Message]]:
        return [seen for seen in self.seen if seen[1].split("?")[0] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def _stand_in():
    _require_varnishd()
    backend = Backend()
    try:
        with varnish_server(backend.base) as base:
            yield backend, base
    finally:
        backend.close()


@pytest.fixture
def stand_in(_stand_in, settings):
    """(backend, Varnish's base URL): Varnish in front of the stand-in, for the VCL's rules;
    newsroom.varnish purges it. One Varnish for the module: each test uses paths of its own."""
    backend, base = _stand_in
    settings.VARNISH_URLS = [base]
    return backend, base


@pytest.fixture
def site(django_db_serialized_rollback, transactional_db, settings):
    """Varnish's base URL, in front of gunicorn serving the committed test database; this
    process's purges, and gunicorn's, go to it."""
    _require_varnishd()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings.VARNISH_URLS = [url]
    with (
        gunicorn(database_url=database_url(connection.settings_dict), VARNISH_URLS=url) as app,
        varnish_server(app, port=port) as base,
    ):
        yield base


@pytest.fixture
def chief(transactional_db):
    return get_user_model().objects.create_superuser("chief", "", "jingjinji-zhiban-2026")


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_the_shipped_vcl_compiles_with_its_vmods(tmp_path):
    """`varnishd -C` accepts deploy/varnish/default.vcl as it ships, imports and all."""
    _require_varnishd()
    done = subprocess.run(
        [varnishd_path(), "-C", "-f", str(VCL)], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "libvmod_xkey" in done.stderr + done.stdout
    assert "libvmod_var" in done.stderr + done.stdout


# The VCL's rules, in front of the stand-in backend.


def test_purge_drops_exactly_the_objects_carrying_the_tag(stand_in):
    """purge(["article:123"]) drops the pages tagged article:123, and no other: not the one
    tagged article:1234, not the list both stories are on."""
    backend, base = stand_in
    backend.answer("/p1/story-123", xkey="article:123 section:5")
    backend.answer("/p1/other-story-123", xkey="article:123 list:latest")
    backend.answer("/p1/story-1234", xkey="article:1234 section:5")
    backend.answer("/p1/section-5", xkey="section:5 list:section:5")
    paths = ["/p1/story-123", "/p1/other-story-123", "/p1/story-1234", "/p1/section-5"]
    for path in paths:
        fetch(base, path)
        assert fetch(base, path).cache == "HIT"

    varnish.purge(["article:123"])

    assert [fetch(base, path).cache for path in paths] == ["MISS", "MISS", "HIT", "HIT"]
    assert [len(backend.requests_for(path)) for path in paths] == [2, 2, 1, 1]


def test_a_purge_of_one_tag_as_a_string_is_that_tag(stand_in):
    """purge("article:7001") drops that tag's pages, as purge(["article:7001"]) does."""
    backend, base = stand_in
    backend.answer("/p1b/story", xkey="article:7001")
    fetch(base, "/p1b/story")

    varnish.purge("article:7001")

    assert fetch(base, "/p1b/story").cache == "MISS"


def test_a_purged_page_is_never_served_from_grace(stand_in):
    """Once purged, a withdrawn story's page is gone: the very next request gets what the
    backend says now (410), not the kept page while it is fetched again."""
    backend, base = stand_in
    backend.answer("/p2/story", "京津冀报道", xkey="article:7002")
    fetch(base, "/p2/story")
    assert fetch(base, "/p2/story").cache == "HIT"
    backend.answer("/p2/story", "稿件已撤回", status=410, xkey="article:7002")

    varnish.purge(["article:7002"])

    answer = fetch(base, "/p2/story")
    assert (answer.status, answer.body) == (410, "稿件已撤回")


def test_a_page_being_made_during_a_purge_is_not_kept(stand_in):
    """A page whose fetch was under way when a purge came may have read the rows from before
    the change, and was not in the cache to be purged: the reader who asked for it gets it,
    the next reader a page made afresh."""
    backend, base = stand_in
    backend.answer("/p2b/home", "旧首页", xkey="home", delay=1)
    answers = []
    slow = threading.Thread(target=lambda: answers.append(fetch(base, "/p2b/home")))
    slow.start()
    deadline = time.monotonic() + 5
    while not backend.requests_for("/p2b/home") and time.monotonic() < deadline:
        time.sleep(0.01)  # until the backend is making the page
    backend.answer("/p2b/home", "新首页", xkey="home")

    varnish.purge(["home"])
    slow.join()

    assert answers[0].body == "旧首页"
    later = fetch(base, "/p2b/home")
    assert (later.cache, later.body) == ("MISS", "新首页")


def test_a_purge_of_more_tags_than_one_header_holds_goes_in_batches(stand_in):
    """2,000 tags (over 20 KB, past Varnish's 8 KB header line) still purge: the first and
    the last both go."""
    backend, base = stand_in
    tags = [f"article:{900000 + n}" for n in range(2000)]
    backend.answer("/p3/first", xkey=tags[0])
    backend.answer("/p3/last", xkey=tags[-1])
    for path in ("/p3/first", "/p3/last"):
        fetch(base, path)
        assert fetch(base, path).cache == "HIT"

    varnish.purge(tags)

    assert [fetch(base, path).cache for path in ("/p3/first", "/p3/last")] == ["MISS", "MISS"]


def test_an_answer_with_a_long_list_of_tags_is_kept_and_purged(stand_in):
    """A page naming a thousand things (13 KB of tags, three times over: xkey, Surrogate-Key,
    Cache-Tag) is kept, and goes with any one of its tags."""
    backend, base = stand_in
    tags = [f"tag:{800000 + n}" for n in range(1000)]
    backend.answer(
        "/p3b/feed", xkey=" ".join(tags), Surrogate_Key=" ".join(tags), Cache_Tag=",".join(tags)
    )
    fetch(base, "/p3b/feed")
    answer = fetch(base, "/p3b/feed")
    assert (answer.status, answer.cache) == (200, "HIT")

    varnish.purge([tags[-1]])

    assert fetch(base, "/p3b/feed").cache == "MISS"


def test_a_purge_from_outside_the_purgers_acl_is_refused(stand_in):
    """PURGE from an address the VCL's `purgers` ACL does not name is a 403 and drops
    nothing (127.0.0.2 is loopback, but not localhost)."""
    backend, base = stand_in
    backend.answer("/p4/story", xkey="article:7004")
    fetch(base, "/p4/story")

    answer = fetch(
        base,
        "/",
        method="PURGE",
        headers={"xkey-purge": "article:7004"},
        source=("127.0.0.2", 0),
    )

    assert answer.status == 403
    assert fetch(base, "/p4/story").cache == "HIT"


def test_tags_are_not_shown_to_readers_unless_debugging(stand_in):
    """xkey, Surrogate-Key and Cache-Tag stay between the app and the caches; X-Cache-Debug
    (from a purger's address) shows them."""
    backend, base = stand_in
    backend.answer(
        "/p5/story", xkey="article:7005 nav", Surrogate_Key="article:7005 nav",
        Cache_Tag="article:7005,nav",
    )  # fmt: skip

    plain = fetch(base, "/p5/story")
    debugging = fetch(base, "/p5/story", headers={"X-Cache-Debug": "1"})

    assert [plain.headers.get(name) for name in ("xkey", "Surrogate-Key", "Cache-Tag")] == [
        None,
        None,
        None,
    ]
    assert debugging.headers["xkey"] == "article:7005 nav"
    assert debugging.headers["Surrogate-Key"] == "article:7005 nav"
    assert debugging.headers["Cache-Tag"] == "article:7005,nav"


def test_answers_that_set_a_cookie_or_are_private_are_not_kept(stand_in):
    """An answer setting a cookie, or marked private or no-store, was made for one person:
    every request goes to the backend."""
    backend, base = stand_in
    backend.answer("/p6/cookie", xkey="nav", Set_Cookie="csrftoken=abc; Path=/")
    backend.answer("/p6/private", xkey="nav", Cache_Control="private, max-age=60")
    backend.answer("/p6/no-store", xkey="nav", Cache_Control="no-store")
    for path in ("/p6/cookie", "/p6/private", "/p6/no-store"):
        assert [fetch(base, path).cache for _ in range(3)] == ["MISS"] * 3
        assert len(backend.requests_for(path)) == 3


def test_readers_cookies_are_stripped_and_their_pages_shared(stand_in):
    """A reader's cookies (a CSRF token from a visit to the desk, an analytics cookie) never
    reach the backend, and do not keep the reader from the shared copy."""
    backend, base = stand_in
    backend.answer("/p7/story", xkey="article:7007")

    first = fetch(base, "/p7/story", headers={"Cookie": "csrftoken=abc; _ga=GA1.2.3"})
    second = fetch(base, "/p7/story", headers={"Cookie": "_ga=GA1.9.9"})

    assert (first.cache, second.cache) == ("MISS", "HIT")
    [(_, _, headers)] = backend.requests_for("/p7/story")
    assert headers.get("Cookie") is None


def test_a_session_and_a_post_keep_their_cookies_and_pass(stand_in):
    """With the session cookie, or for a POST, the request goes to the backend as it came,
    cookies and all, and nothing is kept."""
    backend, base = stand_in
    backend.answer("/p8/story", xkey="article:7008")
    fetch(base, "/p8/story")
    cookie = "csrftoken=abc; sessionid=s3ss10n"

    gets = [fetch(base, "/p8/story", headers={"Cookie": cookie}) for _ in range(2)]
    post = fetch(base, "/p8/story", method="POST", headers={"Cookie": "csrftoken=abc"})

    assert [answer.cache for answer in [*gets, post]] == ["MISS", "MISS", "MISS"]
    cookies = [headers.get("Cookie") for _, _, headers in backend.requests_for("/p8/story")]
    assert cookies == [None, cookie, cookie, "csrftoken=abc"]


@pytest.mark.parametrize("path", ["/admin/p9/", "/preview/p9-token/", "/healthz", "/ping"])
def test_the_desk_previews_and_health_checks_are_passed(stand_in, path):
    """The admin, previews, /healthz and /ping go to the backend every time, cookies and
    all, even when the answer would be cacheable."""
    backend, base = stand_in
    if path != "/healthz":  # the stand-in answers its own /healthz, unrecorded
        backend.answer(path.split("?")[0], xkey="nav")
    answers = [fetch(base, path, headers={"Cookie": "csrftoken=abc"}) for _ in range(2)]
    assert [answer.cache for answer in answers] == ["MISS", "MISS"]
    if path != "/healthz":
        assert [h.get("Cookie") for _, _, h in backend.requests_for(path)] == ["csrftoken=abc"] * 2


def test_trackers_parameters_are_dropped_and_the_rest_sorted(stand_in):
    """utm_*, fbclid, gclid, WeChat's from/isappinstalled …: dropped before the backend sees
    the address; the parameters left are sorted, so their order makes no new object."""
    backend, base = stand_in
    backend.answer("/p10/search/", xkey="list:latest")

    first = fetch(base, "/p10/search/?utm_source=wx&q=雄安&fbclid=1&page=2&from=timeline")
    again = [
        fetch(base, "/p10/search/?page=2&q=雄安&utm_medium=social&gclid=9"),
        fetch(base, "/p10/search/?q=雄安&isappinstalled=0&page=2"),
    ]
    other_page = fetch(base, "/p10/search/?q=雄安&page=3")

    assert first.cache == "MISS"
    assert [answer.cache for answer in again] == ["HIT", "HIT"]
    assert other_page.cache == "MISS"
    q = urllib.parse.quote("雄安")
    assert [path for _, path, _ in backend.requests_for("/p10/search/")] == [
        f"/p10/search/?page=2&q={q}",
        f"/p10/search/?page=3&q={q}",
    ]


def test_only_trackers_parameters_leave_no_query_string(stand_in):
    """/?utm_source=N is the home page itself: one object for every N and for /."""
    backend, base = stand_in
    backend.answer("/p11/", xkey="home")
    answers = [fetch(base, f"/p11/?utm_source={n}&utm_campaign=x") for n in range(5)]
    assert [answer.cache for answer in answers] == ["MISS"] + ["HIT"] * 4
    assert fetch(base, "/p11/").cache == "HIT"
    assert [path for _, path, _ in backend.requests_for("/p11/")] == ["/p11/"]


def test_http_and_https_requests_get_objects_of_their_own(stand_in):
    """An answer made for X-Forwarded-Proto: http (production's redirect to https) is never
    served to an https request."""
    backend, base = stand_in
    backend.answer("/p12/", xkey="home")
    http_answer = fetch(base, "/p12/", headers={"X-Forwarded-Proto": "http"})
    https_answers = [fetch(base, "/p12/", headers={"X-Forwarded-Proto": "https"}) for _ in "ab"]
    assert [http_answer.cache, *[answer.cache for answer in https_answers]] == [
        "MISS",
        "MISS",
        "HIT",
    ]


def test_tagged_answers_are_kept_for_an_hour_unless_s_maxage_says_less(stand_in):
    """A tagged answer is kept past its max-age (purges keep it fresh); s-maxage is the app's
    word for shared caches and is kept to: after it the page is fetched again (in the
    background, the kept one served meanwhile)."""
    backend, base = stand_in
    backend.answer("/p13/tagged", xkey="article:7013", Cache_Control="public, max-age=1")
    backend.answer(
        "/p13/s-maxage", xkey="article:7013", Cache_Control="public, max-age=60, s-maxage=1"
    )
    fetch(base, "/p13/tagged")
    fetch(base, "/p13/s-maxage")
    time.sleep(2.2)

    assert fetch(base, "/p13/tagged").cache == "HIT"
    assert fetch(base, "/p13/s-maxage").cache == "HIT"  # from grace, while fetched again
    deadline = time.monotonic() + 5
    while len(backend.requests_for("/p13/s-maxage")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(backend.requests_for("/p13/tagged")) == 1
    assert len(backend.requests_for("/p13/s-maxage")) == 2


def test_an_error_while_refreshing_keeps_the_old_page(stand_in):
    """When the background fetch of an expired page gets a 5xx, readers keep the old page
    (from grace), never the error."""
    backend, base = stand_in
    backend.answer("/p14/", "首页", xkey="home", Cache_Control="public, s-maxage=1")
    fetch(base, "/p14/")
    time.sleep(1.5)
    backend.answer("/p14/", "出错了", status=500, Cache_Control="no-store")

    answers = []
    for _ in range(3):
        answers.append(fetch(base, "/p14/"))
        time.sleep(0.2)

    assert [(answer.status, answer.body) for answer in answers] == [(200, "首页")] * 3
    assert len(backend.requests_for("/p14/")) >= 2  # it did try again


# Purges to Varnish servers that do not answer.


@pytest.fixture
def silent_server():
    """An address that takes connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_a_purge_to_a_varnish_that_does_not_answer_logs_once_and_returns(
    kind, silent_server, settings, caplog
):
    """Nothing listening, or a server that never answers: purge() returns within its tries'
    timeouts, raises nothing, and logs one warning naming the server and the tags."""
    url = silent_server if kind == "silent" else f"http://127.0.0.1:{free_port()}"
    settings.VARNISH_URLS = [url]
    settings.VARNISH_TIMEOUT = 0.2

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="newsroom.varnish"):
        varnish.purge(["article:123", "home"])
    took = time.monotonic() - started

    assert took < varnish.ATTEMPTS * 0.2 + 0.5
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert url in record.getMessage() and "article:123 home" in record.getMessage()


def test_one_silent_varnish_does_not_keep_the_others_from_being_purged(
    stand_in, silent_server, settings, caplog
):
    """With a silent Varnish first in VARNISH_URLS, the live one still drops the page, and
    the silent one is the only warning."""
    backend, base = stand_in
    backend.answer("/p15/story", xkey="article:7015")
    fetch(base, "/p15/story")
    settings.VARNISH_URLS = [silent_server, base]
    settings.VARNISH_TIMEOUT = 0.2

    with caplog.at_level(logging.WARNING, logger="newsroom.varnish"):
        varnish.purge(["article:7015"])

    assert fetch(base, "/p15/story").cache == "MISS"
    assert [silent_server in record.getMessage() for record in caplog.records] == [True]


def test_no_varnish_configured_is_nothing_to_do(settings, caplog):
    """Without VARNISH_URLS (the default) a purge sends nothing and logs nothing."""
    settings.VARNISH_URLS = []
    with caplog.at_level(logging.DEBUG, logger="newsroom.varnish"):
        varnish.purge(["article:1"])
    assert caplog.records == []


# The site itself behind Varnish.


def test_an_anonymous_page_is_served_from_varnish_the_second_time(site):
    """The home page and a story's page: made by gunicorn once, then from Varnish."""
    article = make_article(headline="雄安新区中关村科技园开园")
    for path in ("/", article.get_absolute_url()):
        first, second = fetch(site, path), fetch(site, path)
        assert (first.status, second.status) == (200, 200)
        assert (first.cache, second.cache) == ("MISS", "HIT")
        assert "雄安新区中关村科技园开园" in second.body


def test_a_logged_in_editor_is_never_served_from_the_cache(site, chief):
    """With a session cookie, pages come from gunicorn each time, even those readers get from
    the cache."""
    make_article()
    fetch(site, "/")
    assert fetch(site, "/").cache == "HIT"
    cookie = session_cookie(chief)
    answers = [fetch(site, "/", headers={"Cookie": cookie}) for _ in range(2)]
    assert [(answer.status, answer.cache) for answer in answers] == [(200, "MISS")] * 2


def test_the_admin_is_never_cached_and_gets_its_cookies(site, chief):
    """The login page and the desk come from gunicorn every time; the CSRF cookie reaches
    Django (it sends the same token back), and a logged-in desk page is the editor's."""
    token = "a" * 32
    logins = [
        fetch(site, "/admin/login/", headers={"Cookie": f"csrftoken={token}"}) for _ in range(2)
    ]
    assert [(answer.status, answer.cache) for answer in logins] == [(200, "MISS")] * 2
    assert all(f"csrftoken={token};" in answer.headers["Set-Cookie"] for answer in logins)

    cookie = session_cookie(chief)
    desks = [fetch(site, "/admin/", headers={"Cookie": cookie}) for _ in range(2)]
    assert [(answer.status, answer.cache) for answer in desks] == [(200, "MISS")] * 2
    assert all("chief" in answer.body for answer in desks)


def test_a_preview_link_is_never_cached(site, chief):
    """An unpublished story's preview link is answered by gunicorn every time."""
    draft = make_article(headline="尚未发布的稿件", status=Article.Status.DRAFT)
    link = services.preview_link_create(article=draft, user=chief)
    answers = [fetch(site, link.get_absolute_url()) for _ in range(2)]
    assert [(answer.status, answer.cache) for answer in answers] == [(200, "MISS")] * 2
    assert "尚未发布的稿件" in answers[1].body


def test_a_readers_cookies_do_not_keep_the_page_from_the_cache(site):
    """A reader carrying cookies (a CSRF token from the desk's login page) gets the shared
    copy, and no cookie is set on it."""
    make_article()
    first = fetch(site, "/", headers={"Cookie": "csrftoken=" + "b" * 32})
    second = fetch(site, "/", headers={"Cookie": "csrftoken=" + "c" * 32 + "; _ga=1"})
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert second.headers.get("Set-Cookie") is None


def test_junk_parameters_share_one_object(site):
    """/?utm_source=N for any N, and /, are one object in Varnish."""
    make_article()
    answers = [fetch(site, f"/?utm_source={n}") for n in range(5)]
    assert [answer.cache for answer in answers] == ["MISS"] + ["HIT"] * 4
    assert fetch(site, "/").cache == "HIT"


def test_readers_pages_carry_their_tags(site):
    """Each reader's answer names what it was made from (seen with X-Cache-Debug)."""
    article = make_article()
    answer = fetch(site, article.get_absolute_url(), headers={"X-Cache-Debug": "1"})
    tags = answer.headers.get("xkey", "").split()
    assert f"article:{article.pk}" in tags
    assert answer.headers["Surrogate-Key"].split() == tags
    assert answer.headers["Cache-Tag"].split(",") == tags


def test_a_published_story_is_on_the_cached_pages_at_once(site, chief):
    """The home page, the section and the feed, all kept by Varnish, show a story the moment
    the duty editor publishes it."""
    section = make_section(name="协同发展", slug="xietong")
    make_article(section=section)
    waiting = make_article(
        headline="京津冀协同发展新稿件", section=section, status=Article.Status.APPROVED
    )
    paths = ["/", "/sections/xietong/", "/feed/"]
    for path in paths:
        fetch(site, path)
        assert fetch(site, path).cache == "HIT"

    services.article_publish(article=waiting, user=chief)

    for path in paths:
        assert "京津冀协同发展新稿件" in fetch(site, path).body, path


def test_a_scheduled_story_is_on_the_cached_home_page_when_its_time_comes(site, chief):
    """A story scheduled a few seconds ahead is on the home page Varnish keeps within a few
    seconds of its time, with nobody touching the desk meanwhile."""
    make_article()
    waiting = make_article(headline="定时发布的稿件", status=Article.Status.APPROVED)
    services.article_publish(article=waiting, user=chief, at=timezone.now() + timedelta(seconds=3))
    fetch(site, "/")
    home = fetch(site, "/")
    assert home.cache == "HIT" and "定时发布的稿件" not in home.body

    deadline = time.monotonic() + 15
    while "定时发布的稿件" not in home.body and time.monotonic() < deadline:
        time.sleep(0.5)
        home = fetch(site, "/")
    assert "定时发布的稿件" in home.body


def test_a_withdrawn_story_is_410_at_once(site, chief):
    """Withdrawn: its page answers 410 at the very next request (not from grace), and it is
    off the cached home page."""
    article = make_article(headline="将被撤回的稿件")
    for path in (article.get_absolute_url(), "/"):
        fetch(site, path)
        assert fetch(site, path).cache == "HIT"

    services.article_withdraw(article=article, user=chief, reason="事实有误")

    assert fetch(site, article.get_absolute_url()).status == 410
    assert "将被撤回的稿件" not in fetch(site, "/").body


def test_a_correction_is_on_the_cached_page_at_once(site, chief):
    """A correction shows on the story's cached page at the next request; an unrelated
    story's page stays in the cache."""
    article = make_article(section=make_section())
    other = make_article(section=make_section(), regions=["fengtai"])
    for path in (article.get_absolute_url(), other.get_absolute_url()):
        fetch(site, path)
        assert fetch(site, path).cache == "HIT"

    services.article_correct(
        article=article, user=chief, kind=Correction.Kind.CORRECTION, text="更正：数字有误。"
    )

    assert "更正：数字有误。" in fetch(site, article.get_absolute_url()).body
    assert fetch(site, other.get_absolute_url()).cache == "HIT"
