from functools import partial

from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.encoding import escape_uri_path
from django.views.generic import TemplateView
from taggit.models import Tag

from articles.models import Article, Author, Section
from articles.site import caching, feeds, selectors, structured
from articles.site.pagination import WindowPaginator
from articles.site.previews import active_link_for_token
from articles.templatetags.metadata import ld_json_blocks
from newsroom.pagecache import collecting, fragment, origin


@method_decorator(caching.public, name="dispatch")
class HomeView(TemplateView):
    template_name = "articles/home.html"
    latest_count = 10

    def get(self, request, *args, **kwargs):
        render = partial(super().get, request, *args, **kwargs)
        changed_at = fragment(
            "home-changed", partial(caching.list_changed_at, lambda articles: articles.listed())
        )
        return caching.respond(request, changed_at=changed_at, render=render)

    def get_context_data(self, **kwargs):
        parts = fragment(f"home:{origin(self.request)}", self.render_parts)
        return super().get_context_data(
            parts=parts, structured_html=parts["structured_html"], **kwargs
        )

    def render_parts(self) -> dict:
        """The page's stories and blocks, rendered (kept as a fragment until content changes)."""
        stories = list(Article.objects.published().listed().for_listing()[: self.latest_count + 1])
        context = {
            "lead": stories[0] if stories else None,
            "latest": stories[1:],
            "section_blocks": selectors.home_sections(),
            "regions": selectors.region_strip(),
        }
        return {
            "main": render_to_string("articles/home_main.html", context, self.request),
            "aside": render_to_string("articles/home_aside.html", context, self.request),
            "structured_html": ld_json_blocks(structured.home_graph(self.request)),
        }


def render_article(request, article: Article, *, preview_banner: str = ""):
    """The article page; for a preview, marked as such, never indexed and never cached."""
    response = TemplateResponse(
        request,
        "articles/article_detail.html",
        article_context(request, article) | {"preview_banner": preview_banner},
    )
    if preview_banner:
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
    return response


def article_context(request, article: Article, *, for_readers: bool = False, read=()) -> dict:
    """The article page's context: the story with its related stories and share tags rendered
    (`parts`), its JSON-LD and feed links. For readers the parts come from the fragment cache
    until what they show changes (`read`: the tags of reading the story); a preview renders
    them afresh."""
    if for_readers:
        parts = fragment(
            f"article-page:{article.pk}:{origin(request)}",
            lambda: article_parts(request, article),
            depends=read,
        )
    else:
        parts = article_parts(request, article)
    return {
        "article": article,
        "parts": parts,
        "structured_html": parts["structured_html"],
        "list_feed": feeds.feed_links(feeds.SectionFeed(), article.section),
    }


def article_parts(request, article: Article) -> dict:
    """What the article page shows of the story, rendered: share tags, story and related
    stories, with its JSON-LD (data; the page escapes it)."""
    share = structured.article_share(request, article)
    context = {
        "article": article,
        "share": share,
        "related": selectors.related_articles(article),
    }
    return {
        "share": render_to_string("includes/article_share.html", context, request),
        "main": render_to_string("articles/article_story.html", context, request),
        "aside": render_to_string("articles/article_related.html", context, request),
        "description": share["description"],
        "url": share["url"],
        "structured_html": ld_json_blocks(structured.article_graph(request, article, share)),
    }


def article_preview(request, token):
    """A shared preview link: signed, expiring, revocable; anything else is a 404."""
    link = active_link_for_token(token)
    if link is None or link.article.status == Article.Status.WITHDRAWN:
        raise Http404("预览链接无效或已过期")
    article = selectors.article_for_preview(link.article_id)
    return render_article(request, article, preview_banner="预览，未发布")


@method_decorator(caching.public, name="dispatch")
class ArticleDetailView(TemplateView):
    """An article by its stable id; any other date or slug in the path redirects to the canonical
    URL. A client whose copy is as new as the story's last change gets 304."""

    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        pk = kwargs["pk"]
        with collecting() as read:
            self.article = fragment(f"article:{pk}", lambda: selectors.article_for_reader(pk))
        if self.article is None:
            return withdrawn_or_404(request, kwargs["pk"])
        self.article_read = frozenset(read)
        canonical = self.article.get_absolute_url()
        if escape_uri_path(request.path) != canonical:
            return redirect(canonical, permanent=True)
        render = partial(super().get, request, *args, **kwargs)
        return caching.respond(request, changed_at=self.article.modified_at, render=render)

    def get_context_data(self, **kwargs):
        context = article_context(
            self.request, self.article, for_readers=True, read=self.article_read
        )
        return super().get_context_data(**context, **kwargs)


@caching.public
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


@method_decorator(caching.public, name="dispatch")
class ArticleListView(TemplateView):
    """A paginated, newest-first list of published stories; subclasses say which, and which
    feed carries them. A client whose copy is as new as the list's last change gets 304.

    What a page of the list shows of its stories (header, cards, pagination, JSON-LD) is
    rendered once and kept as a fragment until content changes; each request renders only the
    page around it. Subclasses add to the rendered part through `listing_context()`.
    """

    template_name = "articles/article_list.html"
    listing_template = "articles/list_main.html"
    paginate_by = 20
    list_kind = ""
    feed: feeds.ArticleFeed

    def get_subject(self):
        raise NotImplementedError

    def filter_articles(self, queryset):
        raise NotImplementedError

    def list_key(self) -> str:
        """Names the list (its kind, subject and any cross filter) in fragment keys."""
        return f"{self.list_kind}:{self.subject.pk}"

    def get(self, request, *args, **kwargs):
        with collecting() as read:
            self.subject = self.get_subject()
        number = request.GET.get("page") or "1"
        if number != "last" and not (number.isascii() and number.isdigit()):
            raise Http404("没有这一页")
        changed_at = fragment(
            f"list-changed:{self.list_key()}",
            partial(caching.list_changed_at, self.filter_articles),
        )

        def render():
            self.listing = fragment(
                f"list:{self.list_key()}:{number}:{origin(request)}",
                partial(self.render_listing, number),
                depends=read,
            )
            if self.listing is None:
                raise Http404("没有这一页")
            return super(ArticleListView, self).get(request, *args, **kwargs)

        return caching.respond(request, changed_at=changed_at, render=render)

    def get_queryset(self):
        return self.filter_articles(Article.objects.published()).for_listing()

    def get_description(self) -> str:
        return f"{self.list_kind}“{self.subject}”的最新报道。"

    def get_trail(self) -> list[tuple[str, str]]:
        """The breadcrumb after 首页, ending with this list."""
        return [(str(self.subject), self.subject_url())]

    def subject_url(self) -> str:
        return self.subject.get_absolute_url()

    def get_about(self):
        """What the list is about, for its CollectionPage (a person for an author's page)."""
        return None

    def listing_context(self) -> dict:
        """More for the rendered part of the page (facets, sub-regions …)."""
        return {}

    def render_listing(self, number: str) -> dict | None:
        """One page of the list, rendered, with what the page around it needs; None when the
        list has no such page."""
        paginator = WindowPaginator(self.get_queryset(), self.paginate_by)
        try:
            page = paginator.page(paginator.num_pages if number == "last" else number)
        except InvalidPage:
            return None
        articles = list(page.object_list)
        # The list itself, without cross filters; each page of it has its own address.
        path = self.subject_url() + (f"?page={page.number}" if page.number > 1 else "")
        context = {
            "subject": self.subject,
            "list_kind": self.list_kind,
            "list_feed": feeds.feed_links(self.feed, self.subject),
            "articles": articles,
            "page_obj": page,
            "paginator": paginator,
            **self.listing_context(),
        }
        return {
            "main": render_to_string(self.listing_template, context, self.request),
            "number": page.number,
            "path": path,
            "structured_html": ld_json_blocks(
                structured.collection_graph(
                    self.request,
                    name=str(self.subject),
                    description=self.get_description(),
                    path=path,
                    trail=self.get_trail(),
                    articles=articles,
                    start=page.start_index(),
                    about=self.get_about(),
                )
            ),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject=self.subject,
            list_kind=self.list_kind,
            list_description=self.get_description(),
            list_feed=feeds.feed_links(self.feed, self.subject),
            listing=self.listing,
            page_number=self.listing["number"],
            canonical_url=self.request.build_absolute_uri(self.listing["path"]),
            structured_html=self.listing["structured_html"],
            **kwargs,
        )


def by_slug(queryset, slug: str, missing: str = "没有找到"):
    """The row of `queryset` with this slug, or a 404. Kept as a fragment until content changes:
    every page of a list looks its subject up first."""
    found = fragment(
        f"slug:{queryset.model._meta.label}:{slug}",
        lambda: queryset.filter(slug=slug).first(),
    )
    if found is None:
        raise Http404(missing)
    return found


class SectionArticleListView(ArticleListView):
    list_kind = "栏目"
    feed = feeds.SectionFeed()

    def get_subject(self):
        return by_slug(Section.objects.all(), self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.in_section(self.subject)


class TagArticleListView(ArticleListView):
    list_kind = "标签"
    feed = feeds.TagFeed()

    def get_subject(self):
        return by_slug(Tag.objects.all(), self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.tagged(self.subject)

    def subject_url(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.subject.slug})


class AuthorArticleListView(ArticleListView):
    list_kind = "作者"
    listing_template = "articles/author_main.html"
    feed = feeds.AuthorFeed()

    def get_subject(self):
        return by_slug(Author.objects.all(), self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.by_author(self.subject)

    def get_about(self):
        return structured.person(self.request, self.subject)
