"""Counts for the region and theme pages, each one aggregate query (no loop over articles)."""

from django.db.models import Count

from articles.models import Article

from .models import Region, Theme


def _counted(through, column: str, model, articles, rows):
    counts = (
        through.objects.filter(article__in=articles.values("pk"))
        .values(column)
        .annotate(n=Count("article_id"))
    )
    by_pk = {row[column]: row["n"] for row in counts}
    found = list(rows.filter(pk__in=by_pk))
    for item in found:
        item.count = by_pk[item.pk]
    return sorted(found, key=lambda item: (-item.count, item.sort_order))


def themes_in(articles) -> list[Theme]:
    """Themes of `articles` (a queryset of published stories), most covered first, with `.count`."""
    return _counted(Article.themes.through, "theme_id", Theme, articles, Theme.objects.all())


def regions_in(articles) -> list[Region]:
    """Regions directly tagged on `articles`, most covered first, with `.count`."""
    regions = Region.objects.exclude(kind=Region.Kind.AREA)
    return _counted(Article.regions.through, "region_id", Region, articles, regions)
