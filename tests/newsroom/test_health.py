import pytest
from django.db import DatabaseError

from newsroom import views

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok(client):
    """With the database answering, /healthz is 200 with both checks ok."""
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})


def test_healthz_is_never_cached(client):
    """A load balancer always gets a fresh answer."""
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_healthz_reports_a_database_outage(client, monkeypatch):
    """When the database fails, /healthz is 503 and says so."""

    class BrokenConnection:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (
        503,
        {"status": "error", "database": "unavailable"},
    )
