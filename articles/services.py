"""Writes that span several models. Callable from the admin, a command or a test alike."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .html import clean_body
from .models import Article, Author, Byline, Correction


def author_get_or_create(*, name: str, bio: str = "", slug: str = "") -> Author:
    """The author on file with this name, or a new one with a pinyin slug."""
    name = name.strip()
    author = Author.objects.filter(name=name).order_by("pk").first()
    if author is None:
        author = Author(name=name, bio=bio, slug=slug)
        author.full_clean()  # a slug given by the caller must be URL-safe; a blank one is made
        author.save()
    return author


@transaction.atomic
def article_create(
    *,
    headline: str,
    section,
    body: str = "",
    bylines: Iterable[tuple[Author, str]] = (),
    tags: Iterable[str] = (),
    regions: Iterable = (),
    themes: Iterable = (),
    user=None,
    **fields,
) -> Article:
    """A new article with its bylines, tags, regions and themes, all or nothing."""
    article = Article(headline=headline, section=section, body=clean_body(body), **fields)
    article.created_by = article.updated_by = user
    article.full_clean()  # a slug given by the caller must be URL-safe; a blank one is made
    article.save()
    article_set_bylines(article=article, bylines=bylines)
    article.tags.set(list(tags))
    article.regions.set(list(regions))
    article.themes.set(list(themes))
    return article


@transaction.atomic
def article_set_bylines(*, article: Article, bylines: Iterable[tuple[Author, str]]) -> None:
    """Replace the article's bylines, keeping the order given."""
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author=author, role=role, order=index)
        for index, (author, role) in enumerate(bylines)
    )


@transaction.atomic
def article_add_correction(*, article: Article, kind: str, text: str, at=None) -> Correction:
    """Record a correction or update, shown on the article page, and touch its updated time."""
    correction = Correction(article=article, kind=kind, text=text, created_at=at or timezone.now())
    correction.full_clean()
    correction.save()
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
    return correction
