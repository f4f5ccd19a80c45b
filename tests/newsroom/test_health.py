import json
import urllib.error
import urllib.request

import pytest

from tests.servers import free_port, gunicorn

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok(client):
    """With the database answering, /healthz is 200 with both checks ok."""
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "ok", "cache": "off"},
    )


def test_healthz_is_never_cached(client):
    """A load balancer always gets a fresh answer."""
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_healthz_reports_an_unreachable_database():
    """gunicorn pointed at a PostgreSQL port where nothing listens answers /healthz with 503."""
    nowhere = f"postgres://root@127.0.0.1:{free_port()}/test"
    with gunicorn(database_url=nowhere) as base:
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{base}/healthz", timeout=10)
    assert error.value.code == 503
    assert json.loads(error.value.read()) == {"status": "error", "database": "unavailable"}


def test_pages_answer_a_chinese_503_when_the_database_is_unreachable():
    """With no database, a reader's page is the 503 page: Chinese, no traceback, not cached."""
    nowhere = f"postgres://root@127.0.0.1:{free_port()}/test"
    with gunicorn(database_url=nowhere) as base:
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{base}/", timeout=10)
    assert error.value.code == 503
    assert error.value.headers["Retry-After"] == "30"
    assert "no-store" in error.value.headers["Cache-Control"]
    body = error.value.read().decode()
    assert "<h1>暂时无法访问</h1>" in body
    assert "Traceback" not in body
