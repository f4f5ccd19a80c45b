"""Counts for the region and theme pages, each one aggregate query (no loop over articles)."""

from . import coverage
from .models import Region, Theme


def _counted(counts: dict, rows) -> list:
    found = list(rows.filter(pk__in=[pk for pk, n in counts.items() if n]))
    for item in found:
        item.count = counts[item.pk]
    return sorted(found, key=lambda item: (-item.count, item.sort_order))


def themes_in_region(region: Region) -> list[Theme]:
    """The region's themes (sub-regions' stories included), most covered first, with `.count`;
    read from the coverage summary, not counted over the archive."""
    return _counted(coverage.totals(region=region), Theme.objects.all())


def regions_on_theme(theme: Theme) -> list[Region]:
    """Regions with stories on the theme (a region counts its sub-regions'), most covered
    first, with `.count`."""
    regions = Region.objects.exclude(kind=Region.Kind.AREA)
    return _counted(coverage.totals(theme=theme), regions)
