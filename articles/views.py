from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.encoding import escape_uri_path
from django.views.generic import ListView, TemplateView
from taggit.models import Tag

from . import selectors
from .models import Article, Author, Section


class HomeView(TemplateView):
    template_name = "articles/home.html"
    latest_count = 10

    def get_context_data(self, **kwargs):
        stories = list(Article.objects.published().for_listing()[: self.latest_count + 1])
        return super().get_context_data(
            lead=stories[0] if stories else None,
            latest=stories[1:],
            section_blocks=selectors.home_sections(),
            regions=selectors.region_strip(),
            **kwargs,
        )


class ArticleDetailView(TemplateView):
    """An article by its stable id; any other date or slug in the path redirects to the canonical URL."""

    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        self.article = selectors.article_for_reader(kwargs["pk"])
        if self.article is None:
            raise Http404("没有这篇稿件")
        canonical = self.article.get_absolute_url()
        if escape_uri_path(request.path) != canonical:
            return redirect(canonical, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            article=self.article,
            related=selectors.related_articles(self.article),
            **kwargs,
        )


def article_shortlink(request, pk):
    article = get_object_or_404(
        Article.objects.published().only("pk", "slug", "published_at"), pk=pk
    )
    return redirect(article.get_absolute_url(), permanent=True)


class ArticleListView(ListView):
    """A paginated, newest-first list of published stories; subclasses say which."""

    template_name = "articles/article_list.html"
    paginate_by = 20
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
        return queryset.filter(tags=self.subject)


class AuthorArticleListView(ArticleListView):
    list_kind = "作者"
    template_name = "articles/author_detail.html"

    def get_subject(self):
        return get_object_or_404(Author, slug=self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.by_author(self.subject)
