from django.shortcuts import get_object_or_404

from articles.views import ArticleListView

from .models import Region, Theme


class RegionArticleListView(ArticleListView):
    """A region's stories, including those tagged only with one of its sub-regions."""

    list_kind = "地区"
    template_name = "regions/region_detail.html"

    def get_subject(self):
        return get_object_or_404(Region.objects.select_related("parent"), slug=self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.in_region(self.subject)

    def get_context_data(self, **kwargs):
        return super().get_context_data(children=list(self.subject.children.all()), **kwargs)


class ThemeArticleListView(ArticleListView):
    list_kind = "主题"

    def get_subject(self):
        return get_object_or_404(Theme, slug=self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.filter(themes=self.subject)
