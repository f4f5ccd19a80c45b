"""Restoring an old version of an article as a new save."""

from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from articles.html import clean_body
from articles.models import (
    BODY_MAX_CHARS,
    Article,
    Author,
    Byline,
    TaggedArticle,
    WorkflowEvent,
    body_length,
)
from articles.slugs import pinyin_slug

from .base import TransitionRefused, apply_changes, locked, record_step
from .editing import article_set_bylines
from .permissions import can_edit_article
from .versions import TEXT_FIELDS


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
