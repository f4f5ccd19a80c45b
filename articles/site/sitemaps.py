"""Sitemaps of the stories, one per Beijing month, of the last two days' stories for Google
News, and of the pages that list them. Only `Article.objects.published()` is ever listed.

At a million stories no sitemap loads them all: the index reads every month's count and newest
change in one grouped query, and a month's sitemap reads that month's rows through the
(status, published_at) index, 50,000 at a time.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Section
from articles.site.caching import list_changed_at

BEIJING = ZoneInfo(settings.TIME_ZONE)
PER_SITEMAP = 50_000  # the sitemaps protocol's limit of URLs in one file
NEWS_DAYS = 2
NEWS_LIMIT = 1000  # Google News reads at most this many URLs from one news sitemap


def newest(*moments):
    """The latest of the moments given, ignoring missing ones."""
    return max((moment for moment in moments if moment is not None), default=None)


def article_months() -> list[dict]:
    """Each Beijing month with published stories, oldest first: its first day, how many
    stories and when the newest of them changed. One grouped query."""
    rows = (
        Article.objects.published()
        .annotate(month=TruncMonth("published_at", tzinfo=BEIJING))
        .values("month")
        .annotate(stories=Count("pk"), updated=Max("updated_at"), published=Max("published_at"))
        .order_by("month")
    )
    return [
        {
            "month": timezone.localtime(row["month"], BEIJING),
            "stories": row["stories"],
            "lastmod": newest(row["updated"], row["published"]),
        }
        for row in rows
    ]


class ArticleMonthSitemap(Sitemap):
    """The published stories of one Beijing month, in the order they appeared."""

    limit = PER_SITEMAP

    def __init__(self, year: int, month: int):
        self.start = datetime(year, month, 1, tzinfo=BEIJING)
        self.end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=BEIJING)

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=self.start, published_at__lt=self.end)
            .order_by("published_at", "pk")
            .only("pk", "slug", "published_at", "created_at", "updated_at")
        )

    def lastmod(self, article):
        # Corrections move updated_at too (services.article_add_correction).
        return newest(article.updated_at, article.published_at)


class NewsSitemap(Sitemap):
    """Stories published in the last two days, newest first, for Google News."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - timedelta(days=NEWS_DAYS)
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .order_by("-published_at", "-pk")
            .only("pk", "slug", "headline", "published_at", "created_at")
        )


class ListingSitemap(Sitemap):
    """Pages that list stories, each with the time its newest story changed, and only those
    listing at least one published story. Subclasses give `listings()`, its rows carrying
    that time as `changed_at`."""

    def items(self):
        return [row for row in self.listings() if row.changed_at is not None]

    def lastmod(self, row):
        return row.changed_at


def newest_story_by(queryset) -> dict:
    """{pk: newest change among its published stories} for the rows of `queryset` that have
    any (`articles` names their stories). One grouped query."""
    rows = (
        queryset.filter(articles__in=Article.objects.published())
        .values("pk")
        .annotate(updated=Max("articles__updated_at"), published=Max("articles__published_at"))
        .order_by()
    )
    return {row["pk"]: newest(row["updated"], row["published"]) for row in rows}


def with_changed_at(rows, changed: dict) -> list:
    """The rows, each with its `changed_at` from `changed` (None when it lists no story)."""
    rows = list(rows)
    for row in rows:
        row.changed_at = changed.get(row.pk)
    return rows


class SectionSitemap(ListingSitemap):
    def listings(self):
        return with_changed_at(Section.objects.all(), newest_story_by(Section.objects.all()))


class AuthorSitemap(ListingSitemap):
    def listings(self):
        changed = newest_story_by(Author.objects.all())
        return with_changed_at(Author.objects.filter(pk__in=list(changed)), changed)


class PageSitemap(Sitemap):
    """The home page and the 京津冀 overview, which change whenever any story does."""

    def items(self):
        changed_at = list_changed_at()
        return [("articles:home", changed_at), ("regions:overview", changed_at)]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]
