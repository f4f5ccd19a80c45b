"""RSS 2.0 and Atom feeds: the whole site, and each section, tag and author (regions and themes
in regions/feeds.py). Items are the newest published stories, each with every byline, its
section, regions, themes and tags as categories, and the full body."""

import copy
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, rfc3339_date
from django.utils.html import escape
from taggit.models import Tag

from articles.models import Article, Author, Byline, Correction, Section
from articles.site import caching
from newsroom import pagecache

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


class NewsRss(Rss201rev2Feed):
    """RSS 2.0 with the full body (content:encoded), one dc:creator per byline and the time
    of the last change (atom:updated), which RSS itself has no element for."""

    def rss_attributes(self):
        return super().rss_attributes() | {"xmlns:content": CONTENT_NS, "xmlns:dc": DC_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.addQuickElement("dc:creator", author["name"])
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        handler.addQuickElement("content:encoded", item["content"])


class NewsAtom(Atom1Feed):
    """Atom with the full body as content and one author (with their page) per byline."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["uri"])
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})


_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_links(html: str, origin: str) -> str:
    """Links and images in a body point at this site with root-relative paths; a feed reader
    has no page to resolve them against."""
    return _ROOT_RELATIVE.sub(rf"\1{origin}/", html)


class ArticleFeed(Feed):
    """The newest published stories of a list, as RSS (or Atom, with `atom=True`).

    Subclasses say which list: `get_object` finds its subject and `narrow` filters stories
    the way the list page does. Answers 304 to a client whose copy is current.
    """

    limit = 30
    language = "zh-CN"
    item_guid_is_permalink = True
    url_name = "articles:feed"
    origin = ""  # scheme and host of the request being answered (set on a per-request copy)

    def __init__(self, *, atom: bool = False):
        self.atom = atom
        self.feed_type = NewsAtom if atom else NewsRss

    @method_decorator(caching.public)
    def __call__(self, request, *args, **kwargs):
        with pagecache.collecting() as read:
            subject = self.get_object(request, *args, **kwargs)
        site = pagecache.origin(request)

        def write() -> tuple[bytes, str]:
            # One instance serves every request (and gunicorn's threads): the site's address,
            # which links inside bodies and author pages need, goes on a copy for this one.
            bound = copy.copy(self)
            bound.origin = site
            feed = bound.get_feed(subject, request)
            response = HttpResponse(content_type=feed.content_type)
            feed.write(response, "utf-8")
            return response.content, feed.content_type

        def render():
            # Written once per content change and kept as a fragment, like the list pages.
            content, content_type = pagecache.fragment(
                f"feed:{site}{request.path}", write, depends=read
            )
            return HttpResponse(content, content_type=content_type)

        changed_at = pagecache.fragment(
            f"feed-changed:{request.path}",
            lambda: caching.list_changed_at(lambda articles: self.narrow(articles, subject)),
        )
        return caching.respond(request, changed_at=changed_at, render=render)

    def narrow(self, articles, subject):
        return articles.listed()

    def items(self, subject):
        stories = self.narrow(Article.objects.published(), subject)
        return stories.select_related("section").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "regions",
            "themes",
            "tags",
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "pk")),
        )[: self.limit]

    # Channel

    def title(self, subject):
        return f"{subject} · {settings.SITE_NAME}" if subject else settings.SITE_NAME

    def description(self, subject):
        return settings.SITE_DESCRIPTION

    def subtitle(self, subject):
        return self.description(subject)

    def link(self, subject):
        return subject.get_absolute_url() if subject else reverse("articles:home")

    def feed_url(self, subject):
        return self.feed_urls(subject)["atom" if self.atom else "rss"]

    def feed_urls(self, subject) -> dict:
        kwargs = {"slug": subject.slug} if subject else {}
        return {
            "rss": reverse(self.url_name, kwargs=kwargs),
            "atom": reverse(f"{self.url_name}-atom", kwargs=kwargs),
        }

    def author_name(self, subject):
        return settings.SITE_NAME

    # Items

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        # Readers take the description as HTML: the plain-text summary is escaped for it.
        return escape(article.description)

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        """The short link: it never changes, whatever happens to the headline or slug."""
        return self.origin + reverse("articles:shortlink", kwargs={"pk": article.pk})

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_categories(self, article):
        """Section, regions, themes and tags, each name once (a theme may also be a tag)."""
        names = [
            article.section.name,
            *(region.name for region in article.regions.all()),
            *(theme.name for theme in article.themes.all()),
            *(tag.name for tag in article.tags.all()),
        ]
        return list(dict.fromkeys(names))

    def item_extra_kwargs(self, article):
        return {
            "authors": [
                {"name": byline.author.name, "uri": self.origin + byline.author.get_absolute_url()}
                for byline in article.bylines.all()
            ],
            "content": absolute_links(article.body, self.origin),
        }


class SiteFeed(ArticleFeed):
    url_name = "articles:feed"


class SectionFeed(ArticleFeed):
    url_name = "articles:section-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def narrow(self, articles, section):
        return articles.in_section(section)


class TagFeed(ArticleFeed):
    url_name = "articles:tag-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def narrow(self, articles, tag):
        return articles.tagged(tag)


class AuthorFeed(ArticleFeed):
    url_name = "articles:author-feed"

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def narrow(self, articles, author):
        return articles.by_author(author)


def feed_links(feed: ArticleFeed, subject=None) -> dict:
    """What a page needs to link its feeds: their title and the RSS and Atom addresses."""
    return {"title": feed.title(subject), **feed.feed_urls(subject)}
