"""Real clients against the real server (gunicorn, the project's own config): a crawler
following robots.txt through every sitemap, browsers and caches revalidating with conditional
headers over HTTP, and a feed reader (feedparser) polling with its ETag and Last-Modified."""

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import feedparser
import pytest

from articles import services
from tests.articles.conftest import make_user
from tests.factories import make_article, make_author, make_section

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    """GET over HTTP: status, headers and body, 304 and errors included."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sitemap_locations(url: str) -> list[str]:
    status, _, body = fetch(url)
    assert status == 200, url
    return [loc.text for loc in ET.fromstring(body).iter(f"{{{SITEMAP_NS['sm']}}}loc")]


@pytest.fixture
def newsroom_desk():
    """Stories in two months, with sections, authors, regions and themes to list."""
    section = make_section(name="协同发展", slug="xietong")
    author = make_author(name="雷嘉")
    old = make_article(
        section=section,
        authors=[(author, "reporter")],
        regions=["xiongan"],
        themes=["rencai"],
        tags=["人才"],
        published_at=datetime(2025, 1, 10, 4, tzinfo=UTC),
    )
    new = make_article(
        section=make_section(name="民生", slug="minsheng"),
        authors=[(author, "reporter"), (make_author(name="高峰"), "photographer")],
        regions=["fengtai"],
        themes=["zhishichanquan"],
        hours_ago=2,
    )
    return {"section": section, "author": author, "old": old, "new": new}


def test_every_url_in_the_sitemaps_answers_200(gunicorn_server, newsroom_desk):
    """From robots.txt through the index and each sitemap: every address listed answers 200."""
    _, _, robots = fetch(gunicorn_server + "/robots.txt")
    named = [
        line.split(" ", 1)[1]
        for line in robots.decode().splitlines()
        if line.startswith("Sitemap:")
    ]
    assert named == [gunicorn_server + "/sitemap.xml", gunicorn_server + "/sitemaps/news.xml"]
    sitemaps = sitemap_locations(named[0])
    pages = [url for sitemap in sitemaps for url in sitemap_locations(sitemap)]
    pages += sitemap_locations(named[1])
    assert gunicorn_server + newsroom_desk["old"].get_absolute_url() in pages
    assert gunicorn_server + newsroom_desk["new"].get_absolute_url() in pages
    assert len(pages) >= 15  # two stories twice, home, overview, sections, authors, regions…
    assert {url: fetch(url)[0] for url in pages} == {url: 200 for url in pages}


def test_article_answers_304_to_its_etag_and_again_200_after_a_correction(
    gunicorn_server, newsroom_desk
):
    story = newsroom_desk["new"]
    url = gunicorn_server + story.get_absolute_url()
    status, headers, body = fetch(url)
    assert status == 200 and story.headline.encode() in body
    assert headers["Cache-Control"] == "public, max-age=60"

    status, again, body = fetch(url, **{"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert again["ETag"] == headers["ETag"]

    status, _, _ = fetch(url, **{"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304

    duty_editor = make_user("duty", "duty_editor")
    services.article_correct(article=story, user=duty_editor, kind="correction", text="更正。")
    status, _, body = fetch(url, **{"If-None-Match": headers["ETag"]})
    assert status == 200 and "更正。".encode() in body


def test_list_answers_304_until_a_story_is_withdrawn(gunicorn_server, newsroom_desk):
    """A reader's copy of 雄安新区's page stays valid, until its story is withdrawn."""
    url = gunicorn_server + "/regions/xiongan/"
    status, headers, _ = fetch(url)
    assert status == 200
    validators = {"If-None-Match": headers["ETag"], "If-Modified-Since": headers["Last-Modified"]}
    assert fetch(url, **validators)[0] == 304

    duty_editor = make_user("duty", "duty_editor")
    story = newsroom_desk["old"]
    services.article_withdraw(article=story, user=duty_editor, reason="事实有误")
    status, _, body = fetch(url, **validators)
    assert status == 200
    assert story.headline.encode() not in body
    assert fetch(gunicorn_server + story.get_absolute_url())[0] == 410


def test_feed_reader_polls_with_its_validators(gunicorn_server, newsroom_desk):
    """feedparser reads the feed, then asks again with its ETag, then with its Last-Modified:
    nothing changed, so 304 each time."""
    url = gunicorn_server + "/feed/atom/"
    first = feedparser.parse(url)
    assert first.status == 200 and not first.bozo
    assert [entry.title for entry in first.entries] == [
        newsroom_desk["new"].headline,
        newsroom_desk["old"].headline,
    ]
    assert feedparser.parse(url, etag=first.etag).status == 304
    assert feedparser.parse(url, modified=first.modified).status == 304
