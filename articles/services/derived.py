"""What is derived from an article and must follow every change to it: its search entry, the
coverage counts of the days it counts on, its related stories (and its place in others'),
its list validators (`updated_at`) and readers' cached pages showing it (by their cache tags,
articles/cachetags.py). Every service that changes an article ends here, so adding a derived thing
means editing this module only."""

import reversion
from django.db.models import F
from django.utils import timezone

from articles import cachetags, search
from articles.models import Article, SearchEntry
from regions import coverage

from . import related


def article_derived_refresh(article: Article) -> None:
    """Bring what is derived from an article in step with it: its search entry, the
    coverage counts of the day it was counted in before and of its day now, and its related
    stories."""
    counted_before = (
        SearchEntry.objects.filter(article_id=article.pk)
        .values_list("published_at", flat=True)
        .first()
    )
    search.index_article(article)
    coverage.refresh_days([counted_before, article.published_at])
    related.article_related_refresh(article)
    cachetags.article_changed(article)  # readers' pages showing it, and its lists


def touch(article_ids, *, user=None, comment: str = "") -> None:
    """A change to many articles' editable data (bulk tagging, a tag merged or renamed): move
    updated_at, which feeds, sitemaps and Last-Modified read, and the lock version, so an edit
    form opened before merges with the change instead of reverting it; keep a version of each,
    which that merge reads as the form's base."""
    ids = list(article_ids)
    Article.objects.filter(pk__in=ids).update(
        updated_at=timezone.now(), lock_version=F("lock_version") + 1
    )
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        for article in Article.objects.filter(pk__in=ids):
            reversion.add_to_revision(article)
            cachetags.article_changed(article)  # it may be in other lists now


def touch_listed(article_ids) -> None:
    """What these stories are filed under or signed by changed its name (their edit forms
    hold ids, so nothing there is stale): move updated_at, which feeds, sitemaps and the list
    validators read."""
    ids = list(article_ids)
    Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    cachetags.articles_changed(ids)
