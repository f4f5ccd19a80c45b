"""Cache headers and conditional requests (through the test client; tests/newsroom/
test_real_clients.py repeats the essentials over HTTP against gunicorn)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles import services
from articles.models import Article
from articles.site import caching
from tests.articles.desk import scheduled_story
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def urls(story) -> dict:
    """A story's page and each list it appears on."""
    return {
        "article": story.get_absolute_url(),
        "home": reverse("articles:home"),
        "section": story.section.get_absolute_url(),
        "region": reverse("regions:region", args=["beijing"]),
        "feed": reverse("articles:feed"),
    }


PAGES = ["article", "home", "section", "region", "feed"]


@pytest.mark.parametrize("page", PAGES)
def test_public_answers_may_be_cached_for_a_minute(client, story, page):
    response = client.get(urls(story)[page])
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("page", PAGES)
def test_answers_carry_etag_and_last_modified(client, story, page):
    response = client.get(urls(story)[page])
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"] == http_date(int(story.updated_at.timestamp()))


@pytest.mark.parametrize("page", PAGES)
def test_matching_etag_is_not_modified(client, story, page):
    url = urls(story)[page]
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("page", PAGES)
def test_unchanged_since_last_modified_is_not_modified(client, story, page):
    url = urls(story)[page]
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304


@pytest.mark.parametrize("page", PAGES)
def test_a_correction_changes_every_page_showing_the_story(client, story, people, page):
    """After a correction the old ETag no longer matches: the page is sent again."""
    url = urls(story)[page]
    etag = client.get(url)["ETag"]
    services.article_correct(
        article=story, user=people["duty_editor"], kind="correction", text="更正。"
    )
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


@pytest.mark.parametrize("page", ["home", "section", "region", "feed"])
def test_withdrawing_a_story_changes_the_lists_it_left(client, story, people, page):
    """The withdrawn story is no longer in the list: the list is sent again, without it."""
    url = urls(story)[page]
    before = client.get(url)
    services.article_withdraw(article=story, user=people["duty_editor"], reason="事实有误")
    response = client.get(url, headers={"if-none-match": before["ETag"]})
    assert response.status_code == 200
    assert story.headline.encode() not in response.content
    assert response["Last-Modified"] != before["Last-Modified"]


@pytest.mark.parametrize("page", ["home", "section", "region", "feed"])
def test_a_scheduled_story_appearing_changes_the_lists(client, story, section, page):
    """A scheduled story needs no save to appear; the lists change when its time comes."""
    waiting = scheduled_story(section=section, regions=["fengtai"])
    url = urls(story)[page]
    etag = client.get(url)["ETag"]
    Article.objects.filter(pk=waiting.pk).update(published_at=timezone.now())  # time has come
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert waiting.headline.encode() in response.content


def test_a_new_story_elsewhere_leaves_a_section_unchanged(client, story):
    """A story in another section does not change this section's list."""
    url = story.section.get_absolute_url()
    etag = client.get(url)["ETag"]
    make_article(section=make_section(), hours_ago=0.5)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_an_empty_list_has_no_validators(client, section):
    """Nothing published yet: nothing to compare against, the page is simply sent."""
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200
    assert not response.has_header("ETag")


def test_not_modified_list_costs_two_queries(client, story, django_assert_num_queries):
    """A 304 for a section reads the section and the list's newest change, nothing more."""
    url = story.section.get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(2):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_list_changed_at_is_one_query(story, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert caching.list_changed_at() == story.updated_at


@pytest.mark.parametrize(
    "url", ["/search/?q=京津冀", "/jingjinji/", "/robots.txt", "/sitemap.xml", "/sitemaps/news.xml"]
)
def test_other_public_answers_are_cacheable(client, story, url):
    assert client.get(url)["Cache-Control"] == "public, max-age=60"


def test_withdrawn_story_page_says_gone_and_may_be_cached(client, story, people):
    services.article_withdraw(article=story, user=people["duty_editor"], reason="事实有误")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    assert response["Cache-Control"] == "public, max-age=60"


def test_admin_preview_is_never_stored(client, story, people):
    client.force_login(people["superuser"])
    response = client.get(reverse("admin:articles_article_preview", args=[story.pk]))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_admin_pages_are_never_stored(client, story, people):
    client.force_login(people["superuser"])
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.parametrize("page", PAGES)
def test_staff_get_the_same_public_page_as_readers(client, story, people, page):
    """Public pages show nothing per user (no edit link, no CSRF token), so a logged-in editor
    gets the same cacheable answer: no cookie set, no Vary: Cookie, no admin link."""
    url = urls(story)[page]
    anonymous = client.get(url).content
    client.force_login(people["superuser"])
    response = client.get(url)
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
    assert response["Cache-Control"] == "public, max-age=60"
    assert b"/admin/" not in response.content
    assert response.content.count(b"<a ") == anonymous.count(b"<a ")


def test_reader_pages_set_no_cookie(client, story):
    """No CSRF or session cookie on a first visit: a CDN may keep the answer."""
    for url in urls(story).values():
        assert client.get(url).cookies == {}


def test_author_page_answers_304(client, story):
    author = make_author(name="雷嘉")
    make_article(authors=[(author, "reporter")])
    url = author.get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
