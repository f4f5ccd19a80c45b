"""Counts for the region and theme pages, each one aggregate query (no loop over articles)."""

from django.db.models import Count

from articles.models import Article

from .models import Region, Theme


def themes_in(articles) -> list[Theme]:
    """Themes of `articles` (a queryset of published stories), most covered first, with `.count`."""
    through = Article.themes.through
    counts = (
        through.objects.filter(article__in=articles.values("pk"))
        .values("theme_id")
        .annotate(n=Count("article_id"))
    )
    by_theme = {row["theme_id"]: row["n"] for row in counts}
    themes = list(Theme.objects.filter(pk__in=by_theme))
    for theme in themes:
        theme.count = by_theme[theme.pk]
    return sorted(themes, key=lambda t: (-t.count, t.sort_order))


def regions_in(articles) -> list[Region]:
    """Regions directly tagged on `articles`, most covered first, with `.count`."""
    through = Article.regions.through
    counts = (
        through.objects.filter(article__in=articles.values("pk"))
        .values("region_id")
        .annotate(n=Count("article_id"))
    )
    by_region = {row["region_id"]: row["n"] for row in counts}
    regions = list(Region.objects.filter(pk__in=by_region).exclude(kind=Region.Kind.AREA))
    for region in regions:
        region.count = by_region[region.pk]
    return sorted(regions, key=lambda r: (-r.count, r.sort_order))
