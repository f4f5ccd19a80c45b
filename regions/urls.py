from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("jingjinji/", views.OverviewView.as_view(), name="overview"),
    path("regions/<slug:slug>/", views.RegionArticleListView.as_view(), name="region"),
    path("themes/<slug:slug>/", views.ThemeArticleListView.as_view(), name="theme"),
]
