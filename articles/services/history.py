"""Versions of an article kept by django-reversion: read back as plain snapshots that the diff,
the merge and the restore understand (the article's fields plus bylines, tags, regions and
themes), and restored as a new save."""

from django.db import transaction
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from articles.html import clean_body
from articles.models import (
    BODY_MAX_CHARS,
    EDITABLE_FIELDS,
    Article,
    Author,
    Byline,
    Section,
    TaggedArticle,
    WorkflowEvent,
    body_length,
)
from articles.slugs import pinyin_slug
from regions.models import Region, Theme

from .base import TransitionRefused, apply_changes, locked, record_step
from .editing import article_set_bylines
from .permissions import can_edit_article

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
    return None


@transaction.atomic
def article_restore_version(*, article: Article, version, user) -> Article:
    """Bring back an old version's content as a new save; workflow state stays as it is."""
    current = locked(article)
    if not can_edit_article(user, current):
        raise TransitionRefused("您不能修改这篇稿件，因此不能恢复它的旧版本。")
    if version.object_id != str(current.pk) or version.content_type.model_class() is not Article:
        raise TransitionRefused("这个版本不属于这篇稿件。")
    data = version.field_dict
    related = list(version.revision.version_set.all())
    bylines = sorted(
        (v.field_dict for v in related if v.content_type.model_class() is Byline),
        key=lambda b: (b["order"], b["id"]),
    )
    tag_ids = [
        v.field_dict["tag_id"] for v in related if v.content_type.model_class() is TaggedArticle
    ]
    changes = {name: data.get(name, "") for name in TEXT_FIELDS}
    changes["body"] = clean_body(changes["body"])
    if (length := body_length(changes["body"])) > BODY_MAX_CHARS:
        raise TransitionRefused(
            f"这个版本的正文过长：{length} 字，上限 {BODY_MAX_CHARS} 字，不能恢复；请拆分为多篇稿件。"
        )
    changes["slug"] = changes["slug"] or pinyin_slug(changes["headline"])
    if data.get("section_id"):
        changes["section_id"] = data["section_id"]
    changes["lead_image"] = data.get("lead_image", "")
    apply_changes(current, user=user, **changes)
    authors = Author.objects.in_bulk([b["author_id"] for b in bylines])
    article_set_bylines(
        article=current,
        bylines=[
            (authors[b["author_id"]], b["role"]) for b in bylines if b["author_id"] in authors
        ],
    )
    current.tags.set(list(Tag.objects.filter(pk__in=tag_ids)))
    current.regions.set(data.get("regions", []))
    current.themes.set(data.get("themes", []))
    saved = timezone.localtime(version.revision.date_created).strftime("%Y-%m-%d %H:%M")
    record_step(current, user, WorkflowEvent.Action.RESTORED, f"恢复到 {saved} 保存的版本")
    return current
