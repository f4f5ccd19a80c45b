"""Coverage figures for the desk, read from a per-day summary (`CoverageCount`) so they stay
fast at a million articles. A region counts the stories of the regions below it too (an article
is counted once).

The summary is made with aggregate queries, never a loop over articles: `refresh_days()` recounts
the days an edit touched (the articles' services call it in the same transaction), `rebuild()`
recounts everything. Days before today are read from the summary; today is counted live through
the visibility rule, so a story scheduled for later today counts only once readers can see it.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Article
from regions.models import CoverageCount, Region, Theme

# pg_advisory_xact_lock(namespace, day): one recount of a day at a time.
LOCK_NAMESPACE = 6203


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def table_regions() -> list[Region]:
    """Rows of the coverage table: the provinces, and the cities and new areas below them."""
    return Region.objects.provinces_with_cities()


def region_theme_table(start: date, end: date) -> dict:
    """Stories published in [start, end] per region row and theme: {"rows": [(region, [n…])],
    "themes": [...]}."""
    themes = list(Theme.objects.all())
    counts = _cells(start, end)
    rows = [
        (region, [counts[(region.pk, theme.pk)] for theme in themes]) for region in table_regions()
    ]
    return {"themes": themes, "rows": rows}


def weekly_by_province(*, weeks: int = 26, today: date | None = None):
    """(week labels, {province: [counts…]}) for the past `weeks` weeks (Monday-based, Beijing)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=n) for n in range(weeks)]
    labels = [f"{start.month}月{start.day}日" for start in starts]
    return labels, _per_province(starts, week_start)


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
    return labels, _per_province(starts, month_start)


def province_chart(*, title: str, labels: list[str], series: dict, x_label: str) -> str:
    """A line per province, as drawn on the overview page and the staff dashboard."""
    from regions.coverage import charts

    return charts.line_chart(
        title=title,
        labels=labels,
        series=[
            charts.Series(name=province.name, values=values) for province, values in series.items()
        ],
        x_label=x_label,
    )


def _per_province(starts: list[date], trunc) -> dict:
    """Published stories per province (sub-regions included) in each period from `starts`;
    `trunc` maps a day to the first day of its period."""
    provinces = list(Region.objects.filter(kind=Region.Kind.PROVINCE))
    today = timezone.localdate()
    totals: Counter = Counter()
    stored = CoverageCount.objects.filter(
        region__in=provinces, theme__isnull=True, day__gte=starts[0], day__lt=today
    ).values_list("region_id", "day", "stories")
    for region_id, day, stories in stored:
        totals[(region_id, trunc(day))] += stories
    if today >= starts[0]:
        for (region_id, theme_id), stories in _today().items():
            if theme_id is None:
                totals[(region_id, trunc(today))] += stories
    return {province: [totals[(province.pk, start)] for start in starts] for province in provinces}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def quiet_regions(*, limit: int = 10) -> list[tuple[Region, date | None]]:
    """Regions whose latest story (their own or a sub-region's) is oldest; never covered first."""
    today = timezone.localdate()
    latest = dict(
        CoverageCount.objects.filter(theme__isnull=True, day__lt=today)
        .values("region_id")
        .annotate(last=Max("day"))
        .values_list("region_id", "last")
    )
    for region_id, theme_id in _today():
        if theme_id is None:
            latest[region_id] = today
    ranked = [
        (region, latest.get(region.pk)) for region in Region.objects.exclude(kind=Region.Kind.AREA)
    ]
    ranked.sort(key=lambda pair: (pair[1] is not None, pair[1] or date.min))
    return ranked[:limit]


# --- The summary ----------------------------------------------------------------------------


def refresh_days(days: Iterable[date | datetime | None]) -> None:
    """Recount the summary for these Beijing days (datetimes are taken to their day)."""
    days = sorted({_as_date(day) for day in days if day is not None})
    if not days:
        return
    span = Q()
    for day in days:
        span |= Q(published_at__gte=day_start(day), published_at__lt=day_start(day + ONE_DAY))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for day in days:  # in order, so two recounts never wait on each other
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, day.toordinal()]
                    )
        CoverageCount.objects.filter(day__in=days).delete()
        _store(_counted().filter(span))


def rebuild() -> int:
    """Recount the whole summary from the articles; returns the number of rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE regions_coveragecount IN EXCLUSIVE MODE")
        CoverageCount.objects.all().delete()
        _store(_counted())
    return CoverageCount.objects.count()


ONE_DAY = timedelta(days=1)


def _counted():
    """What the summary counts: published stories by their day, scheduled ones included (their
    day is read live until it is over)."""
    return Article.objects.filter(status=Article.Status.PUBLISHED, published_at__isnull=False)


def _store(stories) -> None:
    sql, params = _count_sql(stories)
    columns = "day, region_id, theme_id, stories"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO regions_coveragecount ({columns}) {sql}", params)


def _today() -> Counter:
    """{(region id, theme id or None): stories} published so far today, by the visibility rule."""
    today = timezone.localdate()
    stories = Article.objects.published().filter(published_at__gte=day_start(today))
    sql, params = _count_sql(stories)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Counter(
            {(region_id, theme_id): n for _, region_id, theme_id, n in cursor.fetchall()}
        )


def totals(*, region: Region | None = None, theme: Theme | None = None) -> Counter:
    """All-time published stories of one region per theme ({theme id: n}), or of one theme per
    region ({region id: n}, sub-regions counted in their parents)."""
    today = timezone.localdate()
    stored = CoverageCount.objects.filter(day__lt=today)
    if region is not None:
        stored, key = stored.filter(region=region, theme__isnull=False), "theme_id"
    else:
        stored, key = stored.filter(theme=theme), "region_id"
    counts = Counter(dict(stored.values(key).annotate(n=Sum("stories")).values_list(key, "n")))
    for (region_id, theme_id), n in _today().items():
        if region is not None and region_id == region.pk and theme_id is not None:
            counts[theme_id] += n
        elif region is None and theme_id == theme.pk:
            counts[region_id] += n
    return counts


def _cells(start: date, end: date) -> Counter:
    """{(region id, theme id or None): stories} over [start, end]."""
    today = timezone.localdate()
    counts: Counter = Counter()
    last_stored = min(end, today - ONE_DAY)
    if start <= last_stored:
        stored = (
            CoverageCount.objects.filter(day__gte=start, day__lte=last_stored)
            .values("region_id", "theme_id")
            .annotate(n=Sum("stories"))
            .values_list("region_id", "theme_id", "n")
        )
        for region_id, theme_id, n in stored:
            counts[(region_id, theme_id)] += n
    if start <= today <= end:
        counts.update(_today())
    return counts


def _count_sql(stories) -> tuple[str, list]:
    """SQL that counts `stories` per day, region (with every region above it) and theme, each
    story once per region: a SELECT, or the rows of an INSERT."""
    pairs = _region_and_above()
    story_sql, story_params = (
        stories.order_by()
        .annotate(day=TruncDate("published_at"))
        .values_list("pk", "day")
        .query.sql_with_params()
    )
    tagged_regions = Article.regions.through._meta.db_table
    tagged_themes = Article.themes.through._meta.db_table
    sql = f"""
        WITH up (region_id, counted_id) AS (VALUES {", ".join(["(%s, %s)"] * len(pairs))}),
        story (id, day) AS ({story_sql}),
        placed (id, day, region_id) AS (
            SELECT DISTINCT story.id, story.day, up.counted_id
            FROM story
            JOIN {tagged_regions} tagged ON tagged.article_id = story.id
            JOIN up ON up.region_id = tagged.region_id
        )
        SELECT day, region_id, NULL, COUNT(*) FROM placed GROUP BY day, region_id
        UNION ALL
        SELECT placed.day, placed.region_id, themed.theme_id, COUNT(*)
        FROM placed JOIN {tagged_themes} themed ON themed.article_id = placed.id
        GROUP BY placed.day, placed.region_id, themed.theme_id
    """
    return sql, [value for pair in pairs for value in pair] + list(story_params)


def _region_and_above() -> list[tuple[int, int]]:
    """(region, region it counts for) for every region: itself and each region above it."""
    tree = Region.objects.tree()
    return [(region.pk, above) for region in tree.regions for above in tree.above(region)]


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
