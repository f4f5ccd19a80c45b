"""Helpers for the services' tests: a story's stored related stories."""

from articles.models import Article, RelatedArticle
from articles.services import related


def stored(article) -> list[int]:
    """The story's stored list, best first, as ids."""
    return list(
        RelatedArticle.objects.filter(article=article)
        .order_by("rank")
        .values_list("related_id", flat=True)
    )


def assert_scored(article) -> None:
    """The story's stored list is the one it scores among the visible stories now, with the
    scheduled stories merged into it (they enter lists before their time)."""
    scheduled = set(Article.objects.scheduled().values_list("pk", flat=True))
    kept = [pk for pk in stored(article) if pk not in scheduled]
    expected = [entry.pk for entry in related.score_related(article)]
    assert kept == expected[: len(kept)], article.pk
    assert len(kept) >= min(len(expected), related.RELATED_KEPT - len(scheduled)), article.pk
