from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "articles/<yyyy:year>/<dd:month>/<dd:day>/<id:pk>-<str:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    path("articles/<id:pk>/", views.article_shortlink, name="shortlink"),
    path("preview/<str:token>/", views.article_preview, name="preview"),
    path("search/", views.search_view, name="search"),
    path("sections/<slug:slug>/", views.SectionArticleListView.as_view(), name="section"),
    path("tags/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorArticleListView.as_view(), name="author"),
]
