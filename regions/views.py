from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.generic import TemplateView

from articles import cachetags
from articles.models import Article
from articles.site import caching
from articles.site.views import ArticleListView, by_slug
from newsroom.pagecache import depends_on
from newsroom.pagecache.tags import EVERY_STORY

from . import coverage, feeds, selectors
from .models import Region, Theme


class RegionArticleListView(ArticleListView):
    """A region's stories, including those tagged only with one of its sub-regions; ?theme=slug
    narrows them to one theme."""

    list_kind = "地区"
    listing_template = "regions/region_main.html"
    feed = feeds.RegionFeed()

    def get_subject(self):
        # Every ancestor at once (the tree is at most four deep), for the breadcrumb.
        region = by_slug(
            Region.objects.select_related("parent__parent__parent"), self.kwargs["slug"]
        )
        self.theme = _optional(Theme, self.request.GET.get("theme"))
        return region

    def filter_articles(self, queryset):
        queryset = queryset.in_region(self.subject)
        return queryset.with_theme(self.theme) if self.theme else queryset

    def get_trail(self):
        return [(str(r), r.get_absolute_url()) for r in [*self.subject.ancestors(), self.subject]]

    def list_key(self) -> str:
        return f"{super().list_key()}:{self.theme.pk if self.theme else ''}"

    def listing_context(self) -> dict:
        cachetags.catalogue(Region)  # its sub-regions: a new or moved one shows at once
        return {
            "children": list(self.subject.children.all()),
            "themes": selectors.themes_in_region(self.subject),
            "theme": self.theme,
            "querystring": urlencode({"theme": self.theme.slug}) if self.theme else "",
        }


class ThemeArticleListView(ArticleListView):
    """A theme's stories; ?region=slug narrows them to one region and those below it."""

    list_kind = "主题"
    listing_template = "regions/theme_main.html"
    feed = feeds.ThemeFeed()

    def get_subject(self):
        theme = by_slug(Theme.objects.all(), self.kwargs["slug"])
        self.region = _optional(Region, self.request.GET.get("region"))
        return theme

    def filter_articles(self, queryset):
        queryset = queryset.with_theme(self.subject)
        return queryset.in_region(self.region) if self.region else queryset

    def list_key(self) -> str:
        return f"{super().list_key()}:{self.region.pk if self.region else ''}"

    def listing_context(self) -> dict:
        return {
            "regions": selectors.regions_on_theme(self.subject),
            "region": self.region,
            "querystring": urlencode({"region": self.region.slug}) if self.region else "",
        }


def _optional(model, slug):
    """The row a cross-filter names, None when absent; an unknown name is a 404."""
    if not slug:
        return None
    return by_slug(model.objects.all(), slug, "没有这个筛选条件")


@method_decorator(caching.public, name="dispatch")
class OverviewView(TemplateView):
    """京津冀 at a glance: the three provinces side by side and their stories per month."""

    template_name = "regions/overview.html"
    per_province = 5

    def get_context_data(self, **kwargs):
        root = get_object_or_404(Region, kind=Region.Kind.AREA, slug="jingjinji")
        provinces = list(root.children.filter(kind=Region.Kind.PROVINCE))
        columns = [
            (
                province,
                list(
                    Article.objects.published()
                    .in_region(province)
                    .for_listing()[: self.per_province]
                ),
            )
            for province in provinces
        ]
        depends_on(EVERY_STORY)  # the chart counts every story
        labels, series = coverage.monthly_by_province(months=12)
        chart = coverage.province_chart(
            title="近一年京津冀三地每月稿件数",
            labels=labels,
            series=series,
            x_label="月份",
        )
        return super().get_context_data(root=root, columns=columns, chart=chart, **kwargs)
