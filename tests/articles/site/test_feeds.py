"""RSS and Atom feeds, read by feedparser as a feed reader would."""

import calendar
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.urls import reverse

from articles import services
from articles.models import Article
from tests.articles.desk import desk_story
from tests.articles.site.conftest import EDITED, PUBLISHED
from tests.factories import make_article, make_author
from tests.pages import anchors, links

# Each test also runs with fragments cached (tests/conftest.py, fragment_modes).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_modes")]

KINDS = ["site", "section", "tag", "author", "region", "theme"]
FORMATS = ["rss", "atom"]


def feed_url(kind: str, fmt: str = "rss", *, section=None, author=None) -> str:
    """The feed of each list a story in `section` by `author`, tagged 商标, in 丰台区 (so in
    北京市) on 知识产权, appears in."""
    name, args = {
        "site": ("articles:feed", []),
        "section": ("articles:section-feed", [section and section.slug]),
        "tag": ("articles:tag-feed", ["商标"]),
        "author": ("articles:author-feed", [author and author.slug]),
        "region": ("regions:region-feed", ["beijing"]),
        "theme": ("regions:theme-feed", ["zhishichanquan"]),
    }[kind]
    return reverse(f"{name}-atom" if fmt == "atom" else name, args=args)


def read_feed(client, url):
    """The feed as feedparser reads it; a feed it had to repair fails the test."""
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def utc(struct) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_feed_parses_and_carries_the_story(client, story, section, reporter, kind, fmt):
    """Each list's RSS and Atom feed is well formed and holds the story."""
    feed = read_feed(client, feed_url(kind, fmt, section=section, author=reporter))
    assert feed.version == ("atom10" if fmt == "atom" else "rss20")
    assert [entry.title for entry in feed.entries] == [story.headline]


@pytest.mark.parametrize("fmt", FORMATS)
def test_item_links_the_article_with_its_summary_and_full_body(client, story, fmt):
    """An item links the article page and carries the summary and the whole sanitised body."""
    entry = read_feed(client, feed_url("site", fmt)).entries[0]
    assert entry.link == "http://testserver" + story.get_absolute_url()
    assert entry.summary == "京津冀三地商标有效注册量持续增长。"
    assert "<p>三地市场监管部门当天联合发布数据。</p>" in entry.content[0].value


@pytest.mark.parametrize("fmt", FORMATS)
def test_links_inside_the_body_point_at_the_site(client, story, fmt):
    """A root-relative link in the body becomes absolute: a reader has no page to resolve it."""
    entry = read_feed(client, feed_url("site", fmt)).entries[0]
    assert 'href="http://testserver/sections/xietong/"' in entry.content[0].value


@pytest.mark.parametrize("fmt", FORMATS)
def test_item_names_every_byline(client, story, fmt):
    """Both the reporter and the photographer are named, in byline order."""
    entry = read_feed(client, feed_url("site", fmt)).entries[0]
    assert [author["name"] for author in entry.authors] == ["雷嘉", "高峰"]


def test_atom_authors_link_their_pages(client, story, reporter):
    """In Atom each author carries the address of their page."""
    entry = read_feed(client, feed_url("site", "atom")).entries[0]
    assert entry.authors[0]["href"] == "http://testserver" + reporter.get_absolute_url()


@pytest.mark.parametrize("fmt", FORMATS)
def test_item_categories_are_section_regions_themes_and_tags(client, story, fmt):
    """Categories: the section, then regions, themes and tags, each once."""
    entry = read_feed(client, feed_url("site", fmt)).entries[0]
    assert [tag.term for tag in entry.tags] == ["协同发展", "丰台区", "知识产权", "商标"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_item_publication_time_reads_back_exactly(client, story, fmt):
    """The publication time, written with a UTC offset, parses back to the same instant."""
    entry = read_feed(client, feed_url("site", fmt)).entries[0]
    assert utc(entry.published_parsed) == PUBLISHED


@pytest.mark.parametrize("fmt", FORMATS)
def test_item_updated_time_is_the_last_edit(client, story, fmt):
    """The item's updated time is the story's last edit."""
    entry = read_feed(client, feed_url("site", fmt)).entries[0]
    assert utc(entry.updated_parsed) == EDITED


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_correction_moves_the_item_updated_time(client, story, people, fmt):
    """A duty editor's correction makes the item's updated time the correction's time."""
    correction = services.article_correct(
        article=story, user=people["duty_editor"], kind="correction", text="更正：数字有误。"
    )
    updated = utc(read_feed(client, feed_url("site", fmt)).entries[0].updated_parsed)
    assert updated > EDITED
    assert abs(updated - correction.created_at) < timedelta(seconds=1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_guid_is_the_shortlink_and_survives_a_new_slug(client, story, fmt):
    """The item's id is the story's short link, unchanged when its headline and slug change."""
    url = feed_url("site", fmt)
    before = read_feed(client, url).entries[0].id
    Article.objects.filter(pk=story.pk).update(slug="xin-biao-ti")
    after = read_feed(client, url).entries[0].id
    assert before == after == f"http://testserver/articles/{story.pk}/"


def test_rss_guid_is_a_permalink_that_leads_to_the_story(client, story):
    """The RSS GUID is marked as a permalink, and opening it leads to the story."""
    content = client.get(feed_url("site")).content.decode()
    guid = f"http://testserver/articles/{story.pk}/"
    assert f'<guid isPermaLink="true">{guid}</guid>' in content
    response = client.get(guid)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_feed_holds_the_newest_thirty(client, section):
    """31 stories: the feed has the newest 30, newest first."""
    stories = [make_article(section=section, hours_ago=n + 1) for n in range(31)]
    feed = read_feed(client, feed_url("site"))
    assert [e.title for e in feed.entries] == [s.headline for s in stories[:30]]


HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "approved": {"status": Article.Status.APPROVED},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
    "scheduled": {"status": Article.Status.PUBLISHED, "published_at": None},
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("state", HIDDEN, ids=HIDDEN.keys())
def test_feeds_never_carry_a_story_readers_cannot_see(
    client, story, section, reporter, kind, state
):
    """Drafts, stories in review or approved, withdrawn and scheduled stories stay out."""
    fields = dict(HIDDEN[state])
    if state == "scheduled":
        fields["published_at"] = datetime.now(UTC) + timedelta(hours=2)
    desk_story(
        headline="尚未见报的稿件",
        section=section,
        authors=[(reporter, "reporter")],
        tags=["商标"],
        regions=["fengtai"],
        themes=["zhishichanquan"],
        **fields,
    )
    feed = read_feed(client, feed_url(kind, section=section, author=reporter))
    assert [e.title for e in feed.entries] == [story.headline]


def test_region_feed_includes_stories_of_its_sub_regions(client, story):
    """北京市's feed carries a story tagged only with 丰台区; 天津市's does not."""
    assert read_feed(client, reverse("regions:region-feed", args=["beijing"])).entries
    assert not read_feed(client, reverse("regions:region-feed", args=["tianjin"])).entries


def test_theme_feed_carries_only_its_theme(client, story):
    """A story on another theme stays out of 知识产权's feed."""
    make_article(headline="天津人才招聘会提供岗位两万个", themes=["rencai"])
    feed = read_feed(client, reverse("regions:theme-feed", args=["zhishichanquan"]))
    assert [e.title for e in feed.entries] == [story.headline]


@pytest.mark.parametrize(
    "url",
    ["/sections/nope/feed/", "/tags/nope/feed/atom/", "/authors/nope/feed/", "/regions/nope/feed/"],
)
def test_feed_of_an_unknown_list_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_empty_feed_is_still_valid(client):
    """With nothing published the site feed is a valid feed without items."""
    assert read_feed(client, feed_url("site", "atom")).entries == []


# Queries: the count depends on the feed, never on how many stories it carries.

FEED_QUERIES = {
    # Newest change, stories, bylines, regions, themes, tags, corrections.
    "site": 7,
    # As the site's, plus the subject.
    "section": 8,
    "tag": 8,
    "author": 8,
    "theme": 8,
    # Plus the region tree, read for the newest change and for the stories.
    "region": 10,
}


@pytest.mark.cold_queries
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("kind", "queries"), FEED_QUERIES.items(), ids=FEED_QUERIES.keys())
def test_feed_queries_do_not_grow_with_stories(
    client, django_assert_num_queries, section, reporter, kind, queries, fmt
):
    """Each feed takes the same pinned number of queries with 5 and with 30 stories."""
    url = feed_url(kind, fmt, section=section, author=reporter)

    def publish(count):
        for n in range(count):
            story = make_article(
                section=section,
                authors=[(reporter, "reporter"), (make_author(), "intern")],
                tags=["商标", f"标签{n}"],
                regions=["fengtai", "tianjin"],
                themes=["zhishichanquan"],
                hours_ago=n + 1,
            )
            services.article_add_correction(article=story, kind="update", text="补充了数据。")

    publish(5)
    with django_assert_num_queries(queries):
        assert len(feedparser.parse(client.get(url).content).entries) == 5
    publish(25)
    with django_assert_num_queries(queries):
        assert len(feedparser.parse(client.get(url).content).entries) == 30


@pytest.mark.parametrize(
    ("fmt", "path"),
    [
        ("rss", "channel/item/description"),
        ("atom", "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary"),
    ],
)
def test_summary_is_sent_as_html_of_its_text(client, section, fmt, path):
    """Readers take the summary as HTML: “A<B & C” goes as A&lt;B &amp;C, never as a tag."""
    make_article(section=section, summary="研发投入A<B & C")
    root = ET.fromstring(client.get(feed_url("site", fmt)).content)
    assert root.find(path).text == "研发投入A&lt;B &amp; C"


# Where readers find the feeds


def page_url(kind: str, *, section, author) -> str:
    return {
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["商标"]),
        "author": author.get_absolute_url(),
        "region": reverse("regions:region", args=["beijing"]),
        "theme": reverse("regions:theme", args=["zhishichanquan"]),
    }[kind]


def alternates(html) -> list[tuple[str, str]]:
    return [(link["type"], link["href"]) for link in links(html, "alternate")]


@pytest.mark.parametrize("kind", KINDS[1:])
def test_list_pages_link_their_own_feeds_and_the_sites_in_the_head(
    client, story, section, reporter, kind
):
    html = client.get(page_url(kind, section=section, author=reporter)).content
    own = [feed_url(kind, fmt, section=section, author=reporter) for fmt in FORMATS]
    assert alternates(html) == [
        ("application/rss+xml", own[0]),
        ("application/atom+xml", own[1]),
        ("application/rss+xml", "/feed/"),
        ("application/atom+xml", "/feed/atom/"),
    ]


@pytest.mark.parametrize("kind", ["home", *KINDS[1:]])
def test_home_and_list_pages_show_their_feed_links(client, story, section, reporter, kind):
    """The feed a page offers is a visible link on it, not only in its head."""
    html = client.get(page_url(kind, section=section, author=reporter)).content
    shown = {a.get("href") for a in anchors(html)}
    list_kind = "site" if kind == "home" else kind
    for fmt in FORMATS:
        assert feed_url(list_kind, fmt, section=section, author=reporter) in shown


def test_article_links_its_sections_feed_and_the_sites(client, story, section):
    html = client.get(story.get_absolute_url()).content
    assert [href for _, href in alternates(html)] == [
        feed_url("section", "rss", section=section),
        feed_url("section", "atom", section=section),
        "/feed/",
        "/feed/atom/",
    ]


def test_every_page_footer_links_the_site_feed(client, story):
    assert "/feed/" in {
        a.get("href") for a in anchors(client.get(story.get_absolute_url()).content)
    }
