"""Lists at a million rows: a paginator that stops counting past a cap and fetches a deep page
by its ids first, and admin filters without DISTINCT over every column."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import cached_property

from regions.models import Region, Theme

from .models import Article


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows (an index-only LIMIT), so a page costs the same at 1M.

    A deep page is fetched in two steps: its ids first (an index-only scan skips the rows before
    it without reading them), then its rows by id; page 500 costs about what page 1 does.
    """

    cap = 10_000
    capped = False
    deep_from = 200  # rows to skip from which the two-step fetch pays

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or self.cap

    @cached_property
    def count(self) -> int:
        # Which rows are counted does not matter, so no ORDER BY: any cap + 1 rows will do.
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.deep_from or not hasattr(self.object_list, "values_list"):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


class RegionFilter(admin.SimpleListFilter):
    """A region with its sub-regions, as the readers' region pages count them (EXISTS, no
    DISTINCT)."""

    title = "地区（含下级）"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [
            (r.slug, ("　" if r.parent_id and r.kind != Region.Kind.PROVINCE else "") + r.name)
            for r in Region.objects.exclude(kind=Region.Kind.AREA)
        ]

    def queryset(self, request, queryset):
        region = Region.objects.filter(slug=self.value()).first() if self.value() else None
        return queryset.in_region(region) if region else queryset


class ThemeFilter(admin.SimpleListFilter):
    title = "主题"
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return [(t.slug, t.name) for t in Theme.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        through = Article.themes.through
        return queryset.filter(
            models.Exists(
                through.objects.filter(article_id=models.OuterRef("pk"), theme__slug=self.value())
            )
        )
