"""Read replicas: readers read from the replica, staff and writes use the primary."""

import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_article

pytestmark = [
    pytest.mark.skipif(
        "replica" not in settings.DATABASES, reason="read replicas are a PostgreSQL deployment's"
    ),
    # Committed rows: the replica connection, like a real replica, sees only what is committed.
    pytest.mark.django_db(
        databases=["default", "replica"], transaction=True, serialized_rollback=True
    ),
]
ROUTED = override_settings(DATABASE_ROUTERS=["newsroom.replicas.ReplicaRouter"])


def _queries(client, url):
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(url)
    return response, len(replica), len(primary)


@ROUTED
def test_an_anonymous_reader_reads_from_the_replica(client):
    """The home page's queries all go to the replica."""
    make_article(headline="从副本读出的稿件")
    response, on_replica, on_primary = _queries(client, reverse("articles:home"))
    assert "从副本读出的稿件" in response.content.decode()
    assert on_replica > 0 and on_primary == 0


@ROUTED
def test_staff_read_from_the_primary(admin_client):
    """A signed-in editor never reads a replica that may lag behind their last save."""
    make_article()
    response, on_replica, on_primary = _queries(admin_client, reverse("articles:home"))
    assert response.status_code == 200 and on_replica == 0 and on_primary > 0
