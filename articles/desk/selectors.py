"""Reads for the desk: its landing board and the tagging suggestions on a story."""

from django.db.models import Q

from articles.models import Article, Byline


def desk_board(user, *, limit: int = 8) -> list[tuple[str, str, list[Article]]]:
    """The desk's landing lists: (title, empty text, articles), each one query."""
    from django.db.models import Exists, Max, OuterRef

    from articles.models import Correction

    base = Article.objects.select_related("section", "updated_by")
    mine = Q(created_by=user) | Q(
        Exists(Byline.objects.filter(article=OuterRef("pk"), author__user=user))
    )
    return [
        (
            "我的草稿",
            "没有草稿。",
            list(base.filter(mine, status=Article.Status.DRAFT).order_by("-updated_at")[:limit]),
        ),
        (
            "待审稿件",
            "没有等待审稿的稿件。",
            list(base.filter(status=Article.Status.REVIEW).order_by("updated_at")[:limit]),
        ),
        (
            "已通过待发布",
            "没有等待发布的稿件。",
            list(base.filter(status=Article.Status.APPROVED).order_by("updated_at")[:limit]),
        ),
        (
            "定时发布",
            "没有定时发布的稿件。",
            list(base.scheduled().order_by("published_at")[:limit]),
        ),
        (
            "最近发布",
            "最近没有发布稿件。",
            list(Article.objects.published().select_related("section", "updated_by")[:limit]),
        ),
        (
            "最近更正",
            "最近没有更正或更新。",
            list(
                base.annotate(corrected_at=Max("corrections__created_at"))
                .filter(Exists(Correction.objects.filter(article=OuterRef("pk"))))
                .order_by("-corrected_at")[:limit]
            ),
        ),
    ]


def tagging_suggestions(article: Article) -> dict:
    """Regions and themes the article's text names but its tags lack. Only the most specific
    region is offered: a sub-region's parents are implied by it (region pages include them)."""
    from articles.search import plain_text
    from regions.suggest import suggest

    found = suggest(
        f"{article.kicker}\n{article.headline}\n{article.deck}\n{article.summary}\n"
        f"{plain_text(article.body)}"
    )
    chosen = {r.pk for r in found.regions}
    parents = {r.parent_id for r in found.regions if r.parent_id in chosen}
    have_regions = set(article.regions.values_list("pk", flat=True))
    have_themes = set(article.themes.values_list("pk", flat=True))
    return {
        "regions": [r for r in found.regions if r.pk not in parents | have_regions],
        "themes": [t for t in found.themes if t.pk not in have_themes],
    }
