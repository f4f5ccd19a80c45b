import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def region_page(client, slug):
    return client.get(reverse("regions:region", args=[slug]))


@pytest.mark.parametrize("slug", ["fengtai", "beijing", "jingjinji"])
def test_region_lists_stories_tagged_with_a_sub_region(client, slug):
    """A story tagged only 丰台区 appears on 丰台区, 北京市 and 京津冀."""
    make_article(headline="丽泽金融商务区新增入驻企业", regions=["fengtai"])
    assertContains(region_page(client, slug), "丽泽金融商务区新增入驻企业")


def test_region_omits_stories_from_a_sibling_region(client):
    """A story tagged 丰台区 is not listed under 天津市."""
    make_article(headline="丽泽金融商务区新增入驻企业", regions=["fengtai"])
    assertNotContains(region_page(client, "tianjin"), "丽泽金融商务区新增入驻企业")


def test_region_lists_stories_from_two_levels_down(client):
    """A story tagged 三河市 (under 廊坊市) appears on 河北省."""
    make_article(headline="燕郊通勤班车增开线路", regions=["sanhe"])
    assertContains(region_page(client, "hebei"), "燕郊通勤班车增开线路")


def test_region_lists_a_story_once_when_tagged_at_two_levels(client):
    """A story tagged with both 北京市 and 丰台区 is listed once on 北京市."""
    story = make_article(headline="丽泽金融商务区新增入驻企业", regions=["beijing", "fengtai"])
    response = region_page(client, "beijing")
    assert list(response.context["articles"]) == [story]


def test_region_links_to_its_sub_regions(client):
    """A region page links to each region below it."""
    response = region_page(client, "beijing")
    assertContains(
        response, f'<a href="{reverse("regions:region", args=["fengtai"])}">丰台区</a>', html=True
    )


def test_region_links_to_its_parent(client):
    """A sub-region page links up to the region above it."""
    response = region_page(client, "fengtai")
    assertContains(
        response, f'<a href="{reverse("regions:region", args=["beijing"])}">北京市</a>', html=True
    )


def test_theme_lists_its_stories_only(client):
    """A theme page lists stories on that theme and not those on another."""
    story = make_article(headline="京津冀专利导航服务平台上线", themes=["zhishichanquan"])
    make_article(headline="天津人才招聘会提供岗位两万个", themes=["rencai"])
    response = client.get(reverse("regions:theme", args=["zhishichanquan"]))
    assert list(response.context["articles"]) == [story]
