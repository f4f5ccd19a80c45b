"""Lists at scale, in the admin and for readers: capped counting, deep pages by id, filters
without DISTINCT, search through the index, no scan of every date."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.site.pagination import CappedPaginator, WindowPaginator
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db
LIST = reverse("admin:articles_article_changelist")


def _headlines(response) -> set[str]:
    return {a.headline for a in response.context["cl"].result_list}


def test_past_the_cap_the_list_says_more_than(admin_client, monkeypatch):
    """Counting stops at the cap and the page says 超过 instead of a full count."""
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for _ in range(5):
        make_article()
    page = admin_client.get(LIST).content.decode()
    assert "超过 3 篇" in page


def test_under_the_cap_the_list_gives_the_exact_count(admin_client):
    """A short list shows its real number."""
    make_article()
    make_article()
    assert "2 篇" in admin_client.get(LIST).content.decode()


def test_the_list_never_counts_or_dates_the_whole_table(admin_client):
    """No unbounded COUNT(*) and no distinct dates over every article on a load."""
    make_article()
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(LIST, {"status__exact": "published"})
    sql = [q["sql"].upper() for q in queries.captured_queries]
    counts = [s for s in sql if "COUNT(" in s]
    assert counts and all("LIMIT" in s for s in counts)
    assert not any("DISTINCT" in s and "PUBLISHED_AT" in s for s in sql)


def test_the_region_filter_includes_sub_regions(admin_client):
    """河北 lists a 雄安 story and not a 北京 one."""
    make_article(headline="雄安稿件", regions=["xiongan"])
    make_article(headline="北京稿件", regions=["beijing"])
    response = admin_client.get(LIST, {"region": "hebei"})
    assert _headlines(response) == {"雄安稿件"}


def test_the_region_filter_lists_a_story_once(admin_client):
    """A story tagged 北京市 and 丰台区 is one row, not two."""
    make_article(headline="两级地区稿件", regions=["beijing", "fengtai"])
    response = admin_client.get(LIST, {"region": "beijing"})
    assert len(response.context["cl"].result_list) == 1


def test_the_theme_filter_narrows_the_list(admin_client):
    """Only stories with the theme are listed."""
    make_article(headline="人才稿件", themes=["rencai"])
    make_article(headline="知识产权稿件", themes=["zhishichanquan"])
    response = admin_client.get(LIST, {"theme": "rencai"})
    assert _headlines(response) == {"人才稿件"}


def test_the_list_search_finds_chinese_words(admin_client):
    """The search box goes through the search index."""
    make_article(headline="雄安新区人才公寓交付", regions=["xiongan"])
    make_article(headline="天津港集装箱吞吐量创新高")
    response = admin_client.get(LIST, {"q": "人才"})
    assert _headlines(response) == {"雄安新区人才公寓交付"}


# The readers' lists share the paginator.


def test_a_page_lists_the_same_stories_as_plain_paging(client):
    """Fetching a page by its ids first gives exactly the stories plain OFFSET paging gives."""
    section = make_section(name="深翻页", slug="shen")
    for hour in range(45):
        make_article(section=section, hours_ago=hour + 1)
    plain = list(Article.objects.published().filter(section=section).values_list("pk", flat=True))
    url = section.get_absolute_url()
    for number in (1, 2, 3):
        page = [a.pk for a in client.get(url, {"page": number}).context["articles"]]
        assert page == plain[(number - 1) * 20 : number * 20]


def test_the_admins_deep_page_lists_the_same_stories_as_plain_paging(monkeypatch):
    """The admin's two-step deep page gives the stories OFFSET paging gives."""
    for hour in range(45):
        make_article(hours_ago=hour + 1)
    stories = Article.objects.order_by("-published_at", "-pk")
    plain = list(stories[20:40])
    monkeypatch.setattr(CappedPaginator, "deep_from", 1)
    assert list(CappedPaginator(stories, 20).page(2).object_list) == plain


def test_a_list_past_the_window_says_more_pages(client, monkeypatch):
    """A reader's list counts only a few pages past the one shown, and says 页以上 past them."""
    monkeypatch.setattr(WindowPaginator, "pages_ahead", 1)
    section = make_section(name="很多稿件", slug="henduo")
    for _ in range(90):
        make_article(section=section)
    url = section.get_absolute_url()
    assert "第 1 页，共 2 页以上" in client.get(url).content.decode()
    assert "第 3 页，共 4 页以上" in client.get(url, {"page": 3}).content.decode()
    assert "第 4 页，共 5 页</span>" in client.get(url, {"page": 4}).content.decode()
    assert client.get(url, {"page": 6}).status_code == 404


def test_no_readers_page_starts_past_the_cap(client, monkeypatch):
    """As with the capped count, a page past the cap is a 404, however many stories there are."""
    monkeypatch.setattr(CappedPaginator, "cap", 40)
    section = make_section(name="封顶", slug="fengding")
    for _ in range(50):
        make_article(section=section)
    url = section.get_absolute_url()
    assert "第 2 页，共 2 页以上" in client.get(url, {"page": 2}).content.decode()
    assert client.get(url, {"page": 3}).status_code == 404
    assert client.get(url, {"page": "461170000000000000"}).status_code == 404


def test_a_readers_list_never_counts(client):
    """No COUNT at all: the page's ids, read at most eleven pages deep, count the list."""
    section = make_section(name="不计数", slug="bujishu")
    make_article(section=section)
    with CaptureQueriesContext(connection) as queries:
        client.get(section.get_absolute_url(), {"page": 1})
    sql = [q["sql"].upper() for q in queries.captured_queries]
    assert not any("COUNT(" in s for s in sql)
    assert any("LIMIT 221" in s for s in sql)
