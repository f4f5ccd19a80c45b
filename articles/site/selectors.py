"""Reads that cross relations, each in a fixed number of queries."""

from functools import cache

from django.db import connections, router
from taggit.models import Tag

from articles import cachetags
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


def _attached(pk: int) -> dict[str, list]:
    """What the article page shows beside the story (bylines with their authors, tags,
    regions, themes, corrections), read in one UNION ALL of five small index lookups and
    made into model instances holding only what was read (any other field is fetched if
    asked for, never made up)."""
    db = router.db_for_read(Article)
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(_attached_sql(db), [pk] * 5)
        rows = cursor.fetchall()
    moment = Correction._meta.get_field("created_at").get_col(Correction._meta.db_table)
    converters = connection.ops.get_db_converters(moment) + moment.get_db_converters(connection)
    # Each list in its own order: bylines, regions and themes by position, corrections by
    # time; then by id (tags by id, as they were made).
    found = {"bylines": [], "tags": [], "regions": [], "themes": [], "corrections": []}
    rows.sort(key=lambda row: (row[0], row[6], row[5], row[1]))
    for kind, ident, name, slug, extra, at, position, ref in rows:
        if kind == "bylines":
            item = Byline.from_db(
                db,
                ["id", "article_id", "author_id", "role", "order"],
                [ident, pk, ref, extra, position],
            )
            item.author = Author.from_db(db, ["id", "name", "slug"], [ref, name, slug])
        elif kind == "corrections":
            for convert in converters:
                at = convert(at, moment, connection)
            item = Correction.from_db(
                db, ["id", "article_id", "kind", "text", "created_at"], [ident, pk, slug, name, at]
            )
        elif kind == "tags":
            item = Tag.from_db(db, ["id", "name", "slug"], [ident, name, slug])
        else:
            model = Region if kind == "regions" else Theme
            item = model.from_db(
                db, ["id", "name", "slug", "sort_order"], [ident, name, slug, position]
            )
        found[kind].append(item)
    return found


@cache
def _attached_sql(db: str) -> str:
    """`_attached`'s query, written out: built by the ORM, the five-branch UNION cost more
    CPU to compile (about 6 ms) than the database spends running it. Every branch gives
    (kind, id, name, slug, extra, at, position, ref); the corrections come first so that
    PostgreSQL, which types a UNION's columns branch by branch, types `at` by their time."""
    name = connections[db].ops.quote_name

    def table(model) -> str:
        return name(model._meta.db_table)

    branches = [
        f"SELECT 'corrections', c.id, c.text, c.kind, '', c.created_at, 0, 0 "
        f"FROM {table(Correction)} c WHERE c.article_id = %s",
        f"SELECT 'bylines', b.id, a.name, a.slug, b.role, NULL, b.{name('order')}, b.author_id "
        f"FROM {table(Byline)} b JOIN {table(Author)} a ON a.id = b.author_id "
        "WHERE b.article_id = %s",
        f"SELECT 'tags', t.id, t.name, t.slug, '', NULL, 0, 0 "
        f"FROM {table(TaggedArticle)} x JOIN {table(Tag)} t ON t.id = x.tag_id "
        "WHERE x.content_object_id = %s",
    ]
    for field, model, column in (("regions", Region, "region_id"), ("themes", Theme, "theme_id")):
        through = getattr(Article, field).through
        branches.append(
            f"SELECT '{field}', s.id, s.name, s.slug, '', NULL, s.sort_order, 0 "
            f"FROM {table(through)} x JOIN {table(model)} s ON s.id = x.{column} "
            "WHERE x.article_id = %s"
        )
    return " UNION ALL ".join(branches)


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
