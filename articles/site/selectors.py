"""Reads that cross relations, each in a fixed number of queries."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from articles import cachetags
from articles.models import Article, Byline, Correction, Section, TaggedArticle
from regions.models import Region


def article_for_reader(pk: int) -> Article | None:
    """A published article with everything its page shows, or None."""
    return _article_page(Article.objects.published(), pk)


def article_for_preview(pk: int) -> Article | None:
    """Any article with everything its page shows, for staff and signed previews only."""
    return _article_page(Article.objects.all(), pk)


def _article_page(queryset, pk: int) -> Article | None:
    return (
        queryset.select_related("section")
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "tags",
            "regions",
            "themes",
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "pk")),
        )
        .filter(pk=pk)
        .first()
    )


def _overlap(through, owner: str, column: str, values: list[int]):
    """How many of `values` an article shares through the `through` table (a subquery)."""
    return Coalesce(
        Subquery(
            through.objects.filter(**{owner: OuterRef("pk"), f"{column}__in": values})
            .values(owner)
            .annotate(n=Count("*"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


# Related stories are scored among the newest stories and those that ran just before this one,
# never the whole archive: each score is three index probes, and at a million articles scoring
# everything took seconds.
RELATED_CANDIDATES = 500


def related_articles(article: Article, *, limit: int = 5) -> list[Article]:
    """Published stories sharing the most themes, regions and tags with `article`, newest first,
    among the newest stories and those published shortly before it."""
    theme_ids = [t.pk for t in article.themes.all()]
    region_ids = [r.pk for r in article.regions.all()]
    tag_ids = [t.pk for t in article.tags.all()]
    if not (theme_ids or region_ids or tag_ids):
        return []
    score = Value(0)
    if theme_ids:
        score = score + _overlap(Article.themes.through, "article_id", "theme_id", theme_ids) * 2
    if region_ids:
        score = score + _overlap(Article.regions.through, "article_id", "region_id", region_ids)
    if tag_ids:
        score = score + _overlap(TaggedArticle, "content_object_id", "tag_id", tag_ids) * 3
    published = Article.objects.published().exclude(pk=article.pk)
    # The candidates' ids first: scored in the same query, the planner would score every
    # published story before looking at the candidate list.
    ids = list(published.values_list("pk", flat=True)[:RELATED_CANDIDATES])
    if article.published_at and ids:
        before = published.filter(published_at__lte=article.published_at)
        ids += before.values_list("pk", flat=True)[:RELATED_CANDIDATES]
    return list(
        published.filter(pk__in=ids)
        .annotate(score=score)
        .filter(score__gt=0)
        .order_by("-score", "-published_at", "-pk")
        .only("pk", "headline", "slug", "published_at", "created_at")[:limit]
    )


def home_sections(*, per_section: int = 4) -> list[tuple[Section, list[Article]]]:
    """Each section with its latest stories: one query per section, none per story."""
    blocks = []
    cachetags.catalogue(Section)
    for section in Section.objects.all():
        stories = list(
            Article.objects.published()
            .in_section(section)
            .only("pk", "headline", "slug", "published_at", "created_at", "summary")[:per_section]
        )
        if stories:
            blocks.append((section, stories))
    return blocks


def region_choices() -> list[Region]:
    """Provinces, each followed by its cities and new areas: the search form's region list."""
    cachetags.catalogue(Region)
    return Region.objects.provinces_with_cities()


def region_strip() -> list[Region]:
    """The provinces and the new areas a reader is most likely to follow."""
    cachetags.catalogue(Region)
    return list(
        Region.objects.filter(kind__in=[Region.Kind.PROVINCE, Region.Kind.NEW_AREA]).order_by(
            "kind", "sort_order", "pk"
        )
    )
