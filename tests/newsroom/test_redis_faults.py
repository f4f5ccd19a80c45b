"""Faults of the cache server under the real gunicorn: a Redis of the test's own, hung with
SIGSTOP, killed, and restarted from an old dump. Pages keep answering in milliseconds, nothing
withdrawn comes back, and the desk keeps working."""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import redis
from django.contrib.auth import get_user_model
from django.db import connection

from articles import services
from tests.factories import make_article
from tests.servers import database_url, free_port, gunicorn

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _get(url: str, opener=None) -> tuple[int, dict, str]:
    url = urllib.parse.quote(url, safe=":/?=&%")
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=15) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class RedisServer:
    """redis-server on a free port, keeping its dump in `folder`."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            if os.environ.get("CI"):
                pytest.fail("redis-server is missing under CI")
            pytest.skip("no redis-server: apt-get install redis-server")
        self.proc = subprocess.Popen(
            [
                *(executable, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", self.folder, "--dbfilename", "dump.rdb"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_timeout=1).ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=2)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGCONT)
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(str(tmp_path))
    server.start()
    yield server
    server.kill()


def _site(own_redis, **env):
    return gunicorn(
        database_url=database_url(connection.settings_dict),
        settings="tests.redis_settings",
        REDIS_URL=own_redis.url,
        **env,
    )


def test_a_hung_redis_costs_a_short_wait_and_healthz_says_degraded(own_redis):
    """SIGSTOP the cache server: readers' pages answer from the database after one short
    socket timeout, then without waiting at all; /healthz stays 200 and says the cache is
    degraded; once Redis runs again pages come from it again."""
    story = make_article(headline="缓存挂起时的稿件", regions=["xiongan"])
    paths = ["/", story.get_absolute_url(), "/regions/xiongan/", "/feed/"]
    with _site(own_redis, CACHE_RETRY_SECONDS="2") as base:
        for path in paths * 2:
            assert _get(base + path)[0] == 200
        own_redis.proc.send_signal(signal.SIGSTOP)
        waits = []
        for path in paths * 3:
            started = time.monotonic()
            status, _, body = _get(base + path)
            waits.append(time.monotonic() - started)
            assert status == 200
        assert "缓存挂起时的稿件" in body
        assert max(waits) < 3, waits  # not gunicorn's 30 s timeout
        status, _, body = _get(base + "/healthz")
        assert status == 200 and json.loads(body)["cache"] == "degraded"
        own_redis.proc.send_signal(signal.SIGCONT)
        time.sleep(2.5)
        assert json.loads(_get(base + "/healthz")[2])["cache"] == "ok"
        _get(base + paths[1])
        assert _get(base + paths[1])[1]["X-Page-Cache"] == "hit"


def test_a_withdrawn_story_stays_gone_when_redis_comes_back_from_an_old_dump(own_redis):
    """SAVE, withdraw, kill -9, restart from the dump: the dump holds the story's pages made
    before the withdrawal, but the database's tag versions have moved past them."""
    story = make_article(headline="撤稿后又回来的稿件")
    url = story.get_absolute_url()
    chief = get_user_model().objects.create_superuser("chief", "chief@example.cn", "mima")
    # No copies in the worker's memory: every page is read back from Redis.
    with _site(own_redis, PAGE_CACHE_LOCAL_ENTRIES="0") as base:
        pages = [url, "/", "/feed/"]
        for path in pages:
            _get(base + path)
        assert [_get(base + path)[1]["X-Page-Cache"] for path in pages] == ["hit"] * 3
        own_redis.client().save()
        services.article_withdraw(article=story, user=chief, reason="事实有误")
        assert _get(base + url)[0] == 410
        own_redis.kill()
        own_redis.start()  # from the dump made before the withdrawal
        assert any(b"page:" in key for key in own_redis.client().keys("*"))
        assert _get(base + url)[0] == 410
        assert story.headline not in _get(base + "/")[2]
        assert story.headline not in _get(base + "/feed/")[2]


def test_the_desk_signs_in_and_works_while_redis_is_down(own_redis):
    """Sessions are in the database: with Redis killed an editor signs in, opens a story and
    withdraws it, and readers see the withdrawal."""
    story = make_article(headline="停电时撤下的稿件")
    get_user_model().objects.create_superuser("chief", "chief@example.cn", "mima-mima-1234")
    with _site(own_redis) as base:
        own_redis.kill()
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        status, _, form = _get(base + "/admin/login/", opener)
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "chief", "password": "mima-mima-1234"}
        ).encode()
        request = urllib.request.Request(
            base + "/admin/login/?next=/admin/", data=data, headers={"Referer": base}
        )
        with opener.open(request, timeout=15) as response:
            assert response.status == 200 and "/admin/" in response.url
        change = f"/admin/articles/article/{story.pk}/change/"
        assert _get(base + change, opener)[0] == 200
        withdraw = base + f"/admin/articles/article/{story.pk}/workflow/withdraw/"
        status, _, page = _get(withdraw, opener)
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "reason": "事实有误"})
        request = urllib.request.Request(withdraw, data=data.encode(), headers={"Referer": base})
        with opener.open(request, timeout=15) as response:
            assert response.status == 200
        assert _get(base + story.get_absolute_url())[0] == 410
