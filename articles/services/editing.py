"""Creating, editing and deleting articles, their bylines and corrections."""

from collections.abc import Iterable

import reversion
from django.db import transaction
from django.utils import timezone

from articles.html import clean_body
from articles.models import EDITABLE_FIELDS, Article, Author, Byline, Correction
from articles.slugs import pinyin_slug
from newsroom import pagecache
from regions import coverage

from .base import EditConflict, apply_changes
from .derived import article_derived_refresh


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
    """A new article with its bylines, tags, regions and themes, all or nothing; its first version."""
    article = Article(headline=headline, section=section, body=clean_body(body), **fields)
    article.created_by = article.updated_by = user
    article.full_clean()  # a slug given by the caller must be URL-safe; a blank one is made
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment("新建稿件")
        article.save()
        article_set_bylines(article=article, bylines=bylines)
        article.tags.set(list(tags))
        article.regions.set(list(regions))
        article.themes.set(list(themes))
        article_derived_refresh(article)
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
def article_add_correction(
    *, article: Article, kind: str, text: str, at=None, user=None
) -> Correction:
    """Append a correction or update, shown on the article page, and touch its updated time.

    No permission check: the desk's route is `article_correct`; this is for loaders and it.
    """
    correction = Correction(article=article, kind=kind, text=text, created_at=at or timezone.now())
    correction.full_clean()
    correction.save()
    apply_changes(article, user=user)
    return correction


def article_save_edit(*, article: Article, expected_version: int, user) -> Article:
    """Store an edited article only if nobody saved it since `expected_version` was read.

    The check and the write are one UPDATE … WHERE lock_version = expected, so two editors
    saving at the same moment cannot both win, on PostgreSQL or SQLite. Raises EditConflict.
    """
    if not article.slug:
        article.slug = pinyin_slug(article.headline)
    article.body = clean_body(article.body)
    now = timezone.now()
    values = {name: getattr(article, name) for name in EDITABLE_FIELDS}
    updated = Article.objects.filter(pk=article.pk, lock_version=expected_version).update(
        **values, updated_at=now, updated_by=user, lock_version=expected_version + 1
    )
    if not updated:
        raise EditConflict(Article.objects.select_related("updated_by").get(pk=article.pk))
    article.updated_at, article.updated_by, article.lock_version = now, user, expected_version + 1
    return article


@transaction.atomic
def articles_delete(*, articles) -> int:
    """Delete articles for good (superusers only, in the admin) and recount their days."""
    days = [article.published_at for article in articles]
    deleted = 0
    for article in articles:
        article.delete()
        deleted += 1
    coverage.refresh_days(days)
    pagecache.content_changed()
    return deleted
