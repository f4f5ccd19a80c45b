"""The article list's filters in the admin: a region (with its sub-regions) or a theme."""

from django.contrib import admin
from django.db import models

from articles.models import Article
from regions.models import Region, Theme


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
