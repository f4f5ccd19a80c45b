import pytest

pytestmark = pytest.mark.django_db


def test_ping_answers_without_the_database(client, django_assert_num_queries):
    """/ping, the load benchmark's ceiling, is a 200 with a short body and no query."""
    with django_assert_num_queries(0):
        response = client.get("/ping")
    assert (response.status_code, response.content) == (200, b"pong")


def test_ping_goes_through_the_middleware(client):
    """The ceiling pays for the same middleware as every page (here: the clickjacking header)."""
    assert client.get("/ping")["X-Frame-Options"] == "DENY"
