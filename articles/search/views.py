"""The readers' search page."""

from datetime import timedelta
from functools import partial
from urllib.parse import parse_qsl

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.http import urlencode

from articles import cachetags, search
from articles.models import Article, Section
from articles.site import caching, selectors
from newsroom.pagecache import canonical_query, depends_on, fragment, origin
from newsroom.pagecache.tags import EVERY_STORY
from regions.coverage import day_start
from regions.models import Region, Theme

from .forms import SearchForm


@caching.public
def search_view(request):
    """/search/?q=…: Chinese word search over published stories, with filters and pagination.
    What a search shows (the form as filled in, the results, the pages) is rendered once per
    address and kept as a fragment until content changes; a bad form is a 400, made afresh."""
    form = SearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        shown = _render_search(request, form)
        return TemplateResponse(request, "articles/search.html", shown, status=400)
    shown = fragment(
        f"search:{origin(request)}:{canonical_query(request)}",
        partial(_render_search, request, form),
    )
    if shown is None:
        raise Http404("没有这一页")
    return TemplateResponse(request, "articles/search.html", shown)


def _render_search(request, form) -> dict | None:
    """The search page's main part rendered, with its title; None for a page past the end."""
    cachetags.catalogue(Section)
    cachetags.catalogue(Theme)
    context = {
        "form": form,
        "sections": Section.objects.all(),
        "regions": selectors.region_choices(),
        "themes": Theme.objects.all(),
        "query": None,
    }
    query = search.parse(form.cleaned_data["q"]) if form.is_bound and form.is_valid() else None
    if query:
        found = _search_results(request, form.cleaned_data, query)
        if found is None:
            return None
        context.update(found, query=query)
    return {
        "query_text": query.text if query else "",
        "main": render_to_string("articles/search_main.html", context, request),
    }


def _search_results(request, data: dict, query) -> dict | None:
    depends_on(EVERY_STORY)  # any story published, edited or withdrawn may change the results
    articles = search_filters(Article.objects.published(), data)
    order = data["order"] or "rank"
    filtered = any(data[name] for name in ("section", "region", "theme", "start", "end"))
    chosen = search.plan(query, filtered=filtered, order=order)
    results = search.search(
        articles, query, order=order, strategy=chosen.strategy, narrowed=filtered
    )
    results = results.select_related("section")
    found = search.count(articles, query, chosen)
    paginator = Paginator(results, 20)
    paginator.count = min(found, search.COUNT_CAP)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        return None
    return {
        "page_obj": page,
        "paginator": paginator,
        "results": [
            {
                "article": article,
                "headline": search.highlight(article.headline, query.terms),
                "snippet": search.snippet(
                    f"{article.summary} {search.plain_text(article.body)}", query.terms
                ),
            }
            for article in page.object_list
        ],
        "count": paginator.count,
        "capped": found > search.COUNT_CAP,
        "querystring": _without_page(request),
    }


def search_filters(articles, data: dict):
    """Narrow a search by section, region (with sub-regions), theme and dates (Beijing days).

    Slugs are resolved to ids first and dates to instants, so the database can walk its
    (section, status, published_at) index instead of joining on names.
    """
    if data.get("section"):
        section = Section.objects.filter(slug=data["section"]).first()
        articles = articles.filter(section=section) if section else articles.none()
    if data.get("region"):
        region = Region.objects.filter(slug=data["region"]).first()
        articles = articles.in_region(region) if region else articles.none()
    if data.get("theme"):
        theme = Theme.objects.filter(slug=data["theme"]).first()
        articles = articles.filter(themes=theme) if theme else articles.none()
    if data.get("start"):
        articles = articles.filter(published_at__gte=day_start(data["start"]))
    if data.get("end"):
        articles = articles.filter(published_at__lt=day_start(data["end"] + timedelta(days=1)))
    return articles


def _without_page(request) -> str:
    """The search's own parameters but the page, for the links to other pages of it (others
    a link to the search carried, ?utm_source=…, are left out)."""
    return urlencode(
        [(name, value) for name, value in parse_qsl(canonical_query(request)) if name != "page"]
    )
