"""Coverage figures against hand-counted fixtures, the overview page and the staff dashboard."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from regions import coverage
from regions.models import Region, Theme
from tests.factories import make_article

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}svg"


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def month():
    """Hand-counted November 2026: Beijing 2 人才 (one via 丰台) + 1 知识产权; Hebei 1 人才 via
    雄安; a Tianjin draft that must not count; one October story outside the period."""
    make_article(regions=["beijing"], themes=["rencai"], published_at=_at(date(2026, 11, 3)))
    make_article(regions=["fengtai"], themes=["rencai"], published_at=_at(date(2026, 11, 4)))
    make_article(
        regions=["beijing"], themes=["zhishichanquan"], published_at=_at(date(2026, 11, 5))
    )
    make_article(regions=["xiongan"], themes=["rencai"], published_at=_at(date(2026, 11, 6)))
    make_article(regions=["tianjin"], themes=["rencai"], status=Article.Status.DRAFT)
    make_article(regions=["tianjin"], themes=["rencai"], published_at=_at(date(2026, 10, 20)))


def _cell(table, region_slug, theme_slug):
    column = [t.slug for t in table["themes"]].index(theme_slug)
    row = next(counts for region, counts in table["rows"] if region.slug == region_slug)
    return row[column]


@pytest.mark.parametrize(
    ("region", "theme", "expected"),
    [
        ("beijing", "rencai", 2),
        ("beijing", "zhishichanquan", 1),
        ("hebei", "rencai", 1),
        ("xiongan", "rencai", 1),
        ("tianjin", "rencai", 0),
        ("hebei", "zhishichanquan", 0),
    ],
)
def test_region_theme_table_matches_the_hand_count(month, region, theme, expected):
    """Each cell counts published stories of the period, sub-regions included, drafts not."""
    table = coverage.region_theme_table(date(2026, 11, 1), date(2026, 11, 30))
    assert _cell(table, region, theme) == expected


def test_an_article_tagged_with_a_region_and_its_sub_region_counts_once():
    """北京市 + 丰台区 on one story is still one story for 北京市."""
    make_article(
        regions=["beijing", "fengtai"], themes=["rencai"], published_at=_at(date(2026, 11, 3))
    )
    table = coverage.region_theme_table(date(2026, 11, 1), date(2026, 11, 30))
    assert _cell(table, "beijing", "rencai") == 1


def test_weekly_series_count_each_province():
    """Stories this week and last week land in the right weeks for the right province."""
    today = timezone.localdate()
    make_article(regions=["hebei"], published_at=timezone.now() - timedelta(minutes=5))
    make_article(regions=["baoding"], published_at=timezone.now() - timedelta(days=7))
    labels, series = coverage.weekly_by_province(weeks=4, today=today)
    hebei = next(values for province, values in series.items() if province.slug == "hebei")
    assert len(labels) == 4 and sum(hebei) == 2 and hebei[-1] >= 1


def test_quiet_regions_put_the_never_covered_first():
    """A region with no story ranks before one with an old story, which ranks before a fresh one."""
    make_article(regions=["tangshan"], published_at=timezone.now() - timedelta(days=300))
    quiet = [region.slug for region, _ in coverage.quiet_regions(limit=60)]
    assert quiet.index("tangshan") > quiet.index("chengde")
    assert "hebei" in quiet[quiet.index("tangshan") :]


def test_overview_shows_three_provinces_and_a_chart(client):
    """The 京津冀 page has a column per province with its stories and an SVG chart."""
    make_article(headline="保定新建产业园开园", regions=["baoding"])
    response = client.get(reverse("regions:overview"))
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("北京市", "天津市", "河北省"):
        assert name in page
    assert "保定新建产业园开园" in page
    start = page.index("<svg")
    svg = ET.fromstring(page[start : page.index("</svg>") + len("</svg>")])
    assert svg.tag == SVG and "每月稿件数" in svg.find("{http://www.w3.org/2000/svg}title").text


def test_overview_lists_no_unpublished_story(client):
    """Drafts and scheduled stories stay off the overview."""
    make_article(headline="尚未发布的保定稿件", regions=["baoding"], status=Article.Status.DRAFT)
    assert "尚未发布的保定稿件" not in client.get(reverse("regions:overview")).content.decode()


def test_dashboard_is_for_staff_only(client):
    """Readers are sent to the admin login."""
    response = client.get(reverse("admin:articles_article_coverage"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_dashboard_shows_the_table_chart_and_quiet_regions(admin_client, month):
    """The chosen range's numbers, empty cells marked, a parseable chart, the quiet regions."""
    response = admin_client.get(
        reverse("admin:articles_article_coverage"),
        {"period": "range", "start": "2026-11-01", "end": "2026-11-30"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "2026-11-01 至 2026-11-30" in page
    assert 'class="empty"' in page and '<td class="has">2</td>' in page
    chart = page[page.index('<figure class="desk-chart">') :]
    svg = ET.fromstring(chart[chart.index("<svg") : chart.index("</svg>") + len("</svg>")])
    assert svg.tag == SVG
    assert "最久没有报道的地区" in page


def test_dashboard_ignores_a_bad_date_range(admin_client):
    """Nonsense dates fall back to this week instead of failing."""
    response = admin_client.get(
        reverse("admin:articles_article_coverage"), {"period": "range", "start": "2026-13-45"}
    )
    assert response.status_code == 200 and "本周" in response.content.decode()


def test_regions_and_themes_exist_for_the_table():
    """The table has a row per province, city and new area, and a column per theme."""
    rows = coverage.table_regions()
    assert {"beijing", "tianjin", "hebei", "xiongan", "binhai"} <= {r.slug for r in rows}
    assert Theme.objects.count() == 10 and Region.objects.filter(slug="xiongan").exists()
