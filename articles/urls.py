from django.urls import path

from articles.search import views as search_views
from articles.site import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", feeds.SiteFeed(), name="feed"),
    path("feed/atom/", feeds.SiteFeed(atom=True), name="feed-atom"),
    path(
        "articles/<yyyy:year>/<dd:month>/<dd:day>/<id:pk>-<str:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    path("articles/<id:pk>/", views.article_shortlink, name="shortlink"),
    path("preview/<str:token>/", views.article_preview, name="preview"),
    path("search/", search_views.search_view, name="search"),
    path("sections/<slug:slug>/", views.SectionArticleListView.as_view(), name="section"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("sections/<slug:slug>/feed/atom/", feeds.SectionFeed(atom=True), name="section-feed-atom"),
    path("tags/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tags/<str:slug>/feed/atom/", feeds.TagFeed(atom=True), name="tag-feed-atom"),
    path("authors/<slug:slug>/", views.AuthorArticleListView.as_view(), name="author"),
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("authors/<slug:slug>/feed/atom/", feeds.AuthorFeed(atom=True), name="author-feed-atom"),
]
