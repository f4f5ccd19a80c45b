from django.urls import path

from . import feeds, views

app_name = "regions"

urlpatterns = [
    path("jingjinji/", views.OverviewView.as_view(), name="overview"),
    path("regions/<slug:slug>/", views.RegionArticleListView.as_view(), name="region"),
    path("regions/<slug:slug>/feed/", feeds.RegionFeed(), name="region-feed"),
    path("regions/<slug:slug>/feed/atom/", feeds.RegionFeed(atom=True), name="region-feed-atom"),
    path("themes/<slug:slug>/", views.ThemeArticleListView.as_view(), name="theme"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme-feed"),
    path("themes/<slug:slug>/feed/atom/", feeds.ThemeFeed(atom=True), name="theme-feed-atom"),
]
