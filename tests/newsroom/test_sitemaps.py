"""robots.txt, the sitemap index and its sitemaps, read as XML with their namespaces."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.site import sitemaps
from tests.articles.conftest import make_user
from tests.articles.desk import desk_story
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
ORIGIN = "http://testserver"


def read_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def index_entries(client) -> dict[str, str]:
    """The index's sitemaps: address → lastmod."""
    root = read_xml(client, reverse("sitemap-index"))
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    return {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in root.findall("sm:sitemap", NS)
    }


def locations(client, url) -> list[str]:
    root = read_xml(client, url)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def month_url(year, month, page=1) -> str:
    path = reverse("sitemap-articles", kwargs={"year": year, "month": month})
    return ORIGIN + path + (f"?p={page}" if page > 1 else "")


def test_robots_txt_names_both_sitemaps_and_keeps_crawlers_out_of_the_desk(client):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in text.splitlines()
    assert f"Sitemap: {ORIGIN}/sitemaps/news.xml" in text.splitlines()
    assert "Disallow: /admin/" in text.splitlines()
    assert "Disallow: /preview/" in text.splitlines()


def test_index_lists_the_listings_and_each_month_with_stories(client):
    make_article(published_at=datetime(2025, 1, 10, 4, tzinfo=UTC))
    make_article(published_at=datetime(2025, 3, 10, 4, tzinfo=UTC))
    assert list(index_entries(client)) == [
        f"{ORIGIN}/sitemaps/{name}.xml"
        for name in ["pages", "sections", "regions", "themes", "authors"]
    ] + [month_url(2025, 1), month_url(2025, 3)]


def test_months_are_beijing_months(client):
    """00:30 on 1 March in Beijing is still February in UTC: the story belongs to March."""
    story = make_article(published_at=datetime(2025, 2, 28, 16, 30, tzinfo=UTC))
    assert month_url(2025, 3) in index_entries(client)
    assert locations(client, month_url(2025, 3)) == [ORIGIN + story.get_absolute_url()]


def test_a_months_lastmod_is_its_newest_change(client):
    """January's lastmod is its latest edit, even one made months later."""
    early = make_article(published_at=datetime(2025, 1, 10, 4, tzinfo=UTC))
    late = make_article(published_at=datetime(2025, 1, 20, 4, tzinfo=UTC))
    Article.objects.filter(pk=early.pk).update(updated_at=datetime(2025, 1, 11, tzinfo=UTC))
    Article.objects.filter(pk=late.pk).update(updated_at=datetime(2025, 6, 1, 2, tzinfo=UTC))
    assert index_entries(client)[month_url(2025, 1)] == "2025-06-01T10:00:00+08:00"


def test_a_month_past_the_limit_is_paged(client, monkeypatch):
    """Past the per-sitemap limit (50,000; 2 here) a month is listed page by page."""
    monkeypatch.setattr(sitemaps, "PER_SITEMAP", 2)
    monkeypatch.setattr(sitemaps.ArticleMonthSitemap, "limit", 2)
    monkeypatch.setattr("newsroom.sitemaps.PER_SITEMAP", 2)
    stories = [make_article(published_at=datetime(2025, 1, d, 4, tzinfo=UTC)) for d in (1, 2, 3)]
    entries = index_entries(client)
    assert month_url(2025, 1, page=2) in entries
    assert locations(client, month_url(2025, 1, page=2)) == [ORIGIN + stories[2].get_absolute_url()]


def test_month_sitemap_lists_its_stories_oldest_first_with_lastmod(client):
    first = make_article(published_at=datetime(2025, 1, 5, 4, tzinfo=UTC))
    second = make_article(published_at=datetime(2025, 1, 6, 4, tzinfo=UTC))
    make_article(published_at=datetime(2025, 2, 1, 4, tzinfo=UTC))
    Article.objects.filter(pk=first.pk).update(updated_at=datetime(2025, 1, 7, tzinfo=UTC))
    root = read_xml(client, month_url(2025, 1))
    urls = [
        (url.findtext("sm:loc", namespaces=NS), url.findtext("sm:lastmod", namespaces=NS))
        for url in root.findall("sm:url", NS)
    ]
    assert [loc for loc, _ in urls] == [
        ORIGIN + first.get_absolute_url(),
        ORIGIN + second.get_absolute_url(),
    ]
    assert urls[0][1] == "2025-01-07T08:00:00+08:00"


HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
    "scheduled": {"status": Article.Status.PUBLISHED},
}


@pytest.mark.parametrize("state", HIDDEN, ids=HIDDEN.keys())
def test_sitemaps_never_list_a_story_readers_cannot_see(client, state):
    """Not in the news sitemap, not in its month's, and its month not in the index."""
    now = timezone.now()
    visible = make_article(hours_ago=1)
    when = now + timedelta(hours=2) if state == "scheduled" else now - timedelta(hours=1)
    hidden = desk_story(headline="尚未见报的稿件", **HIDDEN[state])
    Article.objects.filter(pk=hidden.pk).update(published_at=when)
    month = timezone.localtime(visible.published_at)
    listed = locations(client, month_url(month.year, month.month))
    listed += locations(client, reverse("sitemap-news"))
    assert ORIGIN + visible.get_absolute_url() in listed
    assert not [url for url in listed if f"/{hidden.pk}-" in url]


def test_a_withdrawn_story_leaves_its_month_and_the_index(client):
    story = make_article(published_at=datetime(2025, 1, 5, 4, tzinfo=UTC))
    duty_editor = make_user("duty", "duty_editor")
    services.article_withdraw(article=story, user=duty_editor, reason="事实有误")
    assert month_url(2025, 1) not in index_entries(client)
    assert client.get(month_url(2025, 1)).status_code == 404


def test_news_sitemap_lists_the_last_two_days_for_google_news(client):
    story = make_article(headline="京津冀商标有效注册量达478.92万件", hours_ago=3)
    make_article(headline="三天前的报道", hours_ago=72)
    root = read_xml(client, reverse("sitemap-news"))
    (url,) = root.findall("sm:url", NS)
    news = url.find("news:news", NS)
    assert url.findtext("sm:loc", namespaces=NS) == ORIGIN + story.get_absolute_url()
    assert news.findtext("news:publication/news:name", namespaces=NS) == "京津冀新闻"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "zh"
    assert news.findtext("news:title", namespaces=NS) == "京津冀商标有效注册量达478.92万件"
    published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published == story.published_at.replace(microsecond=0)


def test_listing_sitemaps_name_only_pages_that_list_a_story(client):
    section = make_section(slug="xietong")
    make_section(slug="kongde")
    author = make_author(name="雷嘉")
    make_author(name="无稿作者")
    make_article(section=section, authors=[(author, "reporter")], themes=["rencai"])
    assert locations(client, "/sitemaps/sections.xml") == [ORIGIN + "/sections/xietong/"]
    assert locations(client, "/sitemaps/authors.xml") == [ORIGIN + author.get_absolute_url()]
    assert locations(client, "/sitemaps/themes.xml") == [ORIGIN + "/themes/rencai/"]


def test_region_sitemap_names_the_regions_above_a_tagged_one(client):
    """A story tagged 丰台区 is listed on 北京市's and 京津冀's pages too."""
    make_article(regions=["fengtai"])
    assert locations(client, "/sitemaps/regions.xml") == [
        f"{ORIGIN}/regions/{slug}/" for slug in ["jingjinji", "beijing", "fengtai"]
    ]


def test_pages_sitemap_names_home_and_the_overview(client):
    make_article()
    assert locations(client, "/sitemaps/pages.xml") == [ORIGIN + "/", ORIGIN + "/jingjinji/"]


@pytest.mark.parametrize(
    "url",
    ["/sitemaps/articles-2025-13.xml", "/sitemaps/articles-2025-01.xml", "/sitemaps/nope.xml"],
    ids=["no such month", "month without stories", "no such sitemap"],
)
def test_sitemaps_that_do_not_exist_are_not_found(client, url):
    make_article(published_at=datetime(2025, 3, 1, 4, tzinfo=UTC))
    assert client.get(url).status_code == 404


# Queries: pinned, and the same with 5 stories as with 30.

SITEMAP_QUERIES = {
    # One grouped query over the months.
    "index": 1,
    # The month's count, then its rows.
    "month": 2,
    "news": 2,
    # Count and rows of the listing, each grouped once; regions read their tree too.
    "sections": 2,
    "authors": 2,
    "themes": 2,
    "regions": 2,
    "pages": 1,
}


@pytest.mark.parametrize(("name", "queries"), SITEMAP_QUERIES.items(), ids=SITEMAP_QUERIES.keys())
def test_sitemap_queries_do_not_grow_with_stories(client, django_assert_num_queries, name, queries):
    now = timezone.localtime()
    url = {
        "index": reverse("sitemap-index"),
        "month": month_url(now.year, now.month),
        "news": reverse("sitemap-news"),
    }.get(name, f"/sitemaps/{name}.xml")

    def publish(count):
        for n in range(count):
            make_article(
                section=make_section(),
                authors=[(make_author(), "reporter")],
                regions=["fengtai"],
                themes=["rencai"],
                published_at=now - timedelta(minutes=n + 1),
            )

    publish(5)
    with django_assert_num_queries(queries):
        client.get(url)
    publish(25)
    with django_assert_num_queries(queries):
        client.get(url)


def test_article_months_is_one_grouped_query(django_assert_num_queries):
    for day in (1, 2):
        make_article(published_at=datetime(2025, 1, day, 4, tzinfo=UTC))
    with django_assert_num_queries(1):
        months = sitemaps.article_months()
    assert [(m["month"].year, m["month"].month, m["stories"]) for m in months] == [(2025, 1, 2)]
