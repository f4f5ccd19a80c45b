"""What a page tells search engines and chat apps about itself: OpenGraph and Twitter card
values, and schema.org JSON-LD (NewsArticle, BreadcrumbList, CollectionPage). Plain dicts;
templates render them (JSON-LD through the `ld_json` filter, which escapes it for <script>)."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction

CONTEXT = "https://schema.org"
LANGUAGE = "zh-CN"
LOGO = ("logo.png", 600, 60)
SHARE_IMAGE = ("share.png", 1200, 630)


def iso(moment) -> str | None:
    """ISO 8601 in Beijing time with its offset: 2025-03-02T01:30:00+08:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def publisher(request) -> dict:
    path, width, height = LOGO
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(path)),
            "width": width,
            "height": height,
        },
    }


def breadcrumbs(request, trail: list[tuple[str, str]]) -> dict:
    """A BreadcrumbList from (name, path) pairs, the home page first."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def home_crumb() -> tuple[str, str]:
    return ("首页", reverse("articles:home"))


def article_share(request, article: Article) -> dict:
    """OpenGraph and Twitter card values for an article (fields prefetched by its page)."""
    if article.lead_image:
        image, alt = article.lead_image.url, article.lead_image_caption or article.headline
    else:
        image, alt = static(SHARE_IMAGE[0]), settings.SITE_NAME
    authors = {byline.author.pk: byline.author for byline in article.bylines.all()}
    return {
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "title": article.headline,
        "description": article.description,
        "image": request.build_absolute_uri(image),
        "image_alt": alt,
        "large_image": bool(article.lead_image),
        "published": iso(article.published_at),
        "modified": iso(article.modified_at),
        "section": article.section.name,
        "tags": [tag.name for tag in article.tags.all()],
        "authors": [request.build_absolute_uri(a.get_absolute_url()) for a in authors.values()],
    }


def article_graph(request, article: Article, share: dict) -> list[dict]:
    """NewsArticle and its BreadcrumbList (home › section › story)."""
    authors = {byline.author.pk: byline.author for byline in article.bylines.all()}
    keywords = [tag.name for tag in article.tags.all()]
    keywords += [theme.name for theme in article.themes.all()]
    keywords += [region.name for region in article.regions.all()]
    news = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": share["url"]},
        "url": share["url"],
        "headline": article.headline,
        "description": share["description"],
        "image": [share["image"]],
        "datePublished": share["published"],
        "dateModified": share["modified"],
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(author.get_absolute_url()),
            }
            for author in authors.values()
        ],
        "publisher": publisher(request),
        "articleSection": article.section.name,
        "keywords": list(dict.fromkeys(keywords)),
        "isAccessibleForFree": True,
        "inLanguage": LANGUAGE,
    }
    corrections = [
        {"@type": "CorrectionComment", "text": c.text, "datePublished": iso(c.created_at)}
        for c in article.corrections.all()
        if c.kind == Correction.Kind.CORRECTION
    ]
    if corrections:
        news["correction"] = corrections
    trail = [
        home_crumb(),
        (article.section.name, article.section.get_absolute_url()),
        (article.headline, article.get_absolute_url()),
    ]
    return [news, breadcrumbs(request, trail)]


def collection_graph(
    request, *, name: str, description: str, path: str, trail, articles, start: int = 1, about=None
) -> list[dict]:
    """CollectionPage for a list of stories (this page of it), and its BreadcrumbList."""
    page = {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "url": request.build_absolute_uri(path),
        "inLanguage": LANGUAGE,
        "isPartOf": {
            "@type": "WebSite",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri(reverse("articles:home")),
        },
        "publisher": publisher(request),
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "url": request.build_absolute_uri(article.get_absolute_url()),
                    "name": article.headline,
                }
                for position, article in enumerate(articles, start=start)
            ],
        },
    }
    if about is not None:
        page["about"] = about
    return [page, breadcrumbs(request, [home_crumb(), *trail])]


def person(request, author) -> dict:
    return {
        "@type": "Person",
        "name": author.name,
        "url": request.build_absolute_uri(author.get_absolute_url()),
        **({"description": author.bio} if author.bio else {}),
    }


def home_graph(request) -> list[dict]:
    """The site itself, with its search, and the paper that publishes it."""
    search = request.build_absolute_uri(reverse("articles:search"))
    return [
        {
            "@context": CONTEXT,
            "@type": "WebSite",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri(reverse("articles:home")),
            "inLanguage": LANGUAGE,
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{q}}"},
                "query-input": "required name=q",
            },
        },
        {"@context": CONTEXT, **publisher(request)},
    ]
