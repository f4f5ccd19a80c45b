"""Faults: the database going away and coming back while gunicorn serves readers."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from tests.servers import ROOT, free_port, gunicorn, own_postgres_server


def _get(url: str) -> tuple[int, str]:
    url = urllib.parse.quote(url, safe=":/?=&%")
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def own_postgres():
    """A migrated PostgreSQL of this test's own, holding one published story."""
    with own_postgres_server() as server:
        env = {
            **os.environ,
            "DATABASE_URL": server.url,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        }
        run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "timeout": 300}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
        story = (
            "from tests.factories import make_article; "
            "print(make_article(headline='雄安新区迎来首批疏解企业').get_absolute_url())"
        )
        made = subprocess.run([sys.executable, "manage.py", "shell", "-c", story], **run)
        server.article = made.stdout.decode().strip().splitlines()[-1]
        yield server


def _wait_for(url: str, status: int, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while True:
        code, _ = _get(url)
        if code == status or time.monotonic() > deadline:
            return code
        time.sleep(0.5)


@pytest.mark.parametrize(
    "connections",
    [{"CONN_MAX_AGE": "60"}, {"DATABASE_POOL": "4"}],
    ids=["persistent connections", "connection pool"],
)
def test_readers_get_a_chinese_503_while_the_database_is_down_and_pages_once_it_is_back(
    own_postgres, connections
):
    """Stop PostgreSQL under a running gunicorn: pages and /healthz answer 503 (a Chinese page,
    no traceback); start it again: the same gunicorn serves pages again, with no restart."""
    with gunicorn(database_url=own_postgres.url, **connections) as base:
        pages = [base + "/", base + own_postgres.article, base + "/regions/xiongan/"]
        assert [_get(url)[0] for url in pages] == [200, 200, 200]

        own_postgres.stop()
        for url in pages:
            code, body = _get(url)
            assert code == 503, url
            assert "暂时无法访问" in body and "Traceback" not in body, url
        assert _get(base + "/healthz")[0] == 503

        own_postgres.start()
        assert _wait_for(base + "/healthz", 200) == 200
        assert [_wait_for(url, 200) for url in pages] == [200, 200, 200]
        assert "雄安新区迎来首批疏解企业" in _get(base + own_postgres.article)[1]


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, which the test may kill."""
    executable = shutil.which("redis-server")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing under CI")
        pytest.skip("no redis-server: apt-get install redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)
    proc.url = f"redis://127.0.0.1:{port}/0"
    yield proc
    proc.kill()
    proc.wait()


def test_readers_pages_keep_coming_from_the_database_when_redis_goes_away(
    transactional_db, django_db_serialized_rollback, own_redis
):
    """Kill Redis under gunicorn: every page still answers 200, and a story published after
    it went away shows at once (nothing stale is served from anywhere)."""
    from tests.factories import make_article
    from tests.servers import database_url

    article = make_article(headline="雄安新区迎来首批疏解企业", tags=["疏解"], regions=["xiongan"])
    paths = ["/", article.get_absolute_url(), "/regions/xiongan/", "/tags/疏解/", "/feed/"]
    paths += ["/search/?q=雄安", "/sitemap.xml", "/healthz"]
    with gunicorn(
        database_url=database_url(connection.settings_dict),
        settings="tests.redis_settings",
        REDIS_URL=own_redis.url,
    ) as base:
        for _ in range(2):  # made, then served from Redis
            assert [_get(base + path)[0] for path in paths] == [200] * len(paths)
        own_redis.kill()
        own_redis.wait()
        assert [_get(base + path)[0] for path in paths] == [200] * len(paths)
        later = make_article(headline="京津冀三地共建知识产权保护分中心", hours_ago=0.1)
        assert later.headline in _get(base + "/")[1]
        assert _get(base + later.get_absolute_url())[0] == 200
