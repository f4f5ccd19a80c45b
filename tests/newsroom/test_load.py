"""Under load: concurrent readers on gunicorn while the desk publishes and corrects."""

import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import connection

from articles import services
from articles.models import Article, Correction
from tests.factories import make_article, make_section
from tests.servers import database_url, gunicorn

READERS = 6
REQUESTS_PER_READER = 50


def _fetch(url: str) -> tuple[int, str]:
    url = urllib.parse.quote(url, safe=":/?=&%")
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_readers_get_no_error_while_editors_publish_and_correct(
    transactional_db, django_db_serialized_rollback
):
    """Six readers, at least 300 requests over home, articles, lists, feed, search and sitemaps,
    reading until five stories are published and three corrected: every answer is 200, and
    afterwards every published story is on its page, the home page and the feed."""
    section = make_section(name="协同发展", slug="xietong")
    published = [
        make_article(headline=f"京津冀协同发展已发稿件{n}", section=section, regions=["xiongan"])
        for n in range(8)
    ]
    waiting = [
        make_article(headline=f"京津冀协同发展待发稿件{n}", section=section, status="approved")
        for n in range(5)
    ]
    chief = get_user_model().objects.create_superuser("chief", "", "jingjinji-zhiban-2026")
    paths = ["/", "/feed/", "/sections/xietong/", "/regions/xiongan/", "/search/?q=协同发展"]
    paths += ["/sitemap.xml", "/jingjinji/", *[a.get_absolute_url() for a in published]]

    statuses: Counter = Counter()
    failures: list[str] = []
    with gunicorn(
        # Production's workers (sync, behind a proxy); these readers are plain HTTP clients.
        database_url=database_url(connection.settings_dict),
        GUNICORN_WORKER_CLASS="sync",
        GUNICORN_WORKERS="2",
    ) as base:
        desk_done = threading.Event()

        def read(seed: int) -> None:
            chooser = random.Random(seed)
            made = 0
            while made < REQUESTS_PER_READER or not desk_done.is_set():
                made += 1
                path = chooser.choice(paths)
                try:
                    status, _ = _fetch(base + path)
                except OSError as error:  # a refused or dropped connection is an error too
                    failures.append(f"{path}: {error}")
                    continue
                statuses[status] += 1
                if status != 200:
                    failures.append(f"{path}: {status}")

        readers = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
        for reader in readers:
            reader.start()
        # Spread over the readers' run, so that pages are made while the rows change.
        for article in waiting:
            time.sleep(0.2)
            services.article_publish(article=article, user=chief)
        for article in published[:3]:
            time.sleep(0.2)
            services.article_correct(
                article=article,
                user=chief,
                kind=Correction.Kind.CORRECTION,
                text="更正：数字有误。",
            )
        desk_done.set()
        for reader in readers:
            reader.join()

        assert failures == []
        assert set(statuses) == {200}
        assert statuses[200] >= READERS * REQUESTS_PER_READER
        home, feed = _fetch(base + "/")[1], _fetch(base + "/feed/")[1]
        for article in Article.objects.filter(pk__in=[a.pk for a in waiting]):
            assert article.status == Article.Status.PUBLISHED
            status, page = _fetch(base + article.get_absolute_url())
            assert status == 200 and article.headline in page
            assert article.headline in home
            assert article.headline in feed
        for article in published[:3]:
            assert "更正：数字有误。" in _fetch(base + article.get_absolute_url())[1]
