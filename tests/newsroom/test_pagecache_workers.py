"""The embedded default (no Redis): each gunicorn worker keeps pages in its own memory, and a
change made anywhere reaches every worker's copies at once, because copies are checked against
the tag versions in the database."""

import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from articles import services
from articles.models import Article
from tests.factories import make_article
from tests.servers import database_url, gunicorn

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _get(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=15) as response:
        return response.headers["X-Page-Cache"], response.read().decode()


def test_every_worker_shows_a_publish_at_once_without_redis():
    """Two workers, both holding the home page; a publish by the desk (another process) is on
    the next answer of either, and the pages it did not touch stay cached."""
    chief = get_user_model().objects.create_superuser("chief", "chief@example.cn", "mima")
    old = make_article(headline="早些时候的稿件", hours_ago=24 * 30, tags=["旧闻"])
    with gunicorn(
        database_url=database_url(connection.settings_dict),
        settings="tests.local_cache_settings",
        GUNICORN_WORKERS="2",
        GUNICORN_WORKER_CLASS="sync",
    ) as base:
        for _ in range(20):  # both workers make and keep both pages
            _get(base + "/")
            _get(base + old.get_absolute_url())
        story = make_article(headline="刚签发的本地缓存稿件", status=Article.Status.APPROVED)
        services.article_publish(article=story, user=chief)
        homes = [_get(base + "/")[1] for _ in range(20)]
        assert all("刚签发的本地缓存稿件" in home for home in homes)
        assert {_get(base + old.get_absolute_url())[0] for _ in range(10)} == {"hit"}
