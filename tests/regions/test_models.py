import pytest

from regions.models import Region, Theme

pytestmark = pytest.mark.django_db


def ids(*slugs: str) -> set[int]:
    return set(Region.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def test_jingjinji_is_the_root_region():
    """京津冀 tops the region tree."""
    assert Region.objects.get(parent=None).name == "京津冀"


def test_jingjinji_has_the_three_provinces_as_children():
    """北京市, 天津市 and 河北省 sit directly under 京津冀."""
    children = Region.objects.get(slug="jingjinji").children.all()
    assert sorted(region.name for region in children) == sorted(["北京市", "天津市", "河北省"])


@pytest.mark.parametrize(
    ("slug", "name", "parent"),
    [
        ("xiongan", "雄安新区", "河北省"),
        ("fengtai", "丰台区", "北京市"),
        ("binhai", "滨海新区", "天津市"),
    ],
)
def test_data_migration_places_regions_under_their_province(slug, name, parent):
    """Well-known areas hang under the right province."""
    region = Region.objects.select_related("parent").get(slug=slug)
    assert (region.name, region.parent.name) == (name, parent)


def test_data_migration_creates_the_themes_with_pinyin_slugs():
    """The desk's ten themes exist, each with a pinyin slug."""
    assert set(Theme.objects.values_list("slug", "name")) == {
        ("zhishichanquan", "知识产权"),
        ("xianjinzhizaoye", "先进制造业"),
        ("rencai", "人才"),
        ("yingshanghuanjing", "营商环境"),
        ("jiaotongyitihua", "交通一体化"),
        ("shengtaihuanjing", "生态环境"),
        ("gonggongfuwu", "公共服务"),
        ("chanyezhuanyi", "产业转移"),
        ("kejichuangxin", "科技创新"),
        ("wenhualvyou", "文化旅游"),
    }


@pytest.mark.parametrize(
    "aliases",
    [
        "雄安\n容城\n安新",
        "雄安，容城，安新",
        "雄安,容城,安新",
        "雄安、容城\n安新",
        " 雄安 ，\n\n容城,安新，",
    ],
    ids=["newlines", "chinese-commas", "ascii-commas", "mixed", "blanks"],
)
def test_alias_list_splits_on_newlines_and_commas(aliases):
    """Aliases typed one per line or with Chinese or ASCII commas become a clean list."""
    assert Region(aliases=aliases).alias_list == ["雄安", "容城", "安新"]


def test_data_migration_stores_aliases_one_per_line():
    """The migrated 雄安新区 answers to its everyday names."""
    assert Region.objects.get(slug="xiongan").alias_list[:2] == ["雄安", "河北雄安新区"]


def test_region_absolute_url():
    """A region's page lives under /regions/<slug>/."""
    assert Region.objects.get(slug="xiongan").get_absolute_url() == "/regions/xiongan/"


def test_theme_absolute_url():
    """A theme's page lives under /themes/<slug>/."""
    assert Theme.objects.get(slug="zhishichanquan").get_absolute_url() == "/themes/zhishichanquan/"


def test_ancestors_run_from_the_top_down():
    """丰台区's ancestors are 京津冀 then 北京市."""
    fengtai = Region.objects.get(slug="fengtai")
    assert [region.slug for region in fengtai.ancestors()] == ["jingjinji", "beijing"]


def test_descendant_ids_include_the_region_and_its_children():
    """北京市's ids cover itself and its districts, and nothing in 天津市."""
    found = set(Region.objects.descendant_ids(Region.objects.get(slug="beijing")))
    assert ids("beijing", "fengtai", "tongzhou") <= found
    assert not ids("tianjin", "binhai") & found


def test_descendant_ids_reach_grandchildren():
    """河北省's ids reach 三河市, two levels down under 廊坊市."""
    found = Region.objects.descendant_ids(Region.objects.get(slug="hebei"))
    assert ids("langfang", "sanhe") <= set(found)


def test_descendant_ids_of_a_leaf_is_itself():
    """A region with nothing below it yields only its own id."""
    binhai = Region.objects.get(slug="binhai")
    assert Region.objects.descendant_ids(binhai) == [binhai.pk]


def test_descendant_ids_of_the_root_is_every_region():
    """京津冀's ids are those of the whole tree, each once."""
    found = Region.objects.descendant_ids(Region.objects.get(slug="jingjinji"))
    assert sorted(found) == sorted(Region.objects.values_list("pk", flat=True))


def test_descendant_ids_take_one_query(django_assert_num_queries):
    """However deep the tree, the ids come from a single query."""
    hebei = Region.objects.get(slug="hebei")
    with django_assert_num_queries(1):
        Region.objects.descendant_ids(hebei)
