import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import make_article

# Each test also runs with fragments cached (tests/conftest.py, fragment_modes).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_modes")]


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


def test_region_page_lists_its_themes_with_counts(client):
    """The region page counts its stories per theme, sub-regions included."""
    make_article(headline="丰台人才服务窗口开放", regions=["fengtai"], themes=["rencai"])
    make_article(headline="北京人才新政发布", regions=["beijing"], themes=["rencai"])
    make_article(headline="北京专利快审提速", regions=["beijing"], themes=["zhishichanquan"])
    page = region_page(client, "beijing").content.decode()
    assert '?theme=rencai">人才 <span class="count">2</span>' in page
    assert '?theme=zhishichanquan">知识产权 <span class="count">1</span>' in page


def test_region_cross_filter_shows_one_theme(client):
    """/regions/hebei/?theme=zhishichanquan lists only that theme's Hebei stories."""
    make_article(headline="保定专利导航项目启动", regions=["baoding"], themes=["zhishichanquan"])
    make_article(headline="保定引进高层次人才", regions=["baoding"], themes=["rencai"])
    make_article(headline="天津专利审查提速", regions=["tianjin"], themes=["zhishichanquan"])
    response = client.get(reverse("regions:region", args=["hebei"]), {"theme": "zhishichanquan"})
    assertContains(response, "保定专利导航项目启动")
    assertNotContains(response, "保定引进高层次人才")
    assertNotContains(response, "天津专利审查提速")


def test_theme_page_lists_the_regions_it_touches(client):
    """The theme page names the regions of its stories with counts, and filters by one."""
    make_article(headline="雄安人才公寓交付", regions=["xiongan"], themes=["rencai"])
    make_article(headline="滨海人才驿站开放", regions=["binhai"], themes=["rencai"])
    page = client.get(reverse("regions:theme", args=["rencai"])).content.decode()
    assert '?region=xiongan">雄安新区 <span class="count">1</span>' in page
    filtered = client.get(reverse("regions:theme", args=["rencai"]), {"region": "hebei"})
    assertContains(filtered, "雄安人才公寓交付")
    assertNotContains(filtered, "滨海人才驿站开放")


@pytest.mark.parametrize(
    ("name", "args", "params"),
    [
        ("regions:region", ["hebei"], {"theme": "no-such-theme"}),
        ("regions:theme", ["rencai"], {"region": "no-such-region"}),
    ],
    ids=["region-page", "theme-page"],
)
def test_unknown_cross_filter_is_not_found(client, name, args, params):
    """A filter naming nothing is a 404, not an empty page or a 500."""
    assert client.get(reverse(name, args=args), params).status_code == 404


def test_region_pages_narrowed_to_a_theme_keep_it_from_page_to_page(client):
    """On 河北省 narrowed to 人才, the link to page 2 stays narrowed to 人才."""
    for number in range(21):
        make_article(headline=f"河北人才稿件{number}", regions=["hebei"], themes=["rencai"])
    response = client.get(reverse("regions:region", args=["hebei"]), {"theme": "rencai"})
    assertContains(response, 'href="?theme=rencai&amp;page=2"')


def test_theme_pages_narrowed_to_a_region_keep_it_from_page_to_page(client):
    """On 人才 narrowed to 河北省, the link to page 2 stays narrowed to 河北省."""
    for number in range(21):
        make_article(headline=f"河北人才稿件{number}", regions=["hebei"], themes=["rencai"])
    response = client.get(reverse("regions:theme", args=["rencai"]), {"region": "hebei"})
    assertContains(response, 'href="?region=hebei&amp;page=2"')
