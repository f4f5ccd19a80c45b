"""Coverage figures for the desk: aggregate queries over published stories, never a loop over
articles. A region counts the stories of the regions below it too (an article is counted once)."""

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Max
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from articles.models import Article

from .models import Region, Theme


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def table_regions() -> list[Region]:
    """Rows of the coverage table: the provinces, and the cities and new areas below them."""
    regions = list(Region.objects.exclude(kind=Region.Kind.AREA))
    rows = []
    for province in (r for r in regions if r.kind == Region.Kind.PROVINCE):
        rows.append(province)
        rows += [
            r
            for r in regions
            if r.parent_id == province.pk and r.kind in (Region.Kind.CITY, Region.Kind.NEW_AREA)
        ]
    return rows


def region_theme_table(start: date, end: date) -> dict:
    """Stories published in [start, end] per region row and theme: {"rows": [(region, [n…])],
    "themes": [...]} — one aggregate query per row."""
    themes = list(Theme.objects.all())
    published = Article.objects.published().filter(
        published_at__gte=day_start(start), published_at__lt=day_start(end + timedelta(days=1))
    )
    rows = []
    for region in table_regions():
        counts = dict(
            published.in_region(region)
            .values("themes")
            .annotate(n=Count("pk", distinct=True))
            .values_list("themes", "n")
        )
        rows.append((region, [counts.get(theme.pk, 0) for theme in themes]))
    return {"themes": themes, "rows": rows}


def weekly_by_province(*, weeks: int = 26, today: date | None = None):
    """(week labels, {province: [counts…]}) for the past `weeks` weeks (Monday-based, Beijing)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=n) for n in range(weeks)]
    labels = [f"{start.month}月{start.day}日" for start in starts]
    return labels, _per_province(starts, TruncWeek)


def monthly_by_province(*, months: int = 12, today: date | None = None):
    """(month labels, {province: [counts…]}) for the past `months` months."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    starts.reverse()
    labels = [f"{start.year % 100:02d}年{start.month}月" for start in starts]
    return labels, _per_province(starts, TruncMonth)


def province_chart(*, title: str, labels: list[str], series: dict, x_label: str) -> str:
    """A line per province, as drawn on the overview page and the staff dashboard."""
    from . import charts

    return charts.line_chart(
        title=title,
        labels=labels,
        series=[
            charts.Series(name=province.name, values=values) for province, values in series.items()
        ],
        x_label=x_label,
    )


def _per_province(starts: list[date], trunc) -> dict:
    """Published stories per province (sub-regions included) in each period from `starts`."""
    series = {}
    for province in Region.objects.filter(kind=Region.Kind.PROVINCE):
        counts = (
            Article.objects.published()
            .filter(published_at__gte=day_start(starts[0]))
            .in_region(province)
            .annotate(period=trunc("published_at"))
            .values("period")
            .annotate(n=Count("pk"))
            .values_list("period", "n")
        )
        by_start = {_as_date(period): n for period, n in counts}
        series[province] = [by_start.get(start, 0) for start in starts]
    return series


def quiet_regions(*, limit: int = 10) -> list[tuple[Region, datetime | None]]:
    """Regions whose latest story (their own or a sub-region's) is oldest; never covered first."""
    through = Article.regions.through
    latest = dict(
        through.objects.filter(article__in=Article.objects.published().values("pk"))
        .values("region_id")
        .annotate(last=Max("article__published_at"))
        .values_list("region_id", "last")
    )
    regions = list(Region.objects.exclude(kind=Region.Kind.AREA))
    children: dict[int, list[int]] = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region.pk)

    def newest(pk: int):
        found = [latest.get(pk)] + [newest(child) for child in children.get(pk, [])]
        found = [moment for moment in found if moment is not None]
        return max(found) if found else None

    ranked = [(region, newest(region.pk)) for region in regions]
    ranked.sort(key=lambda pair: (pair[1] is not None, pair[1] or datetime.min.replace(tzinfo=UTC)))
    return ranked[:limit]


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
