"""Small builders for test rows: real models saved through the real services."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles import services
from articles.models import Article, Author, Section
from regions.models import Region, Theme

_counter = itertools.count(1)

# Stories readers may not see, as make_article() arguments: ids and arguments for parametrize.
HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
    "future": {"hours_ago": -24},
}

# A 1×1 transparent GIF: enough for an ImageField to store and a template to show.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def make_section(*, name: str | None = None, slug: str | None = None, **fields) -> Section:
    n = next(_counter)
    return Section.objects.create(name=name or f"栏目{n}", slug=slug or f"section-{n}", **fields)


def make_author(*, name: str | None = None, **fields) -> Author:
    return services.author_get_or_create(name=name or f"记者{next(_counter)}", **fields)


def make_article(
    *,
    headline: str | None = None,
    section: Section | None = None,
    status: str = Article.Status.PUBLISHED,
    published_at=None,
    hours_ago: float = 1,
    authors: list[tuple[Author, str]] | None = None,
    tags: list[str] = (),
    regions: list[str] = (),
    themes: list[str] = (),
    body: str = "<p>京津冀三地协同推进相关工作。</p>",
    **fields,
) -> Article:
    """A published article by default; pass status=… or a future published_at for others."""
    if published_at is None and status != Article.Status.DRAFT:
        published_at = timezone.now() - timedelta(hours=hours_ago)
    return services.article_create(
        headline=headline or f"京津冀协同发展第{next(_counter)}篇报道",
        section=section or Section.objects.first() or make_section(),
        status=status,
        published_at=published_at,
        body=body,
        bylines=authors if authors is not None else [(make_author(), "reporter")],
        tags=list(tags),
        regions=[Region.objects.get(slug=slug) for slug in regions],
        themes=[Theme.objects.get(slug=slug) for slug in themes],
        **fields,
    )
