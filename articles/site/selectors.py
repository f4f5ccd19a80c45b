"""Reads that cross relations, each in a fixed number of queries."""

from django.db.models import CharField, DateTimeField, F, IntegerField, Value
from django.db.models.functions import Cast
from taggit.models import Tag

from articles.models import Article, Author, Byline, Correction, Section, TaggedArticle
from regions.models import Region, Theme


def article_for_reader(pk: int) -> Article | None:
    """A published article with everything its page shows, or None."""
    return _article_page(Article.objects.published(), pk)


def article_for_preview(pk: int) -> Article | None:
    """Any article with everything its page shows, for staff and signed previews only."""
    return _article_page(Article.objects.all(), pk)


def _article_page(queryset, pk: int) -> Article | None:
    """The article with its section (one query), then its bylines, tags, regions, themes and
    corrections (one more): in its prefetch cache, as prefetch_related would leave them."""
    article = queryset.select_related("section").filter(pk=pk).first()
    if article is None:
        return None
    article._prefetched_objects_cache = {}
    for name, items in _attached(article.pk).items():
        found = getattr(article, name).get_queryset()  # unevaluated: no query
        found._result_cache, found._prefetch_done = items, True
        article._prefetched_objects_cache[name] = found
    return article


# The columns every branch of `_attached`'s UNION names, blank unless the branch fills them.
_BLANK = {
    "row_id": F("pk"),
    "row_name": Value("", output_field=CharField()),
    "row_slug": Value("", output_field=CharField()),
    "row_extra": Value("", output_field=CharField()),
    # Typed: PostgreSQL types a UNION's columns pair by pair, and two untyped NULLs are text.
    "row_at": Cast(Value(None), output_field=DateTimeField()),
    "row_position": Value(0, output_field=IntegerField()),
    "row_ref": Value(0, output_field=IntegerField()),
}


def _branch(kind: str, rows, **columns):
    return rows.order_by().values(
        row_kind=Value(kind, output_field=CharField()), **(_BLANK | columns)
    )


def _filed_under(field: str, subject: str, pk: int):
    """The UNION branch of a region or theme the article is filed under."""
    return _branch(
        field,
        getattr(Article, field).through.objects.filter(article_id=pk),
        row_id=F(f"{subject}_id"),
        row_name=F(f"{subject}__name"),
        row_slug=F(f"{subject}__slug"),
        row_position=F(f"{subject}__sort_order"),
    )


def _attached(pk: int) -> dict[str, list]:
    """What the article page shows beside the story (bylines with their authors, tags,
    regions, themes, corrections), read in one UNION ALL of five small index lookups and
    made into model instances holding only what was read."""
    branches = [
        _branch(
            "bylines",
            Byline.objects.filter(article_id=pk),
            row_name=F("author__name"),
            row_slug=F("author__slug"),
            row_extra=F("role"),
            row_position=F("order"),
            row_ref=F("author_id"),
        ),
        _branch(
            "tags",
            TaggedArticle.objects.filter(content_object_id=pk),
            row_id=F("tag_id"),
            row_name=F("tag__name"),
            row_slug=F("tag__slug"),
        ),
        _filed_under("regions", "region", pk),
        _filed_under("themes", "theme", pk),
        _branch(
            "corrections",
            Correction.objects.filter(article_id=pk),
            row_name=F("text"),
            row_slug=F("kind"),
            row_at=F("created_at"),
        ),
    ]
    rows = list(branches[0].union(*branches[1:], all=True))
    # Each list in its own order: bylines, regions and themes by position, corrections by
    # time; then by id (tags by id, as they were made).
    rows.sort(key=lambda r: (r["row_kind"], r["row_position"], r["row_at"], r["row_id"]))
    db = branches[0].db
    found = {"bylines": [], "tags": [], "regions": [], "themes": [], "corrections": []}
    for r in rows:
        kind, pk_, name, slug = r["row_kind"], r["row_id"], r["row_name"], r["row_slug"]
        if kind == "bylines":
            item = Byline.from_db(
                db,
                ["id", "article_id", "author_id", "role", "order"],
                [pk_, pk, r["row_ref"], r["row_extra"], r["row_position"]],
            )
            item.author = Author.from_db(db, ["id", "name", "slug"], [r["row_ref"], name, slug])
        elif kind == "corrections":
            item = Correction.from_db(
                db,
                ["id", "article_id", "kind", "text", "created_at"],
                [pk_, pk, slug, name, r["row_at"]],
            )
        elif kind == "tags":
            item = Tag.from_db(db, ["id", "name", "slug"], [pk_, name, slug])
        else:
            model = Region if kind == "regions" else Theme
            item = model.from_db(
                db, ["id", "name", "slug", "sort_order"], [pk_, name, slug, r["row_position"]]
            )
        found[kind].append(item)
    return found


def related_articles(article: Article, *, limit: int = 5) -> list[Article]:
    """The story's related stories as stored when it was last published or edited
    (`articles/services/related.py`), best first, in one query: only those readers may see
    now, so a withdrawn or not yet published story never shows."""
    return list(
        Article.objects.published()
        .filter(linked_from__article_id=article.pk)
        .order_by("linked_from__rank")
        .only("pk", "headline", "slug", "published_at", "created_at")[:limit]
    )


def home_sections(*, per_section: int = 4) -> list[tuple[Section, list[Article]]]:
    """Each section with its latest stories: one query per section, none per story."""
    blocks = []
    for section in Section.objects.all():
        stories = list(
            Article.objects.published()
            .filter(section=section)
            .only("pk", "headline", "slug", "published_at", "created_at", "summary")[:per_section]
        )
        if stories:
            blocks.append((section, stories))
    return blocks


def region_choices() -> list[Region]:
    """Provinces, each followed by its cities and new areas: the search form's region list."""
    return Region.objects.provinces_with_cities()


def region_strip() -> list[Region]:
    """The provinces and the new areas a reader is most likely to follow."""
    return list(
        Region.objects.filter(kind__in=[Region.Kind.PROVINCE, Region.Kind.NEW_AREA]).order_by(
            "kind", "sort_order", "pk"
        )
    )
