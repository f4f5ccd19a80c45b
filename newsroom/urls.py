from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, register_converter

from . import converters, sitemaps, views

register_converter(converters.YearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "dd")
register_converter(converters.IdConverter, "id")

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemaps/news.xml", sitemaps.news, name="sitemap-news"),
    path(
        "sitemaps/articles-<yyyy:year>-<dd:month>.xml",
        sitemaps.articles_of_month,
        name="sitemap-articles",
    ),
    path("sitemaps/<slug:section>.xml", sitemaps.listing, name="sitemap"),
    path("", include("articles.urls")),
    path("", include("regions.urls")),
]

if settings.SERVE_MEDIA:
    # Lead images in development and the quick start; production serves media from storage.
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.media))

handler404 = "newsroom.views.page_not_found"
handler500 = "newsroom.views.server_error"
