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


class StatusFilter(admin.SimpleListFilter):
    """The workflow states, with scheduled stories apart: 已发布 means readers see it now."""

    title = "状态"
    parameter_name = "status"
    SCHEDULED = "scheduled"

    def lookups(self, request, model_admin):
        S = Article.Status
        return [
            (S.DRAFT, S.DRAFT.label),
            (S.REVIEW, S.REVIEW.label),
            (S.APPROVED, S.APPROVED.label),
            (self.SCHEDULED, "定时发布"),
            (S.PUBLISHED, S.PUBLISHED.label),
            (S.WITHDRAWN, S.WITHDRAWN.label),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.SCHEDULED:
            return queryset.scheduled()
        if self.value() == Article.Status.PUBLISHED:
            return queryset.published()
        if self.value() in Article.Status.values:
            return queryset.filter(status=self.value())
        return queryset
