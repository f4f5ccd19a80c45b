"""What pages tell search engines and chat apps: JSON-LD, OpenGraph and Twitter card tags, read
back from the HTML as a crawler reads them."""

from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from articles import services
from articles.models import Article
from tests.articles.site.conftest import EDITED
from tests.factories import GIF, make_article
from tests.pages import json_ld, links, meta

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def news_article(client, story) -> dict:
    return json_ld(page(client, story.get_absolute_url()))["NewsArticle"]


# The article's head


def test_article_has_its_canonical_link(client, story):
    (canonical,) = links(page(client, story.get_absolute_url()), "canonical")
    assert canonical["href"] == ORIGIN + story.get_absolute_url()


def test_article_meta_description_is_its_summary(client, story):
    assert meta(page(client, story.get_absolute_url()))["description"] == [
        "京津冀三地商标有效注册量持续增长。"
    ]


def test_news_article_headline_description_and_address(client, story):
    data = news_article(client, story)
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "京津冀商标有效注册量达478.92万件"
    assert data["description"] == "京津冀三地商标有效注册量持续增长。"
    assert data["url"] == data["mainEntityOfPage"]["@id"] == ORIGIN + story.get_absolute_url()


def test_news_article_dates_are_iso_with_the_beijing_offset(client, story):
    data = news_article(client, story)
    assert data["datePublished"] == "2025-03-02T01:30:00+08:00"
    assert data["dateModified"] == "2025-03-02T03:30:00+08:00"


def test_news_article_names_every_author_as_a_person_with_their_page(client, story, reporter):
    assert news_article(client, story)["author"] == [
        {"@type": "Person", "name": "雷嘉", "url": ORIGIN + reporter.get_absolute_url()},
        {"@type": "Person", "name": "高峰", "url": ORIGIN + "/authors/gaofeng/"},
    ]


def test_news_article_publisher_is_the_paper_with_its_logo(client, story):
    publisher = news_article(client, story)["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["name"] == "京津冀新闻"
    assert publisher["logo"]["url"] == ORIGIN + "/static/logo.png"
    assert client.get("/static/logo.png").status_code == 200


def test_news_article_section_keywords_and_access(client, story):
    data = news_article(client, story)
    assert data["articleSection"] == "协同发展"
    assert data["keywords"] == ["商标", "知识产权", "丰台区"]
    assert data["isAccessibleForFree"] is True


def test_news_article_image_is_the_lead_image(client, story):
    story.lead_image.save("lead.gif", ContentFile(GIF))
    assert news_article(client, story)["image"] == [ORIGIN + story.lead_image.url]


def test_news_article_without_lead_image_shows_the_papers_picture(client, story):
    assert news_article(client, story)["image"] == [ORIGIN + "/static/share.png"]


def test_each_correction_is_a_correction_comment(client, story, people):
    """A duty editor's correction is listed with its text and time."""
    correction = services.article_correct(
        article=story, user=people["duty_editor"], kind="correction", text="增幅应为42.7%。"
    )
    (listed,) = news_article(client, story)["correction"]
    assert listed["@type"] == "CorrectionComment"
    assert listed["text"] == "增幅应为42.7%。"
    assert datetime.fromisoformat(listed["datePublished"]) == correction.created_at.replace(
        microsecond=0
    )


def test_a_correction_moves_date_modified(client, story, people):
    services.article_correct(
        article=story, user=people["duty_editor"], kind="correction", text="增幅应为42.7%。"
    )
    assert datetime.fromisoformat(news_article(client, story)["dateModified"]) > EDITED


def test_an_update_is_not_a_correction_comment(client, story):
    """An update adds news; it corrects nothing, so it is not listed as a correction."""
    services.article_add_correction(article=story, kind="update", text="补充了数据。")
    assert "correction" not in news_article(client, story)


def test_article_breadcrumb_runs_home_section_story(client, story, section):
    trail = json_ld(page(client, story.get_absolute_url()))["BreadcrumbList"]["itemListElement"]
    assert [(item["position"], item["name"], item["item"]) for item in trail] == [
        (1, "首页", ORIGIN + "/"),
        (2, "协同发展", ORIGIN + section.get_absolute_url()),
        (3, story.headline, ORIGIN + story.get_absolute_url()),
    ]


def test_a_headline_cannot_close_the_json_ld_script(client, section):
    """`</script>` in a headline stays inside the JSON: the block parses, no tag escapes."""
    evil = 'A</script><script>alert("x")</script>'
    story = make_article(headline=evil, section=section)
    html = page(client, story.get_absolute_url()).decode()
    assert "<script>alert" not in html
    assert news_article(client, story)["headline"] == evil


def test_opengraph_describes_the_article(client, story, reporter):
    tags = meta(page(client, story.get_absolute_url()))
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == [story.headline]
    assert tags["og:description"] == ["京津冀三地商标有效注册量持续增长。"]
    assert tags["og:url"] == [ORIGIN + story.get_absolute_url()]
    assert tags["og:image"] == [ORIGIN + "/static/share.png"]
    assert tags["og:site_name"] == ["京津冀新闻"]
    assert tags["article:published_time"] == ["2025-03-02T01:30:00+08:00"]
    assert tags["article:modified_time"] == ["2025-03-02T03:30:00+08:00"]
    assert tags["article:section"] == ["协同发展"]
    assert tags["article:tag"] == ["商标"]
    assert tags["article:author"] == [
        ORIGIN + reporter.get_absolute_url(),
        ORIGIN + "/authors/gaofeng/",
    ]


def test_twitter_card_without_lead_image_is_a_summary(client, story):
    tags = meta(page(client, story.get_absolute_url()))
    assert tags["twitter:card"] == ["summary"]
    assert tags["twitter:title"] == [story.headline]
    assert tags["twitter:description"] == ["京津冀三地商标有效注册量持续增长。"]
    assert tags["twitter:image"] == [ORIGIN + "/static/share.png"]


def test_twitter_card_with_lead_image_is_large(client, story):
    story.lead_image.save("lead.gif", ContentFile(GIF))
    tags = meta(page(client, story.get_absolute_url()))
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["og:image"] == tags["twitter:image"] == [ORIGIN + story.lead_image.url]


# List pages


def collection(client, url) -> dict:
    return json_ld(page(client, url))


def test_section_page_is_a_collection_of_its_stories(client, story, section):
    data = collection(client, section.get_absolute_url())["CollectionPage"]
    assert data["name"] == "协同发展"
    assert data["url"] == ORIGIN + section.get_absolute_url()
    assert data["isPartOf"]["@type"] == "WebSite"
    assert [item["url"] for item in data["mainEntity"]["itemListElement"]] == [
        ORIGIN + story.get_absolute_url()
    ]


def test_second_page_numbers_its_stories_on(client, section):
    """Page 2 of a section starts its ItemList at position 21, with its own canonical link."""
    for n in range(21):
        make_article(section=section, hours_ago=n + 1)
    html = page(client, section.get_absolute_url() + "?page=2")
    data = json_ld(html)["CollectionPage"]
    assert data["mainEntity"]["itemListElement"][0]["position"] == 21
    assert data["url"] == ORIGIN + section.get_absolute_url() + "?page=2"
    assert links(html, "canonical")[0]["href"] == data["url"]


def test_region_breadcrumb_runs_through_its_parents(client, story):
    """丰台区: 首页 › 京津冀 › 北京市 › 丰台区."""
    url = reverse("regions:region", args=["fengtai"])
    data = collection(client, url)
    trail = data["BreadcrumbList"]["itemListElement"]
    assert [item["name"] for item in trail] == ["首页", "京津冀", "北京市", "丰台区"]
    assert trail[-1]["item"] == ORIGIN + url
    assert data["CollectionPage"]["name"] == "丰台区"


def test_author_page_is_about_the_person(client, story, reporter):
    data = collection(client, reporter.get_absolute_url())["CollectionPage"]
    assert data["about"] == {
        "@type": "Person",
        "name": "雷嘉",
        "url": ORIGIN + reporter.get_absolute_url(),
    }


@pytest.mark.parametrize("kind", ["section", "region", "theme", "tag", "author"])
def test_list_pages_have_their_own_canonical_link(client, story, section, reporter, kind):
    url = {
        "section": section.get_absolute_url(),
        "region": reverse("regions:region", args=["beijing"]),
        "theme": reverse("regions:theme", args=["zhishichanquan"]),
        "tag": reverse("articles:tag", args=["商标"]),
        "author": reporter.get_absolute_url(),
    }[kind]
    html = page(client, url)
    assert links(html, "canonical")[0]["href"] == ORIGIN + url
    assert meta(html)["og:url"] == [ORIGIN + url]


def test_home_describes_the_site_and_its_search(client, story):
    data = collection(client, "/")
    assert data["WebSite"]["url"] == ORIGIN + "/"
    assert data["WebSite"]["potentialAction"]["target"]["urlTemplate"] == (
        ORIGIN + "/search/?q={q}"
    )
    assert data["NewsMediaOrganization"]["name"] == "京津冀新闻"


def test_preview_of_a_draft_claims_no_publication_time(client, people, section):
    """An unpublished story has no published time to announce, not the text “None”."""
    draft = make_article(section=section, status=Article.Status.DRAFT)
    client.force_login(people["superuser"])
    html = page(client, reverse("admin:articles_article_preview", args=[draft.pk]))
    assert "article:published_time" not in meta(html)
    assert json_ld(html)["NewsArticle"]["datePublished"] is None
