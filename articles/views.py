from datetime import timedelta

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.encoding import escape_uri_path
from django.views.generic import ListView, TemplateView
from taggit.models import Tag

from newsroom.pagecache import fragment
from regions.coverage import day_start
from regions.models import Region, Theme

from . import search, selectors
from .forms import SearchForm
from .lists import CappedPaginator
from .models import Article, Author, Section, TaggedArticle
from .previews import active_link_for_token


class HomeView(TemplateView):
    template_name = "articles/home.html"
    latest_count = 10

    def get_context_data(self, **kwargs):
        stories = fragment(
            "home:latest",
            lambda: list(Article.objects.published().for_listing()[: self.latest_count + 1]),
        )
        return super().get_context_data(
            lead=stories[0] if stories else None,
            latest=stories[1:],
            section_blocks=fragment("home:sections", selectors.home_sections),
            regions=fragment("regions:strip", selectors.region_strip),
            **kwargs,
        )


def render_article(request, article: Article, *, preview_banner: str = ""):
    """The article page; for a preview, marked as such, never indexed and never cached."""
    response = TemplateResponse(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "related": selectors.related_articles(article),
            "preview_banner": preview_banner,
        },
    )
    if preview_banner:
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
    return response


def article_preview(request, token):
    """A shared preview link: signed, expiring, revocable; anything else is a 404."""
    link = active_link_for_token(token)
    if link is None or link.article.status == Article.Status.WITHDRAWN:
        raise Http404("预览链接无效或已过期")
    article = selectors.article_for_preview(link.article_id)
    return render_article(request, article, preview_banner="预览，未发布")


class ArticleDetailView(TemplateView):
    """An article by its stable id; any other date or slug in the path redirects to the canonical URL."""

    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        pk = kwargs["pk"]
        self.article = fragment(f"article:{pk}", lambda: selectors.article_for_reader(pk))
        if self.article is None:
            return withdrawn_or_404(request, kwargs["pk"])
        canonical = self.article.get_absolute_url()
        if escape_uri_path(request.path) != canonical:
            return redirect(canonical, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            article=self.article,
            related=fragment(
                f"related:{self.article.pk}", lambda: selectors.related_articles(self.article)
            ),
            **kwargs,
        )


def article_shortlink(request, pk):
    article = Article.objects.published().only("pk", "slug", "published_at").filter(pk=pk).first()
    if article is None:
        return withdrawn_or_404(request, pk)
    return redirect(article.get_absolute_url(), permanent=True)


def withdrawn_or_404(request, pk):
    """A withdrawn story's URL says so with 410 Gone; anything else not visible is a 404."""
    if Article.objects.filter(pk=pk, status=Article.Status.WITHDRAWN).exists():
        return TemplateResponse(request, "articles/withdrawn.html", status=410)
    raise Http404("没有这篇稿件")


class ArticleListView(ListView):
    """A paginated, newest-first list of published stories; subclasses say which."""

    template_name = "articles/article_list.html"
    paginate_by = 20
    paginator_class = CappedPaginator
    context_object_name = "articles"
    list_kind = ""

    def get_subject(self):
        raise NotImplementedError

    def filter_articles(self, queryset):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.subject = self.get_subject()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_articles(Article.objects.published()).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, list_kind=self.list_kind, **kwargs)


class SectionArticleListView(ArticleListView):
    list_kind = "栏目"

    def get_subject(self):
        return get_object_or_404(Section, slug=self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.filter(section=self.subject)


class TagArticleListView(ArticleListView):
    list_kind = "标签"

    def get_subject(self):
        return get_object_or_404(Tag, slug=self.kwargs["slug"])

    def filter_articles(self, queryset):
        # EXISTS, not a join: the planner may walk the newest stories and probe the tag (a
        # common tag) or start from the tag's rows (a rare one).
        tagged = TaggedArticle.objects.filter(
            content_object_id=OuterRef("pk"), tag_id=self.subject.pk
        )
        return queryset.filter(Exists(tagged))


class AuthorArticleListView(ArticleListView):
    list_kind = "作者"
    template_name = "articles/author_detail.html"

    def get_subject(self):
        return get_object_or_404(Author, slug=self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.by_author(self.subject)


def search_view(request):
    """/search/?q=…: Chinese word search over published stories, with filters and pagination."""
    form = SearchForm(request.GET or None)
    context = {
        "form": form,
        "sections": Section.objects.all(),
        "regions": selectors.region_choices(),
        "themes": Theme.objects.all(),
        "query": None,
    }
    if not form.is_bound:
        return TemplateResponse(request, "articles/search.html", context)
    if not form.is_valid():
        return TemplateResponse(request, "articles/search.html", context, status=400)
    data = form.cleaned_data
    query = search.parse(data["q"])
    context["query"] = query
    if not query:
        return TemplateResponse(request, "articles/search.html", context)
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
        raise Http404("没有这一页") from None
    context.update(
        page_obj=page,
        paginator=paginator,
        results=[
            {
                "article": article,
                "headline": search.highlight(article.headline, query.terms),
                "snippet": search.snippet(
                    f"{article.summary} {search.plain_text(article.body)}", query.terms
                ),
            }
            for article in page.object_list
        ],
        count=paginator.count,
        capped=found > search.COUNT_CAP,
        querystring=_without_page(request),
    )
    return TemplateResponse(request, "articles/search.html", context)


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
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
