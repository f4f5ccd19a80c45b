"""Builders for desk tests: articles in a workflow state, and the admin forms' POSTs."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

# The inline formsets' management forms, with no rows: existing bylines stay as they are.
EMPTY_INLINES = {
    f"{prefix}-{name}": value
    for prefix in ("bylines", "corrections", "events")
    for name, value in (
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    )
}


def desk_story(status: str = Article.Status.DRAFT, *, by=None, **fields) -> Article:
    """An article in `status` created by `by`; only published and withdrawn ones carry a time."""
    article = make_article(status=status, user=by, **fields)
    if status not in (Article.Status.PUBLISHED, Article.Status.WITHDRAWN):
        Article.objects.filter(pk=article.pk).update(published_at=None)
        article.published_at = None
    return article


def scheduled_story(*, hours: float = 1, **fields) -> Article:
    """A story published for a time still ahead: it waits on the visibility rule."""
    return desk_story(
        Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(hours=hours), **fields
    )


def new_article_form(section, author, **overrides) -> dict:
    """The POST the admin's add page sends: one byline, no regions, themes or tags."""
    data = {
        "kicker": "",
        "headline": "雄安新区迎来首批疏解企业",
        "deck": "",
        "slug": "",
        "summary": "",
        "body": "<p>首批企业正式入驻。</p>",
        "source_line": "本报讯",
        "dateline": "雄安",
        "section": section.pk,
        "tags": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        **EMPTY_INLINES,
        "bylines-TOTAL_FORMS": "1",
        "bylines-0-author": author.pk,
        "bylines-0-role": "reporter",
        "bylines-0-order": "0",
    }
    return data | overrides


def change_form(article: Article, **overrides) -> dict:
    """The POST the admin's change page sends for `article` as stored, opened at its version."""
    article = Article.objects.get(pk=article.pk)
    data = {
        "kicker": article.kicker,
        "headline": article.headline,
        "deck": article.deck,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "source_line": article.source_line,
        "dateline": article.dateline,
        "section": article.section_id,
        "regions": [r.pk for r in article.regions.all()],
        "themes": [t.pk for t in article.themes.all()],
        "tags": ", ".join(sorted(t.name for t in article.tags.all())),
        "lead_image_caption": article.lead_image_caption,
        "lead_image_credit": article.lead_image_credit,
        "opened_version": article.lock_version,
        **EMPTY_INLINES,
    }
    return data | overrides


def stored(article: Article) -> dict:
    """The article's row as stored now, for before/after comparisons."""
    return Article.objects.filter(pk=article.pk).values().get()
