"""The readers' page cache, on the real Redis: pages come from the cache, and a publish, a
withdrawal, a correction or a scheduled time shows on them at once; only what a change touched
is made again."""

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
from articles.models import Article, Section
from newsroom import pagecache
from newsroom.pagecache import store, versions
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
    with override_settings(CACHES=_redis_cache(), PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE=True):
        store.local.clear()
        yield
    store.local.clear()


@pytest.fixture
def chief(transactional_db):
    return get_user_model().objects.create_superuser("chief", "chief@example.cn", "mima")


def _home(client) -> str:
    return client.get(reverse("articles:home")).content.decode()


def _page_cache(response) -> str:
    return response["X-Page-Cache"]


def test_a_second_visit_is_served_from_the_cache_with_one_query(
    cached_site, client, django_assert_num_queries
):
    """The home page, once made, comes from the cache; the one query reads the clock that
    says nothing on it changed."""
    make_article(headline="缓存中的首页稿件")
    assert _page_cache(client.get(reverse("articles:home"))) == "miss"
    with django_assert_num_queries(1):
        response = client.get(reverse("articles:home"))
    assert _page_cache(response) == "hit"
    assert "缓存中的首页稿件" in response.content.decode()


def test_a_page_from_redis_is_served_by_a_worker_that_never_made_it(cached_site, client):
    """Workers share pages through Redis: with this worker's own copies gone, the page still
    comes from the cache."""
    make_article(headline="共享的页面")
    client.get(reverse("articles:home"))
    store.local.clear()  # as if another worker answered
    assert _page_cache(client.get(reverse("articles:home"))) == "hit"


def test_publishing_shows_on_the_cached_home_page_at_once(cached_site, client, chief):
    """No waiting for a timeout: the publish moves the home page's tags."""
    article = make_article(headline="刚刚签发的稿件", status=Article.Status.APPROVED)
    assert "刚刚签发的稿件" not in _home(client)
    services.article_publish(article=article, user=chief)
    assert "刚刚签发的稿件" in _home(client)


def test_an_old_story_stays_cached_through_todays_publishes(cached_site, client, chief):
    """A 2019 story's page shares nothing with today's story: it is not made again."""
    old = make_article(headline="二〇一九年的稿件", hours_ago=24 * 365 * 6, tags=["旧闻"])
    url = old.get_absolute_url()
    client.get(url)
    today = make_article(headline="今天的稿件", status=Article.Status.APPROVED, tags=["新闻"])
    services.article_publish(article=today, user=chief)
    assert _page_cache(client.get(url)) == "hit"
    assert "今天的稿件" in _home(client)


def test_a_publish_leaves_other_sections_lists_cached(cached_site, client, chief):
    """Only the lists the story joins are made again."""
    here, there = make_section(name="这里", slug="zheli"), make_section(name="那里", slug="nali")
    make_article(section=there, headline="那里的稿件")
    there_url = reverse("articles:section", args=["nali"])
    here_url = reverse("articles:section", args=["zheli"])
    client.get(there_url)
    client.get(here_url)
    story = make_article(section=here, headline="这里的新稿件", status=Article.Status.APPROVED)
    services.article_publish(article=story, user=chief)
    assert _page_cache(client.get(there_url)) == "hit"
    answer = client.get(here_url)
    assert _page_cache(answer) == "miss" and "这里的新稿件" in answer.content.decode()


def test_moving_a_story_to_another_section_leaves_the_old_list(cached_site, client, chief):
    """The lists a story was in are remembered: the section it left drops it at once."""
    old, new = make_section(name="原栏目", slug="yuan"), make_section(name="新栏目", slug="xin")
    story = make_article(section=old, headline="换了栏目的稿件")
    old_url = reverse("articles:section", args=["yuan"])
    assert "换了栏目的稿件" in client.get(old_url).content.decode()
    edited = Article.objects.get(pk=story.pk)
    edited.section = new
    services.article_save_edit(article=edited, base_version=edited.lock_version, user=chief)
    assert "换了栏目的稿件" not in client.get(old_url).content.decode()
    assert (
        "换了栏目的稿件" in client.get(reverse("articles:section", args=["xin"])).content.decode()
    )


def test_a_withdrawal_leaves_the_cached_pages_at_once(cached_site, client, chief):
    """The home page and the feed drop the story and its page answers 410."""
    article = make_article(headline="即将撤下的稿件")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200 and "即将撤下的稿件" in _home(client)
    assert "即将撤下的稿件" in client.get("/feed/").content.decode()
    services.article_withdraw(article=article, user=chief, reason="事实有误")
    assert "即将撤下的稿件" not in _home(client)
    assert "即将撤下的稿件" not in client.get("/feed/").content.decode()
    assert client.get(url).status_code == 410


def test_a_correction_shows_on_the_cached_article_page_at_once(cached_site, client, chief):
    """The correction appears on the next request for the article."""
    article = make_article(headline="需要更正的稿件")
    url = article.get_absolute_url()
    client.get(url)
    services.article_correct(article=article, user=chief, kind="correction", text="第二段数字有误")
    assert "第二段数字有误" in client.get(url).content.decode()


def test_a_scheduled_story_appears_when_its_time_comes(cached_site, client):
    """Nothing calls a service at a scheduled time; the clock knows the time and the first
    request after it moves what the story is listed under."""
    make_article(headline="定时发布的稿件", published_at=timezone.now() + timedelta(seconds=2))
    assert "定时发布的稿件" not in _home(client)
    assert _page_cache(client.get(reverse("articles:home"))) == "hit"
    time.sleep(2.2)
    assert "定时发布的稿件" in _home(client)


def test_renaming_a_section_in_the_admin_shows_at_once(cached_site, client, admin_client):
    """Changes to what pages show besides articles reach them too."""
    section = make_section(name="旧栏目名", slug="jiu")
    make_article(section=section)
    assert "旧栏目名" in _home(client)
    response = admin_client.post(
        reverse("admin:articles_section_change", args=[section.pk]),
        {"name": "新栏目名", "slug": "jiu", "sort_order": 0, "description": ""},
    )
    assert response.status_code == 302
    assert "新栏目名" in _home(client)


def test_a_new_section_appears_in_the_cached_navigation(cached_site, client, chief):
    """The navigation lists every section: a new one is on every page at once."""
    make_article(headline="导航测试")
    client.get(reverse("articles:home"))
    services.taxonomy_save(obj=Section(name="新开栏目", slug="xinkai"))
    assert "新开栏目" in _home(client)


def test_signed_in_staff_are_not_served_cached_pages(cached_site, client, admin_client):
    """A request with a session gets a fresh page, never one from the cache."""
    make_article(headline="给编辑看的新鲜页面")
    client.get(reverse("articles:home"))
    response = admin_client.get(reverse("articles:home"))
    assert "给编辑看的新鲜页面" in response.content.decode()
    assert not response.has_header("X-Page-Cache")
    assert _page_cache(client.get(reverse("articles:home"))) == "hit"  # the reader's copy stays


def test_admin_pages_are_never_cached(cached_site, admin_client):
    """The admin is made fresh for every request."""
    admin_client.get(reverse("admin:index"))
    assert not admin_client.get(reverse("admin:index")).has_header("X-Page-Cache")


def test_junk_parameters_share_one_cached_page(cached_site, client):
    """?utm_source=… is not what the page reads: a thousand of them make no new entry."""
    make_article(headline="带参数的访问")
    client.get("/")
    store.local.clear()
    answers = [client.get(f"/?utm_source={n}&fbclid=x{n}") for n in range(50)]
    assert {_page_cache(answer) for answer in answers} == {"hit"}
    assert len(store.local) == 1  # the home page, read back from Redis once


def test_the_parameters_a_page_reads_are_kept_apart(cached_site, client):
    """?page=2 is another page of the list, in either parameter order."""
    section = make_section(name="翻页", slug="fanye")
    for number in range(25):
        make_article(section=section, headline=f"翻页第{number}篇")
    url = reverse("articles:section", args=["fanye"])
    first, second = client.get(url), client.get(url + "?page=2&utm_medium=x")
    assert first.content != second.content
    assert _page_cache(client.get(url + "?utm_medium=y&page=2")) == "hit"


def test_answers_carry_their_tags_for_a_front_cache(cached_site, client):
    """xkey (Varnish), Surrogate-Key and Cache-Tag name what the page was made from."""
    story = make_article(headline="带标签的稿件", tags=["标签甲"])
    answer = client.get(story.get_absolute_url())
    tags = answer["xkey"].split()
    assert f"article:{story.pk}" in tags and f"section:{story.section_id}" in tags
    assert answer["Cache-Tag"].split(",") == tags
    home = client.get(reverse("articles:home"))["xkey"].split()
    assert "list:latest" in home and f"article:{story.pk}" in home


def test_pages_are_served_when_redis_is_down(client):
    """With the cache server unreachable, readers still get pages from the database."""
    make_article(headline="缓存坏了也能看")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once the socket closes
    store.reset_shared_state()
    with override_settings(CACHES=_redis_cache(port), PAGE_CACHE_SECONDS=300):
        response = client.get(reverse("articles:home"))
    store.reset_shared_state()
    assert response.status_code == 200 and "缓存坏了也能看" in response.content.decode()


def test_a_redis_outage_is_logged_once_a_minute_not_once_a_request(client, caplog):
    """Ten readers while the cache server is unreachable: one warning with its traceback."""
    make_article(headline="缓存坏了也能看")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    store.reset_shared_state()
    with override_settings(CACHES=_redis_cache(port), PAGE_CACHE_SECONDS=300):
        for _ in range(10):
            store.local.clear()
            assert client.get(reverse("articles:home")).status_code == 200
    store.reset_shared_state()
    warnings = [r for r in caplog.records if r.name == "newsroom.pagecache"]
    assert len(warnings) == 1 and warnings[0].exc_info


def test_an_old_entry_put_back_into_redis_is_not_served(cached_site, client, chief):
    """What a restored dump holds: the page made before a withdrawal, back in Redis with the
    same key. The clock in the database has moved past it, so it is not served."""
    from django.core.cache import cache

    article = make_article(headline="撤稿前的页面")
    url = article.get_absolute_url()
    client.get(url)
    keys = list(cache._cache.get_client().scan_iter(f"*{cache.key_prefix}*page:*"))
    saved = {key: cache._cache.get_client().get(key) for key in keys}
    services.article_withdraw(article=article, user=chief, reason="失实")
    for key, value in saved.items():
        cache._cache.get_client().set(key, value)  # the dump comes back
    store.local.clear()
    assert client.get(url).status_code == 410


def test_a_page_made_from_a_lagging_replica_is_not_kept_as_current(cached_site, client, chief):
    """Its entry records the replica's clock: once the primary has moved past it, the entry
    is refused even though it was stored after the change."""
    article = make_article(headline="副本里的旧稿")
    lagging = versions.read_clock()  # what a replica that missed the next change still says
    services.article_withdraw(article=article, user=chief, reason="失实")
    entry = versions.Entry(lagging.epoch, lagging.seq, (f"article:{article.pk}",), "旧的页面")
    assert not versions.still_current(entry, versions.read_clock())


def test_a_worker_drops_its_own_copy_when_another_worker_changes_the_story(cached_site, client):
    """Each worker keeps pages in its memory; a change committed by another worker moves the
    tags in the database, and this worker's copy is no longer served."""
    story = make_article(headline="原来的标题")
    url = story.get_absolute_url()
    client.get(url)
    Article.objects.filter(pk=story.pk).update(headline="另一台服务器改过的标题")
    assert "原来的标题" in client.get(url).content.decode()  # nothing said it changed …
    versions.bump({f"article:{story.pk}"})  # … until the other worker's service commits.
    assert "另一台服务器改过的标题" in client.get(url).content.decode()


def test_a_worker_keeps_at_most_the_configured_number_of_entries(cached_site, client):
    """The copies in a worker's memory are bounded: the least recently used go first."""
    section = make_section(name="片段栏目", slug="pianduan")
    for number in range(5):
        make_article(headline=f"第{number}篇", section=section)
    with override_settings(PAGE_CACHE_LOCAL_ENTRIES=3):
        for page in ("/", reverse("articles:section", args=["pianduan"]), "/regions/beijing/"):
            client.get(page)
        assert len(store.local) == 3


def test_migrate_starts_a_new_epoch_without_the_cache_server(cached_site, client):
    """A deploy runs migrate: what the code before it cached is not served by the code after,
    and that is recorded in the database, so it holds with Redis down."""
    from django.core.management import call_command

    make_article(headline="迁移前的页面")
    client.get("/")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with override_settings(CACHES=_redis_cache(port)):
        call_command("migrate", verbosity=0)
    assert _page_cache(client.get("/")) == "miss"


@pytest.fixture
def fragments_only():
    """Whole pages not cached; their costly parts are, in Redis."""
    if not _redis_answers() and not os.environ.get("CI"):
        pytest.skip("no Redis at 127.0.0.1:6379")
    with override_settings(CACHES=_redis_cache(), PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE=True):
        store.local.clear()
        yield
    store.local.clear()


def test_an_article_page_reads_its_story_from_the_fragment_cache(
    fragments_only, client, django_assert_max_num_queries
):
    """The second request for an article makes the page without reading the article again:
    the one query is the clock."""
    url = make_article(headline="片段缓存中的稿件", themes=["rencai"]).get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(1):
        response = client.get(url)
    assert "片段缓存中的稿件" in response.content.decode()


def test_a_correction_shows_through_the_fragment_cache_at_once(fragments_only, client, chief):
    """Fragments are checked like pages: a correction is read afresh."""
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
    stories: both come from fragments (the one query is the clock)."""
    section = make_section(name="片段栏目", slug="pianduan")
    make_article(headline="列表片段里的稿件", section=section)
    url = reverse("articles:section", args=["pianduan"])
    client.get(url)
    with django_assert_max_num_queries(1):
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


def test_a_search_is_answered_from_fragments_without_the_database(
    fragments_only, client, django_assert_max_num_queries
):
    """The same search again reads nothing but the clock: its results were kept."""
    make_article(headline="雄安新区片段搜索", regions=["xiongan"])
    url = reverse("articles:search") + "?q=雄安"
    client.get(url)
    with django_assert_max_num_queries(1):
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


def test_search_page_links_leave_junk_parameters_out(fragments_only, client):
    """The links to further pages of a search carry its own parameters only."""
    for number in range(25):
        make_article(headline=f"雄安新区翻页{number}")
    page = client.get(reverse("articles:search") + "?q=雄安&utm_source=weixin").content.decode()
    assert "page=2" in page and "utm_source" not in page


def test_a_feed_is_written_from_fragments_and_follows_a_publish(
    fragments_only, client, chief, django_assert_max_num_queries
):
    """The site feed is written once per change: read again it costs only the clock, and a
    publish is in it at once."""
    make_article(headline="订阅里的第一篇")
    approved = make_article(headline="订阅里的第二篇", status=Article.Status.APPROVED)
    client.get("/feed/")
    with django_assert_max_num_queries(1):
        assert "订阅里的第一篇" in client.get("/feed/").content.decode()
    services.article_publish(article=approved, user=chief)
    assert "订阅里的第二篇" in client.get("/feed/").content.decode()


def test_a_sitemap_is_kept_whole_and_follows_a_publish(
    fragments_only, client, chief, django_assert_max_num_queries
):
    """Crawlers read the news sitemap again at the cost of the clock; a publish is in it."""
    make_article(headline="网站地图里的第一篇")
    approved = make_article(headline="网站地图里的第二篇", status=Article.Status.APPROVED)
    first = client.get("/sitemaps/news.xml")
    with django_assert_max_num_queries(1):
        again = client.get("/sitemaps/news.xml")
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    services.article_publish(article=approved, user=chief)
    assert "网站地图里的第二篇" in client.get("/sitemaps/news.xml").content.decode()


def test_an_edit_of_an_old_story_reaches_its_months_sitemap(cached_site, client, chief):
    """A month's sitemap names no story tag (it may hold 50,000): the month's list tag moves
    when a story in it changes, and other months stay cached."""
    old = make_article(headline="老稿", hours_ago=24 * 400)
    other = make_article(headline="更老的稿", hours_ago=24 * 800)
    url = f"/sitemaps/articles-{timezone.localtime(old.published_at):%Y-%m}.xml"
    other_url = f"/sitemaps/articles-{timezone.localtime(other.published_at):%Y-%m}.xml"
    client.get(url), client.get(other_url)
    assert _page_cache(client.get(url)) == "hit"
    services.article_correct(article=old, user=chief, kind="correction", text="日期更正")
    assert _page_cache(client.get(url)) == "miss"
    assert _page_cache(client.get(other_url)) == "hit"


def test_a_missing_sitemap_is_still_a_404_when_kept_whole(fragments_only, client):
    """Only 200 answers are kept: a month without stories stays a 404."""
    assert client.get("/sitemaps/articles-1999-01.xml").status_code == 404
    assert client.get("/sitemaps/articles-1999-01.xml").status_code == 404


def test_a_template_fragment_is_kept_until_what_it_read_changes(fragments_only):
    """`{% fragment %}` keeps what it renders; a change to a row it read makes it again."""
    from django.template import engines

    section = make_section(name="模板片段栏目", slug="mubanpianduan")
    template = engines["django"].from_string(
        '{% load fragments %}{% fragment "greeting" day %}{{ name }}'
        "{% for s in sections %}{{ s.name }}{% endfor %}，{{ day }}{% endfragment %}"
    )

    def render(name, day):
        sections = Section.objects.filter(pk=section.pk)  # read inside the fragment
        return template.render({"name": name, "day": day, "sections": sections})

    assert render("京津冀", "周一") == "京津冀模板片段栏目，周一"
    assert render("雄安", "周一") == "京津冀模板片段栏目，周一"  # kept
    assert render("雄安", "周二") == "雄安模板片段栏目，周二"  # another copy
    section.name = "改名的栏目"
    services.taxonomy_save(obj=section, changed={"name"})
    assert render("雄安", "周一") == "雄安改名的栏目，周一"
