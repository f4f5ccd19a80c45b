"""Versions of an article kept by django-reversion, read back: as snapshots for the diff (names
as a reader reads them) and as states for the merge (ids and values as stored)."""

from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from articles.models import (
    EDITABLE_FIELDS,
    Article,
    Author,
    Byline,
    Section,
    TaggedArticle,
)
from regions.models import Region, Theme

from .merge import ArticleState

# The edit form's text fields: what a version diff and a restore deal in, besides relations.
TEXT_FIELDS = [name for name in EDITABLE_FIELDS if name not in ("section", "lead_image")]


def _when(value) -> str:
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def article_snapshot(article: Article) -> dict:
    """The article as it is now, in the snapshot shape."""
    return {
        **{name: getattr(article, name) for name in TEXT_FIELDS},
        "section": article.section.name if article.section_id else "",
        "lead_image": article.lead_image.name or "",
        "status": article.get_status_display(),
        "published_at": _when(article.published_at),
        "bylines": [
            f"{b.get_role_display()} {b.author.name}"
            for b in article.bylines.select_related("author")
        ],
        "tags": sorted(t.name for t in article.tags.all()),
        "regions": [r.name for r in article.regions.all()],
        "themes": [t.name for t in article.themes.all()],
    }


def versions_of(article: Article):
    """The article's versions, newest first, with who saved them and when."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def _related(version: Version, model) -> list[dict]:
    return [
        v.field_dict
        for v in version.revision.version_set.all()
        if v.content_type.model_class() is model
    ]


def version_snapshot(version: Version) -> dict:
    """A stored version in the snapshot shape (names looked up as they are now)."""
    data = version.field_dict
    bylines = sorted(_related(version, Byline), key=lambda b: (b["order"], b["id"]))
    authors = Author.objects.in_bulk([b["author_id"] for b in bylines])
    roles = dict(Byline.Role.choices)
    tag_ids = [t["tag_id"] for t in _related(version, TaggedArticle)]
    section = Section.objects.filter(pk=data.get("section_id")).first()
    status = data.get("status", "")
    return {
        **{name: data.get(name, "") for name in TEXT_FIELDS},
        "section": section.name if section else "",
        "lead_image": str(data.get("lead_image") or ""),
        "status": dict(Article.Status.choices).get(status, status),
        "published_at": _when(data.get("published_at")),
        "bylines": [
            f"{roles.get(b['role'], b['role'])} {authors[b['author_id']].name}"
            for b in bylines
            if b["author_id"] in authors
        ],
        "tags": sorted(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True)),
        "regions": list(
            Region.objects.filter(pk__in=data.get("regions", [])).values_list("name", flat=True)
        ),
        "themes": list(
            Theme.objects.filter(pk__in=data.get("themes", [])).values_list("name", flat=True)
        ),
    }


def version_for_lock(article: Article, lock_version: int) -> Version | None:
    """The newest stored version made at `lock_version`: what an editor's open form was showing."""
    for version in versions_of(article)[:200]:
        if version.field_dict.get("lock_version") == lock_version:
            return version
        if version.field_dict.get("lock_version", lock_version) < lock_version:
            return None  # older than the form: that version was never kept
    return None


def article_state(article: Article) -> ArticleState:
    """The article's row as it is now, in the merge's shape."""
    values = {name: getattr(article, name) for name in EDITABLE_FIELDS}
    values["section"] = article.section_id
    values["lead_image"] = article.lead_image.name or ""
    return ArticleState(
        values=values,
        tags=frozenset(article.tags.values_list("name", flat=True)),
        regions=frozenset(article.regions.values_list("pk", flat=True)),
        themes=frozenset(article.themes.values_list("pk", flat=True)),
        bylines=tuple(article.bylines.order_by("order", "pk").values_list("author_id", "role")),
    )


def version_state(version: Version) -> ArticleState:
    """A stored version in the merge's shape. Tags are named as they were when it was saved
    (the version keeps their rows), so a tag renamed since is not taken for the user's edit."""
    data = version.field_dict
    values = {name: data.get(name, "") for name in EDITABLE_FIELDS}
    values["section"] = data.get("section_id")
    values["lead_image"] = str(data.get("lead_image") or "")
    bylines = sorted(_related(version, Byline), key=lambda b: (b["order"], b["id"]))
    tag_ids = [t["tag_id"] for t in _related(version, TaggedArticle)]
    names = {row["id"]: row["name"] for row in _related(version, Tag)}
    missing = [pk for pk in tag_ids if pk not in names]
    names |= dict(Tag.objects.filter(pk__in=missing).values_list("pk", "name"))
    return ArticleState(
        values=values,
        tags=frozenset(names[pk] for pk in tag_ids if pk in names),
        regions=frozenset(data.get("regions", [])),
        themes=frozenset(data.get("themes", [])),
        bylines=tuple((b["author_id"], b["role"]) for b in bylines),
    )


def saved_by_since(article: Article, version: Version) -> list[str]:
    """Who saved the article after `version` was kept, in order, each once."""
    later = (
        versions_of(article)
        .filter(revision__date_created__gt=version.revision.date_created)
        .exclude(revision__user=None)
        .order_by("revision__date_created")
        .values_list("revision__user__username", flat=True)
    )
    return list(dict.fromkeys(later))
