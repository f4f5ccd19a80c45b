"""The readers' page cache, on the real Redis: pages come from the cache, and a publish, a
withdrawal, a correction or a scheduled time shows on them at once."""

import os
import socket
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from newsroom import pagecache
from tests.factories import make_article, make_section

# Real commits, so that the services' on-commit cache invalidation runs as in production.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


def _redis_cache(port: int = REDIS[1]) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/15",
            # Suites may run side by side on one Redis: keep each run's keys apart.
            "KEY_PREFIX": f"pagecache-test-{os.getpid()}-{time.time_ns()}",
        }
    }


@pytest.fixture
def cached_site():
    """Page cache on, in Redis."""
    if not _redis_answers() and not os.environ.get("CI"):
        pytest.skip("no Redis at 127.0.0.1:6379")
    with override_settings(CACHES=_redis_cache(), PAGE_CACHE_SECONDS=300):
        pagecache.new_generation()
        yield


@pytest.fixture
def chief(transactional_db):
    return get_user_model().objects.create_superuser("chief", "chief@example.cn", "mima")


def _home(client) -> str:
    return client.get(reverse("articles:home")).content.decode()


def test_a_second_visit_is_served_without_the_database(
    cached_site, client, django_assert_num_queries
):
    """The home page, once made, comes from Redis with no query at all."""
    make_article(headline="缓存中的首页稿件")
    client.get(reverse("articles:home"))
    with django_assert_num_queries(0):
        response = client.get(reverse("articles:home"))
    assert "缓存中的首页稿件" in response.content.decode()


def test_publishing_shows_on_the_cached_home_page_at_once(cached_site, client, chief):
    """No waiting for a timeout: the publish service empties the cache."""
    article = make_article(headline="刚刚签发的稿件", status=Article.Status.APPROVED)
    assert "刚刚签发的稿件" not in _home(client)
    services.article_publish(article=article, user=chief)
    assert "刚刚签发的稿件" in _home(client)


def test_a_withdrawal_leaves_the_cached_pages_at_once(cached_site, client, chief):
    """The home page drops the story and its page answers 410."""
    article = make_article(headline="即将撤下的稿件")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200 and "即将撤下的稿件" in _home(client)
    services.article_withdraw(article=article, user=chief, reason="事实有误")
    assert "即将撤下的稿件" not in _home(client)
    assert client.get(url).status_code == 410


def test_a_correction_shows_on_the_cached_article_page_at_once(cached_site, client, chief):
    """The correction appears on the next request for the article."""
    article = make_article(headline="需要更正的稿件")
    url = article.get_absolute_url()
    client.get(url)
    services.article_correct(article=article, user=chief, kind="correction", text="第二段数字有误")
    assert "第二段数字有误" in client.get(url).content.decode()


def test_a_scheduled_story_appears_when_its_time_comes(cached_site, client):
    """Nothing calls a service at a scheduled time; the cache notices the time has passed."""
    make_article(headline="定时发布的稿件", published_at=timezone.now() + timedelta(seconds=2))
    pagecache.new_generation()  # as the publish service does
    assert "定时发布的稿件" not in _home(client)
    time.sleep(2.2)
    assert "定时发布的稿件" in _home(client)


def test_renaming_a_section_in_the_admin_shows_at_once(cached_site, client, admin_client):
    """Changes to what pages show besides articles empty the cache too."""
    section = make_section(name="旧栏目名", slug="jiu")
    make_article(section=section)
    assert "旧栏目名" in _home(client)
    response = admin_client.post(
        reverse("admin:articles_section_change", args=[section.pk]),
        {"name": "新栏目名", "slug": "jiu", "sort_order": 0, "description": ""},
    )
    assert response.status_code == 302
    assert "新栏目名" in _home(client)


def test_signed_in_staff_are_not_served_cached_pages(cached_site, client, admin_client):
    """A request with a session gets a fresh page, never one from the cache."""
    make_article(headline="给编辑看的新鲜页面")
    client.get(reverse("articles:home"))
    response = admin_client.get(reverse("articles:home"))
    assert "给编辑看的新鲜页面" in response.content.decode()
    key = pagecache._key(response.wsgi_request, pagecache._generation())
    assert pagecache._cache().get(key) is not None  # the reader's copy, not replaced by staff's


def test_admin_pages_are_never_cached(cached_site, admin_client):
    """The admin is made fresh for every request."""
    admin_client.get(reverse("admin:index"))
    response = admin_client.get(reverse("admin:index"))
    key = pagecache._key(response.wsgi_request, pagecache._generation())
    assert pagecache._cache().get(key) is None


def test_pages_are_served_when_redis_is_down(client):
    """With the cache server unreachable, readers still get pages from the database."""
    make_article(headline="缓存坏了也能看")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once the socket closes
    with override_settings(CACHES=_redis_cache(port), PAGE_CACHE_SECONDS=300):
        response = client.get(reverse("articles:home"))
    assert response.status_code == 200 and "缓存坏了也能看" in response.content.decode()


def test_a_redis_outage_is_logged_once_a_minute_not_once_a_request(client, caplog):
    """Ten readers while the cache server is unreachable: one warning with its traceback."""
    make_article(headline="缓存坏了也能看")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    pagecache._last_failure_logged = float("-inf")
    with override_settings(CACHES=_redis_cache(port), PAGE_CACHE_SECONDS=300):
        for _ in range(10):
            assert client.get(reverse("articles:home")).status_code == 200
    warnings = [r for r in caplog.records if r.name == "newsroom.pagecache"]
    assert len(warnings) == 1 and warnings[0].exc_info


@pytest.fixture
def fragments_only():
    """Whole pages not cached; their costly parts are, in Redis."""
    if not _redis_answers() and not os.environ.get("CI"):
        pytest.skip("no Redis at 127.0.0.1:6379")
    with override_settings(CACHES=_redis_cache(), PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE=True):
        pagecache.new_generation()
        yield
    pagecache.recent.clear()


def test_an_article_page_reads_its_story_from_the_fragment_cache(
    fragments_only, client, django_assert_max_num_queries
):
    """The second request for an article makes the page without reading the article again."""
    url = make_article(headline="片段缓存中的稿件", themes=["rencai"]).get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(0):
        response = client.get(url)
    assert "片段缓存中的稿件" in response.content.decode()


def test_a_correction_shows_through_the_fragment_cache_at_once(fragments_only, client, chief):
    """Fragments follow the same generations as pages: a correction is read afresh."""
    article = make_article(headline="片段里的更正")
    url = article.get_absolute_url()
    client.get(url)
    services.article_correct(article=article, user=chief, kind="correction", text="标题有误已更正")
    assert "标题有误已更正" in client.get(url).content.decode()


def test_a_cached_page_answers_a_matching_conditional_request_with_304(cached_site, client):
    """A page served from the cache still honours If-None-Match."""
    url = make_article(headline="条件请求与缓存").get_absolute_url()
    first = client.get(url)
    client.get(url)  # now in the cache
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_list_page_is_made_from_fragments_without_the_database(
    fragments_only, client, django_assert_max_num_queries
):
    """The second request for a page of a section list reads neither the section nor its
    stories: both come from fragments."""
    section = make_section(name="片段栏目", slug="pianduan")
    make_article(headline="列表片段里的稿件", section=section)
    url = reverse("articles:section", args=["pianduan"])
    client.get(url)
    with django_assert_max_num_queries(0):
        response = client.get(url)
    assert "列表片段里的稿件" in response.content.decode()


def test_publishing_shows_on_a_list_made_from_fragments_at_once(fragments_only, client, chief):
    """A story published after a list page was rendered and kept is on that page at once."""
    section = make_section(name="片段栏目", slug="pianduan")
    make_article(headline="先发的一篇", section=section)
    url = reverse("articles:section", args=["pianduan"])
    approved = make_article(headline="后发的一篇", section=section, status=Article.Status.APPROVED)
    assert "后发的一篇" not in client.get(url).content.decode()
    services.article_publish(article=approved, user=chief)
    assert "后发的一篇" in client.get(url).content.decode()


def test_a_worker_drops_its_own_copies_when_another_moves_the_generation(fragments_only, client):
    """Each worker keeps recent fragments in its memory. A change made through another worker
    moves the generation in Redis, and this worker's copies are no longer served."""
    section = make_section(name="片段栏目", slug="pianduan")
    story = make_article(headline="原来的标题", section=section)
    url = reverse("articles:section", args=["pianduan"])
    client.get(url)
    # The row changes behind this worker's back (no service call here) …
    Article.objects.filter(pk=story.pk).update(headline="另一台服务器改过的标题")
    assert "原来的标题" in client.get(url).content.decode()  # … its own copy is still served,
    pagecache.new_generation()  # … until the other worker's service moves the generation.
    assert "另一台服务器改过的标题" in client.get(url).content.decode()


def test_a_worker_keeps_at_most_the_configured_number_of_fragments(fragments_only, client):
    """The copies in a worker's memory are bounded: the least recently used go first."""
    section = make_section(name="片段栏目", slug="pianduan")
    for number in range(5):
        make_article(headline=f"第{number}篇", section=section)
    with override_settings(FRAGMENT_LOCAL_ENTRIES=3):
        for page in ("/", reverse("articles:section", args=["pianduan"]), "/regions/beijing/"):
            client.get(page)
        assert len(pagecache.recent) == 3


def test_an_unknown_list_is_not_remembered_as_missing(fragments_only, client):
    """A 404 for a section is not kept: once the section exists, its page answers."""
    url = reverse("articles:section", args=["houlai"])
    assert client.get(url).status_code == 404
    make_section(name="后来的栏目", slug="houlai")
    assert client.get(url).status_code == 200


def test_a_fragment_named_after_a_long_address_is_kept(fragments_only, recwarn):
    """A fragment name may carry what a reader typed (spaces, any length): it is kept under a
    digest, without a cache key warning, and read back."""
    name = "slug:taggit.Tag:" + "很长的 标签" * 60
    made = []
    for _ in range(2):
        assert pagecache.fragment(name, lambda: made.append(1) or "值") == "值"
    assert made == [1]
    assert not [w for w in recwarn if "CacheKeyWarning" in type(w.message).__name__]


def test_migrate_starts_a_new_generation(fragments_only):
    """A deploy runs migrate: what the code before it cached is not served by the code after."""
    from django.core.cache import cache
    from django.core.management import call_command

    before = cache.get(pagecache.GENERATION_KEY)
    call_command("migrate", verbosity=0)
    assert cache.get(pagecache.GENERATION_KEY) != before


def test_a_search_is_answered_from_fragments_without_the_database(
    fragments_only, client, django_assert_max_num_queries
):
    """The same search again reads nothing: its results were rendered and kept."""
    make_article(headline="雄安新区片段搜索", regions=["xiongan"])
    url = reverse("articles:search") + "?q=雄安"
    client.get(url)
    with django_assert_max_num_queries(0):
        response = client.get(url)
    assert "片段搜索" in response.content.decode()


def test_a_search_made_from_fragments_finds_a_story_published_since(fragments_only, client, chief):
    """A story published after a search was kept is found by the same search at once."""
    make_article(headline="雄安新区第一篇")
    approved = make_article(headline="雄安新区第二篇", status=Article.Status.APPROVED)
    url = reverse("articles:search") + "?q=雄安"
    assert "第二篇" not in client.get(url).content.decode()
    services.article_publish(article=approved, user=chief)
    assert "第二篇" in client.get(url).content.decode()


def test_a_feed_is_written_from_fragments_and_follows_a_publish(
    fragments_only, client, chief, django_assert_max_num_queries
):
    """The site feed is written once per content change: read again it costs no query, and a
    publish is in it at once."""
    make_article(headline="订阅里的第一篇")
    approved = make_article(headline="订阅里的第二篇", status=Article.Status.APPROVED)
    client.get("/feed/")
    with django_assert_max_num_queries(0):
        assert "订阅里的第一篇" in client.get("/feed/").content.decode()
    services.article_publish(article=approved, user=chief)
    assert "订阅里的第二篇" in client.get("/feed/").content.decode()


def test_a_sitemap_is_kept_whole_and_follows_a_publish(
    fragments_only, client, chief, django_assert_max_num_queries
):
    """Crawlers read the news sitemap again at no cost; a publish is in it at once."""
    make_article(headline="网站地图里的第一篇")
    approved = make_article(headline="网站地图里的第二篇", status=Article.Status.APPROVED)
    first = client.get("/sitemaps/news.xml")
    with django_assert_max_num_queries(0):
        again = client.get("/sitemaps/news.xml")
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    services.article_publish(article=approved, user=chief)
    assert "网站地图里的第二篇" in client.get("/sitemaps/news.xml").content.decode()


def test_a_missing_sitemap_is_still_a_404_when_kept_whole(fragments_only, client):
    """Only 200 answers are kept: a month without stories stays a 404."""
    assert client.get("/sitemaps/articles-1999-01.xml").status_code == 404
    assert client.get("/sitemaps/articles-1999-01.xml").status_code == 404


def test_a_template_fragment_is_rendered_once_per_generation(fragments_only):
    """`{% fragment %}` keeps what it renders until content changes, whatever else changes."""
    from django.template import engines

    template = engines["django"].from_string(
        '{% load fragments %}{% fragment "greeting" day %}{{ name }}，{{ day }}{% endfragment %}'
    )
    assert template.render({"name": "京津冀", "day": "周一"}) == "京津冀，周一"
    assert template.render({"name": "雄安", "day": "周一"}) == "京津冀，周一"  # kept
    assert template.render({"name": "雄安", "day": "周二"}) == "雄安，周二"  # another copy
    pagecache.new_generation()
    assert template.render({"name": "雄安", "day": "周一"}) == "雄安，周一"
