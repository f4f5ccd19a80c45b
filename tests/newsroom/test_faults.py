"""Faults: the database going away and coming back while gunicorn serves readers."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.servers import ROOT, OwnPostgres, gunicorn, postgres_bin


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def own_postgres():
    """A migrated PostgreSQL of this test's own, holding one published story."""
    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs are missing under CI")
        pytest.skip("no /usr/lib/postgresql/*/bin: apt-get install postgresql")
    server = OwnPostgres()
    try:
        server.init()
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
    finally:
        server.remove()


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
