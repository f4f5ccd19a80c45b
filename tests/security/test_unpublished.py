"""Unpublished stories never reach readers: drafts, stories in review, approved ones, scheduled
ones before their time and withdrawn ones stay out of every list, feed, sitemap, search,
related-stories block, author page and JSON-LD, and their ids lead nowhere."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

SECRET = "未公开稿件"
RELATIONS = {"tags": ["疏解"], "regions": ["xiongan"], "themes": ["rencai"]}


@pytest.fixture
def desk(db) -> dict:
    """A published story and one hidden story per state, sharing its section, byline, tag,
    region and theme (so each would show in the same places), and an author with only drafts."""
    section = make_section(name="协同发展", slug="xietong")
    author = make_author(name="林晓雯")
    shared = {"section": section, "authors": [(author, "reporter")], **RELATIONS}
    visible = make_article(
        headline="雄安新区迎来首批疏解企业", body="<p>雄安新区疏解</p>", **shared
    )
    chief = get_user_model().objects.create_superuser("chief", "", "jingjinji-zhiban-2026")
    body = "<p>雄安新区疏解企业名单尚未公开。</p>"
    hidden = {
        "draft": make_article(
            headline=f"{SECRET}草稿", status=Article.Status.DRAFT, body=body, **shared
        ),
        "review": make_article(
            headline=f"{SECRET}待审", status=Article.Status.REVIEW, body=body, **shared
        ),
        "approved": make_article(
            headline=f"{SECRET}待发", status=Article.Status.APPROVED, body=body, **shared
        ),
        "scheduled": make_article(
            headline=f"{SECRET}定时",
            published_at=timezone.now() + timedelta(hours=2),
            body=body,
            **shared,
        ),
        "withdrawn": make_article(headline=f"{SECRET}撤稿", body=body, hours_ago=2, **shared),
    }
    services.article_withdraw(article=hidden["withdrawn"], user=chief, reason="事实有误")
    drafts_only = make_author(name="温若溪")
    make_article(
        headline=f"{SECRET}新人草稿",
        status=Article.Status.DRAFT,
        authors=[(drafts_only, "reporter")],
        section=section,
    )
    return {"visible": visible, "hidden": hidden, "author": author, "drafts_only": drafts_only}


def _month_sitemaps(desk) -> list[str]:
    months = {
        timezone.localtime(article.published_at).strftime("%Y-%m")
        for article in [desk["visible"], *desk["hidden"].values()]
        if article.published_at
    }
    return [f"/sitemaps/articles-{month}.xml" for month in sorted(months)]


SURFACES = {
    "home": lambda d: ["/"],
    "section list": lambda d: ["/sections/xietong/", "/sections/xietong/feed/"],
    "tag list": lambda d: ["/tags/疏解/", "/tags/疏解/feed/", "/tags/疏解/feed/atom/"],
    "region list": lambda d: ["/regions/xiongan/", "/regions/hebei/", "/regions/xiongan/feed/"],
    "theme list": lambda d: ["/themes/rencai/", "/themes/rencai/feed/atom/"],
    "overview": lambda d: ["/jingjinji/"],
    "author page": lambda d: [d["author"].get_absolute_url(), d["drafts_only"].get_absolute_url()],
    "author feed": lambda d: [
        reverse("articles:author-feed", kwargs={"slug": d["author"].slug}),
        reverse("articles:author-feed-atom", kwargs={"slug": d["drafts_only"].slug}),
    ],
    "site feed": lambda d: ["/feed/", "/feed/atom/"],
    "sitemaps": lambda d: [
        "/sitemap.xml",
        "/sitemaps/news.xml",
        "/sitemaps/authors.xml",
        "/sitemaps/sections.xml",
        *_month_sitemaps(d),
    ],
    "search": lambda d: ["/search/?q=雄安", "/search/?q=名单", "/search/?q=疏解企业&order=date"],
    "related stories and JSON-LD": lambda d: [d["visible"].get_absolute_url()],
}


@pytest.mark.parametrize("surface", SURFACES)
def test_no_unpublished_story_appears(client, desk, surface):
    """Neither the headline nor the address of any hidden story is on the surface's pages."""
    addresses = [article.get_absolute_url() for article in desk["hidden"].values()]
    for path in SURFACES[surface](desk):
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert SECRET not in text, path
        for address in addresses:
            assert address not in text, (path, address)


def test_the_surfaces_do_show_the_published_story(client, desk):
    """The same pages do list the visible story: the checks above look where it would be."""
    for surface, paths in SURFACES.items():
        for path in paths(desk):
            if path in ("/sitemaps/authors.xml", "/sitemaps/sections.xml", "/sitemap.xml"):
                continue  # they list pages, not stories
            if path == desk["drafts_only"].get_absolute_url() or "wenruoxi" in path:
                continue
            if path == desk["visible"].get_absolute_url():
                continue  # the story itself: related stories are the hidden ones' only way in
            text = client.get(path).content.decode()
            shown = desk["visible"].headline in text or desk["visible"].get_absolute_url() in text
            assert shown or path == "/search/?q=名单", (surface, path)


def test_an_author_with_only_drafts_is_not_in_the_author_sitemap(client, desk):
    """An author page with no published story is not offered to crawlers."""
    text = client.get("/sitemaps/authors.xml").content.decode()
    assert desk["author"].get_absolute_url() in text
    assert desk["drafts_only"].get_absolute_url() not in text


@pytest.mark.parametrize("state", ["draft", "review", "approved", "scheduled"])
def test_guessing_a_hidden_storys_id_finds_nothing(client, desk, state):
    """Its short link, its full address and any slug with its id all answer 404."""
    article = desk["hidden"][state]
    for path in (
        reverse("articles:shortlink", kwargs={"pk": article.pk}),
        article.get_absolute_url(),
        article.get_absolute_url().replace(article.slug, "guess"),
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert SECRET not in response.content.decode(), path


def test_a_withdrawn_storys_id_says_gone_and_nothing_else(client, desk):
    """A withdrawn story's addresses answer 410 without its headline."""
    article = desk["hidden"]["withdrawn"]
    for path in (
        reverse("articles:shortlink", kwargs={"pk": article.pk}),
        article.get_absolute_url(),
    ):
        response = client.get(path)
        assert response.status_code == 410, path
        assert SECRET not in response.content.decode(), path


def test_guessing_a_preview_token_finds_nothing(client, desk):
    """A made-up preview token is a 404, not the draft."""
    article = desk["hidden"]["draft"]
    for token in (str(article.pk), f"{article.pk}:abc", "x" * 40):
        response = client.get(reverse("articles:preview", kwargs={"token": token}))
        assert response.status_code == 404, token
