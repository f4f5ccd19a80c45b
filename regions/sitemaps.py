"""Sitemaps of the region and theme pages that list published stories."""

from articles.site.sitemaps import ListingSitemap, newest, newest_story_by, with_changed_at

from .models import Region, RegionTree, Theme


class RegionSitemap(ListingSitemap):
    """A region's page lists its sub-regions' stories too, so its newest change is the newest
    of its own and theirs: a province appears with only its districts' stories."""

    def listings(self):
        regions = list(Region.objects.all())
        own = newest_story_by(Region.objects.all())
        tree = RegionTree(regions)
        changed = {
            region.pk: newest(*(own.get(pk) for pk in tree.below(region))) for region in regions
        }
        return with_changed_at(regions, changed)


class ThemeSitemap(ListingSitemap):
    def listings(self):
        changed = newest_story_by(Theme.objects.all())
        return with_changed_at(Theme.objects.filter(pk__in=list(changed)), changed)
