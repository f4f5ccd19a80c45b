import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles import services
from articles.models import Article
from tests.factories import GIF, HIDDEN, make_article, make_author, make_section

# Each test also runs with fragments cached (tests/conftest.py, fragment_modes).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_modes")]

HIDDEN_HEADLINE = "尚未见报的稿件"


def list_url(page: str, *, section, author) -> str:
    """The URL of each reader-facing list that a story in `section` by `author` can appear on."""
    return {
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["商标"]),
        "region": reverse("regions:region", args=["beijing"]),
        "theme": reverse("regions:theme", args=["zhishichanquan"]),
        "author": author.get_absolute_url(),
    }[page]


def publish(count: int, *, section, author) -> list:
    """`count` published stories sharing a section, author, tag, sub-region and theme."""
    return [
        make_article(
            section=section,
            authors=[(author, "reporter")],
            tags=["商标"],
            regions=["fengtai"],
            themes=["zhishichanquan"],
            hours_ago=index + 1,
        )
        for index in range(count)
    ]


# Home


def test_home_leads_with_the_newest_story(client, section):
    """The newest published story is the home page's lead."""
    make_article(headline="较早的报道", section=section, hours_ago=5)
    newest = make_article(headline="最新的报道", section=section, hours_ago=1)
    assert client.get("/").context["lead"] == newest


def test_home_lists_section_blocks(client, story, section):
    """Each section with stories gets a block headed by a link to the section page."""
    response = client.get("/")
    assertContains(response, f'<a href="{section.get_absolute_url()}">协同发展</a>', html=True)


def test_home_without_stories_says_so(client):
    """An empty site still renders its home page, with a note instead of a lead."""
    assertContains(client.get("/"), "还没有发布的稿件")


# Article detail: content


def test_detail_shows_kicker_headline_and_deck(client, story):
    """The story's three titles appear in its header."""
    response = client.get(story.get_absolute_url())
    assertContains(response, '<p class="story__kicker">知识产权协同保护</p>', html=True)
    assertContains(
        response, '<h1 class="story__headline">京津冀商标有效注册量达478.92万件</h1>', html=True
    )
    assertContains(response, '<p class="story__deck">三地联合发布知识产权白皮书</p>', html=True)


def test_detail_byline_names_roles_and_links_to_author_pages(client, story, reporter):
    """Each byline shows the role and links the name to the author's page."""
    response = client.get(story.get_absolute_url())
    assertContains(
        response,
        '<span class="byline__item"><span class="byline__role">记者</span> '
        f'<a href="{reporter.get_absolute_url()}" rel="author">雷嘉</a></span>',
        html=True,
    )
    assertContains(
        response,
        '<span class="byline__item"><span class="byline__role">摄影</span> '
        '<a href="/authors/gaofeng/" rel="author">高峰</a></span>',
        html=True,
    )


def test_detail_shows_source_line_and_dateline(client, story):
    """The source line is followed by the dateline in Chinese brackets."""
    response = client.get(story.get_absolute_url())
    assertContains(response, '<p class="story__source">本报讯（北京）</p>', html=True)


def test_detail_time_is_machine_readable_in_beijing_time(client, story):
    """The publication time carries an ISO datetime in Beijing time."""
    response = client.get(story.get_absolute_url())
    assertContains(
        response, '<time datetime="2025-03-02T01:30:00+08:00">2025年3月2日 01:30</time>', html=True
    )


def test_detail_shows_the_body(client, story):
    """The sanitised body is rendered as HTML, not escaped."""
    response = client.get(story.get_absolute_url())
    assertContains(response, "<p>三地市场监管部门当天联合发布数据。</p>")


def test_detail_shows_lead_image_caption_and_credit(client, story):
    """A lead image is shown with its caption and its credit."""
    story.lead_image_caption = "雄安新区城市建设现场"
    story.lead_image_credit = "本报记者 高峰 摄"
    story.lead_image.save("lead.gif", ContentFile(GIF))
    response = client.get(story.get_absolute_url())
    assertContains(
        response,
        '<figcaption>雄安新区城市建设现场 <span class="credit">本报记者 高峰 摄</span></figcaption>',
        html=True,
    )


def test_detail_without_lead_image_has_no_figure(client, story):
    """No lead image, no empty figure."""
    assertNotContains(client.get(story.get_absolute_url()), "story__figure")


@pytest.mark.parametrize(
    ("url_name", "slug", "label"),
    [
        ("articles:tag", "商标", "商标"),
        ("regions:region", "fengtai", "丰台区"),
        ("regions:theme", "zhishichanquan", "知识产权"),
    ],
    ids=["tag", "region", "theme"],
)
def test_detail_links_its_tags_regions_and_themes(client, story, url_name, slug, label):
    """The story's footer links each tag, region and theme to its list."""
    response = client.get(story.get_absolute_url())
    assertContains(response, f'href="{reverse(url_name, args=[slug])}"')
    assertContains(response, f">{label}</a>")


def test_detail_shows_the_corrections_box(client, story):
    """A recorded correction appears in the article's corrections box."""
    services.article_add_correction(
        article=story, kind="correction", text="本文此前将注册量误写为478.29万件，现已更正。"
    )
    response = client.get(story.get_absolute_url())
    assertContains(response, '<h2 id="corrections-title">更正与更新</h2>', html=True)
    assertContains(response, "：本文此前将注册量误写为478.29万件，现已更正。</li>")


# Article detail: related stories


def test_related_shows_a_story_sharing_a_theme(client, story):
    """A published story on the same theme is offered as related."""
    make_article(headline="京津冀专利导航服务平台上线", themes=["zhishichanquan"])
    response = client.get(story.get_absolute_url())
    assertContains(response, "京津冀专利导航服务平台上线")


def test_related_omits_an_unrelated_story(client, story):
    """A story sharing no theme, region or tag is not offered as related."""
    make_article(headline="天津人才招聘会提供岗位两万个", themes=["rencai"], regions=["heping"])
    response = client.get(story.get_absolute_url())
    assertNotContains(response, "天津人才招聘会提供岗位两万个")


@pytest.mark.parametrize("state", HIDDEN.values(), ids=HIDDEN.keys())
def test_related_never_offers_an_unpublished_story(client, story, state):
    """A story readers may not see is never offered as related, however close its subject."""
    make_article(
        headline=HIDDEN_HEADLINE,
        tags=["商标"],
        regions=["fengtai"],
        themes=["zhishichanquan"],
        **state,
    )
    response = client.get(story.get_absolute_url())
    assertNotContains(response, HIDDEN_HEADLINE)


@pytest.mark.cold_queries
def test_the_article_page_takes_at_most_four_queries_cold(
    client, django_assert_max_num_queries, story
):
    """With no page or fragment cache, a story with bylines, tags, a region, a theme, a
    correction and five related stories is read in four queries: the story, what is beside
    it, its related stories, the navigation."""
    for hours in range(6):
        make_article(tags=["商标"], themes=["zhishichanquan"], hours_ago=hours + 1)
    services.article_add_correction(article=story, kind="update", text="补充了天津的数据。")
    services.article_related_refresh(story)
    with django_assert_max_num_queries(4):
        response = client.get(story.get_absolute_url())
    assert len(response.context["parts"]["aside"].split("<li>")) == 6  # five related stories
    assertContains(response, "补充了天津的数据。")


# What readers may not see


NOT_YET = {key: value for key, value in HIDDEN.items() if key != "withdrawn"}


@pytest.mark.parametrize("state", NOT_YET.values(), ids=NOT_YET.keys())
def test_unpublished_detail_is_not_found(client, state):
    """Drafts, review copies and scheduled stories answer 404."""
    article = make_article(headline=HIDDEN_HEADLINE, **state)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("state", NOT_YET.values(), ids=NOT_YET.keys())
def test_unpublished_shortlink_is_not_found(client, state):
    """The short link does not reveal where an unpublished story would live."""
    article = make_article(headline=HIDDEN_HEADLINE, **state)
    assert client.get(reverse("articles:shortlink", args=[article.pk])).status_code == 404


def test_withdrawn_detail_is_gone_with_a_chinese_notice(client):
    """A withdrawn story's URL answers 410 with a notice, and none of its text."""
    article = make_article(headline=HIDDEN_HEADLINE, status=Article.Status.WITHDRAWN)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assertContains(response, "这篇稿件已撤回", status_code=410)
    assertNotContains(response, HIDDEN_HEADLINE, status_code=410)


def test_withdrawn_shortlink_is_gone(client):
    """The short link of a withdrawn story answers 410 too."""
    article = make_article(headline=HIDDEN_HEADLINE, status=Article.Status.WITHDRAWN)
    assert client.get(reverse("articles:shortlink", args=[article.pk])).status_code == 410


@pytest.mark.parametrize("page", ["home", "section", "tag", "region", "theme", "author"])
@pytest.mark.parametrize("state", HIDDEN.values(), ids=HIDDEN.keys())
def test_unpublished_story_is_absent_from_every_list(client, section, reporter, state, page):
    """An unpublished story is listed nowhere, while its published twin is."""
    twin = {
        "section": section,
        "authors": [(reporter, "reporter")],
        "tags": ["商标"],
        "regions": ["fengtai"],
        "themes": ["zhishichanquan"],
    }
    make_article(headline="已经见报的稿件", **twin)
    make_article(headline=HIDDEN_HEADLINE, **twin, **state)
    response = client.get(list_url(page, section=section, author=reporter))
    assertContains(response, "已经见报的稿件")
    assertNotContains(response, HIDDEN_HEADLINE)


# Canonical URLs


def test_wrong_slug_redirects_to_the_canonical_url(client, story):
    """An old or mistyped slug is a permanent redirect to the story's URL."""
    url = story.get_absolute_url().replace(story.slug, "old-slug")
    assertRedirects(client.get(url), story.get_absolute_url(), status_code=301)


def test_wrong_date_redirects_to_the_canonical_url(client, story):
    """A UTC date (1 March, not Beijing's 2 March) is a permanent redirect."""
    url = f"/articles/2025/03/01/{story.pk}-{story.slug}/"
    assertRedirects(client.get(url), story.get_absolute_url(), status_code=301)


def test_impossible_month_redirects_to_the_canonical_url(client, story):
    """Month 13 matches the pattern, so it redirects rather than erroring."""
    url = f"/articles/2025/13/02/{story.pk}-{story.slug}/"
    assertRedirects(client.get(url), story.get_absolute_url(), status_code=301)


def test_shortlink_redirects_to_the_canonical_url(client, story):
    """/articles/<id>/ is a permanent redirect to the dated URL."""
    response = client.get(f"/articles/{story.pk}/")
    assertRedirects(response, story.get_absolute_url(), status_code=301)


# Malformed and unknown URLs


@pytest.mark.parametrize(
    "url",
    [
        "/articles/99999999999999999999999/",
        "/articles/999999999999999999/",
        "/articles/2025/03/02/99999999999999999999999-slug/",
        "/articles/2025/03/02/999999999999999999-slug/",
    ],
    ids=["huge-shortlink", "big-shortlink", "huge-detail", "big-detail"],
)
def test_oversized_ids_are_not_found(client, url):
    """Ids too large for the database are a 404, not a database error."""
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "99999", "-1"])
def test_bad_page_numbers_are_not_found(client, story, section, page):
    """A page that is not a number or out of range is a 404."""
    assert client.get(section.get_absolute_url(), {"page": page}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/sections/no-such-section/",
        "/tags/no-such-tag/",
        "/tags/不存在/",
        "/authors/nobody/",
        "/regions/shanghai/",
        "/themes/no-such-theme/",
    ],
)
def test_unknown_slugs_are_not_found(client, url):
    """A section, tag, author, region or theme that does not exist is a 404."""
    assert client.get(url).status_code == 404


def test_tag_with_a_chinese_slug_lists_its_stories(client, story):
    """A tag whose slug is Chinese characters is reachable and lists its stories."""
    response = client.get("/tags/商标/")
    assertContains(response, "京津冀商标有效注册量达478.92万件")


def test_not_found_page_is_in_chinese(client):
    """Readers who hit a missing page are told so in Chinese."""
    response = client.get("/no-such-page/")
    assertContains(response, "页面不存在", status_code=404)


# Lists


def test_section_lists_its_stories_only(client, story, section):
    """A section page lists its own stories and not another section's."""
    make_article(headline="别的栏目里的稿件", section=make_section(name="民生", slug="minsheng"))
    response = client.get(section.get_absolute_url())
    assert list(response.context["articles"]) == [story]


def test_tag_lists_its_stories_only(client, story):
    """A tag page lists stories with that tag and not others."""
    make_article(headline="没有标签的稿件")
    response = client.get(reverse("articles:tag", args=["商标"]))
    assert list(response.context["articles"]) == [story]


def test_author_page_lists_the_authors_stories_only(client, story, reporter):
    """An author page lists that author's stories and not a colleague's."""
    make_article(headline="同事写的稿件", authors=[(make_author(name="王磊"), "reporter")])
    response = client.get(reporter.get_absolute_url())
    assert list(response.context["articles"]) == [story]


def test_author_page_shows_the_bio(client, story, reporter):
    """The author's short bio introduces their page."""
    reporter.bio = "长期跑京津冀协同发展口。"
    reporter.save()
    assertContains(client.get(reporter.get_absolute_url()), "长期跑京津冀协同发展口。")


def test_list_pages_hold_twenty_stories(client, section, reporter):
    """The first page of a list shows twenty stories."""
    publish(50, section=section, author=reporter)
    response = client.get(section.get_absolute_url())
    assert len(response.context["articles"]) == 20


def test_second_page_exists_with_fifty_stories(client, section, reporter):
    """With fifty stories a list has a second page of twenty, linked back to the first."""
    publish(50, section=section, author=reporter)
    response = client.get(section.get_absolute_url(), {"page": 2})
    assert len(response.context["articles"]) == 20
    assertContains(response, 'href="?page=1" rel="prev"')


def test_the_last_page_of_a_list_is_reachable_by_name(client, section, reporter):
    """?page=last opens the last page: with fifty stories, the ten oldest."""
    publish(50, section=section, author=reporter)
    response = client.get(section.get_absolute_url(), {"page": "last"})
    assert len(response.context["articles"]) == 10
    assertContains(response, "第 3 页")


@pytest.mark.parametrize("page", ["0", "4", "二", "１", "-1", "1.5"])
def test_a_page_a_list_does_not_have_is_a_404(client, section, reporter, page):
    """Pages past the end, and page numbers that are not plain numbers, answer 404."""
    publish(50, section=section, author=reporter)
    assert client.get(section.get_absolute_url(), {"page": page}).status_code == 404


# Queries per page: the count depends on the page, never on how many stories there are.

QUERIES = {
    # The list's newest change (Last-Modified), stories, their bylines, the sections, one per
    # section (one here), region strip, nav.
    "home": 7,
    # Article with its section; bylines, tags, regions, themes and corrections in one UNION;
    # the stored related stories; nav.
    "detail": 4,
    # Subject, newest change, the page's ids (which count the list a few pages ahead), its
    # stories, their bylines, nav.
    "section": 6,
    "tag": 6,
    "author": 6,
    # As a list, plus the regions it touches: the coverage summary's counts, today's live count
    # (with the region tree), and the region rows.
    "theme": 10,
    # As a list, plus the region tree (for sub-regions: the newest change, the list), the
    # children links, and the themes with their counts (summary, today live with the region
    # tree, theme rows).
    "region": 13,
}


@pytest.mark.cold_queries
@pytest.mark.parametrize(("page", "queries"), QUERIES.items(), ids=QUERIES.keys())
def test_queries_per_page_do_not_grow_with_stories(
    client, django_assert_num_queries, section, reporter, page, queries
):
    """Each page takes the same pinned number of queries with 5 and with 50 stories."""
    first = publish(5, section=section, author=reporter)[0]
    if page == "detail":
        url = first.get_absolute_url()
    else:
        url = list_url(page, section=section, author=reporter)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    publish(45, section=section, author=reporter)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
