"""Feeds of a region (with the stories of every region below it) and of a theme."""

from django.shortcuts import get_object_or_404

from articles.site.feeds import ArticleFeed

from .models import Region, Theme


class RegionFeed(ArticleFeed):
    url_name = "regions:region-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Region, slug=slug)

    def narrow(self, articles, region):
        return articles.in_region(region)


class ThemeFeed(ArticleFeed):
    url_name = "regions:theme-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def narrow(self, articles, theme):
        return articles.with_theme(theme)
