"""The per-day coverage summary: kept in step by the articles' services, equal to a fresh
recount, and read live for today so scheduled stories count only once readers can see them."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from articles import services
from articles.models import Article
from regions import coverage
from regions.models import CoverageCount, Region, Theme
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(db):
    return get_user_model().objects.create_superuser("chief", "chief@example.cn", "mima")


def _days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def _stored(region_slug: str, theme_slug: str | None = None) -> int:
    """Stories the summary holds for a region (and theme) over every day."""
    rows = CoverageCount.objects.filter(region__slug=region_slug)
    rows = rows.filter(theme__slug=theme_slug) if theme_slug else rows.filter(theme__isnull=True)
    return sum(rows.values_list("stories", flat=True))


def _snapshot() -> set:
    return set(CoverageCount.objects.values_list("day", "region_id", "theme_id", "stories"))


def test_a_published_story_counts_for_its_region_and_every_region_above():
    """丰台区 story: one for 丰台区, 北京市 and 京津冀, on its Beijing day."""
    make_article(regions=["fengtai"], themes=["rencai"], published_at=_days_ago(3))
    assert _stored("fengtai") == _stored("beijing") == _stored("jingjinji") == 1
    assert _stored("beijing", "rencai") == 1 and _stored("tianjin") == 0


def test_the_summary_day_is_the_beijing_day():
    """23:30 UTC on the 2nd is the 3rd in Beijing."""
    make_article(regions=["beijing"], published_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    assert set(CoverageCount.objects.values_list("day", flat=True)) == {date(2026, 3, 3)}


def test_withdrawing_a_story_takes_it_off_the_summary(chief):
    """The dashboard stops counting a withdrawn story at once."""
    article = make_article(regions=["baoding"], themes=["rencai"], published_at=_days_ago(2))
    services.article_withdraw(article=article, user=chief, reason="事实有误")
    assert _stored("baoding") == 0 and _stored("hebei", "rencai") == 0


def test_rescheduling_moves_the_story_to_its_new_day(chief):
    """A story moved from one day to another is counted on the new day only."""
    article = make_article(regions=["tianjin"], published_at=timezone.now() + timedelta(days=3))
    services.article_publish(article=article, user=chief, at=timezone.now() + timedelta(days=5))
    days = set(CoverageCount.objects.filter(theme__isnull=True).values_list("day", flat=True))
    assert days == {timezone.localdate(timezone.now() + timedelta(days=5))}


def test_bulk_adding_a_region_counts_the_stories_there():
    """The bulk action's new region shows up in the summary."""
    article = make_article(regions=["beijing"], published_at=_days_ago(4))
    services.articles_bulk_tag(
        articles=Article.objects.filter(pk=article.pk),
        operation="add",
        region=Region.objects.get(slug="xiongan"),
    )
    assert _stored("xiongan") == 1 and _stored("hebei") == 1


def test_bulk_removing_a_theme_uncounts_it():
    """Removing a theme in bulk empties its cells."""
    article = make_article(regions=["beijing"], themes=["rencai"], published_at=_days_ago(4))
    services.articles_bulk_tag(
        articles=[article], operation="remove", theme=Theme.objects.get(slug="rencai")
    )
    assert _stored("beijing", "rencai") == 0 and _stored("beijing") == 1


def test_deleting_a_story_recounts_its_day():
    """A story deleted in the admin leaves no count behind."""
    article = make_article(regions=["langfang"], published_at=_days_ago(6))
    services.articles_delete(articles=[article])
    assert _stored("langfang") == 0


def test_kept_summary_equals_a_fresh_recount(chief):
    """After a mix of steps, the summary the services kept is what a full rebuild makes."""
    make_article(regions=["beijing", "fengtai"], themes=["rencai"], published_at=_days_ago(1))
    make_article(
        regions=["xiongan"], themes=["rencai", "zhishichanquan"], published_at=_days_ago(1)
    )
    withdrawn = make_article(regions=["tianjin"], published_at=_days_ago(8))
    services.article_withdraw(article=withdrawn, user=chief, reason="重复")
    make_article(regions=["binhai"], status=Article.Status.DRAFT)
    kept = _snapshot()
    coverage.rebuild()
    assert kept and _snapshot() == kept


def test_rebuild_command_reports_its_rows(capsys):
    """`rebuild_coverage` recounts and says how many rows it made."""
    make_article(regions=["tangshan"], published_at=_days_ago(10))
    CoverageCount.objects.all().delete()
    call_command("rebuild_coverage")
    assert "已重新统计" in capsys.readouterr().out and _stored("tangshan") == 1


def test_moving_a_region_under_another_parent_recounts(admin_client):
    """Editing a region's parent in the admin rebuilds the summary for the new tree."""
    make_article(regions=["binhai"], published_at=_days_ago(2))
    binhai = Region.objects.get(slug="binhai")
    hebei = Region.objects.get(slug="hebei")
    response = admin_client.post(
        f"/admin/regions/region/{binhai.pk}/change/",
        {
            "name": binhai.name,
            "slug": binhai.slug,
            "parent": hebei.pk,
            "kind": binhai.kind,
            "description": "",
            "aliases": binhai.aliases,
            "sort_order": binhai.sort_order,
        },
    )
    assert response.status_code == 302
    assert _stored("hebei") == 1 and _stored("tianjin") == 0


def test_a_story_scheduled_later_today_is_not_counted_yet():
    """Today's cells come from the visibility rule: a story still waiting does not count."""
    now = timezone.localtime()
    tonight = now.replace(hour=23, minute=59, second=0, microsecond=0)
    if tonight - now < timedelta(minutes=2):
        pytest.skip("too close to midnight in Beijing to schedule a story for later today")
    make_article(regions=["chengde"], themes=["rencai"], published_at=tonight)
    make_article(regions=["chengde"], themes=["rencai"], published_at=now - timedelta(seconds=1))
    today = timezone.localdate()
    table = coverage.region_theme_table(today, today)
    hebei = next(counts for region, counts in table["rows"] if region.slug == "hebei")
    rencai = [t.slug for t in table["themes"]].index("rencai")
    assert hebei[rencai] == 1


def test_quiet_regions_read_the_summary():
    """A region's latest story day comes from its own or a sub-region's stories."""
    make_article(regions=["zhangjiakou"], published_at=_days_ago(20))
    quiet = dict(coverage.quiet_regions(limit=100))
    zhangjiakou = Region.objects.get(slug="zhangjiakou")
    assert quiet[zhangjiakou] == timezone.localdate(_days_ago(20))


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_recounts_of_one_day_at_once_leave_one_set_of_rows():
    """Concurrent recounts of the same day queue on a lock instead of doubling the rows."""
    make_article(regions=["beijing"], published_at=_days_ago(3))
    day = timezone.localdate(_days_ago(3))
    barrier = threading.Barrier(4)
    errors = []

    def recount():
        try:
            barrier.wait()
            coverage.refresh_days([day])
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recount) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _stored("beijing") == 1 and connection.vendor == "postgresql"
