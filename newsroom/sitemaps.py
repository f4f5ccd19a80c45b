"""/robots.txt, /sitemap.xml (the index) and the sitemaps it lists; see
articles/site/sitemaps.py."""

import math

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date

from articles.site.caching import public
from articles.site.sitemaps import (
    PER_SITEMAP,
    ArticleMonthSitemap,
    AuthorSitemap,
    NewsSitemap,
    PageSitemap,
    SectionSitemap,
    article_months,
    newest,
)
from regions.sitemaps import RegionSitemap, ThemeSitemap

from .pagecache import depends_on, whole_answer
from .pagecache.tags import EVERY_STORY, rows_unnamed

LISTINGS = {
    "pages": PageSitemap,
    "sections": SectionSitemap,
    "regions": RegionSitemap,
    "themes": ThemeSitemap,
    "authors": AuthorSitemap,
}


@public
@whole_answer
def index(request):
    """Every sitemap but the news one: the listings, then the stories month by month (a month
    past 50,000 stories in several pages), each with its newest change. One grouped query."""
    depends_on(EVERY_STORY)
    months = article_months()
    site_changed_at = newest(*(month["lastmod"] for month in months))
    entries = [(reverse("sitemap", kwargs={"section": name}), site_changed_at) for name in LISTINGS]
    for month in months:
        path = reverse(
            "sitemap-articles", kwargs={"year": month["month"].year, "month": month["month"].month}
        )
        for page in range(1, math.ceil(month["stories"] / PER_SITEMAP) + 1):
            entries.append((path if page == 1 else f"{path}?p={page}", month["lastmod"]))
    response = TemplateResponse(
        request,
        "sitemaps/index.xml",
        {"entries": [(request.build_absolute_uri(path), at) for path, at in entries]},
        content_type="application/xml",
    )
    if site_changed_at:
        response["Last-Modified"] = http_date(site_changed_at.timestamp())
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as Django's sitemap views do
    return response


@public
@whole_answer
def listing(request, section):
    if section not in LISTINGS:
        raise Http404("没有这个网站地图")
    depends_on(EVERY_STORY)  # each listing's newest change, and which listings have stories
    return sitemap_views.sitemap(
        request, LISTINGS, section=section, template_name="sitemaps/urlset.xml"
    )


@public
@whole_answer
def articles_of_month(request, year, month):
    if not 1 <= month <= 12:
        raise Http404("没有这个月份")
    depends_on(f"list:month:{year:04d}-{month:02d}")  # as articles/cachetags.py names it
    with rows_unnamed():
        response = sitemap_views.sitemap(
            request,
            {"articles": ArticleMonthSitemap(year, month)},
            section="articles",
            template_name="sitemaps/urlset.xml",
        )
    if not response.context_data["urlset"]:
        raise Http404("这个月没有发布的稿件")
    return response


@public
@whole_answer
def news(request):
    depends_on("list:latest")
    return sitemap_views.sitemap(
        request, {"news": NewsSitemap}, section="news", template_name="sitemaps/news.xml"
    )


@public
def robots_txt(request):
    """What crawlers may fetch, and where the sitemaps are."""
    # The admin at its well-known address is kept out; moved by ADMIN_URL, it is not named
    # here, where anyone could read its new address (its pages say noindex themselves).
    admin_rule = ["Disallow: /admin/"] if settings.ADMIN_URL == "admin/" else []
    lines = [
        "User-agent: *",
        *admin_rule,
        # Shared previews are noindex and expire; their common prefix is /preview/.
        f"Disallow: {reverse('articles:preview', kwargs={'token': '_'}).removesuffix('_/')}",
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
