"""Creating, editing and deleting articles, their bylines and corrections."""

from collections.abc import Iterable
from dataclasses import dataclass, replace

import reversion
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles import cachetags
from articles.html import clean_body
from articles.models import EDITABLE_FIELDS, Article, Author, Byline, Correction
from articles.slugs import pinyin_slug
from regions import coverage

from . import versions as history
from .base import EditConflict, apply_changes
from .derived import article_derived_refresh
from .merge import ArticleState, merge


def author_get_or_create(*, name: str, bio: str = "", slug: str = "") -> Author:
    """The author on file with this name, or a new one with a pinyin slug."""
    name = name.strip()
    author = Author.objects.filter(name=name).order_by("pk").first()
    if author is None:
        author = Author(name=name, bio=bio, slug=slug)
        author.full_clean()  # a slug given by the caller must be URL-safe; a blank one is made
        author.save()
    return author


@transaction.atomic
def article_create(
    *,
    article: Article | None = None,
    bylines: Iterable[tuple[Author, str]] = (),
    tags: Iterable[str] = (),
    regions: Iterable = (),
    themes: Iterable = (),
    user=None,
    **fields,
) -> Article:
    """A new article with its bylines, tags, regions and themes, all or nothing; its first
    version. `fields` are the article's own (headline, section, body …); the admin passes the
    unsaved `article` its form built instead (an uploaded lead image is stored on save)."""
    if article is None:
        article = Article(**fields)
    else:
        for name, value in fields.items():
            setattr(article, name, value)
    article.body = clean_body(article.body)
    article.created_by = article.updated_by = user
    article.full_clean()  # a slug given by the caller must be URL-safe; a blank one is made
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment("新建稿件")
        article.save()
        article_set_bylines(article=article, bylines=bylines)
        article.tags.set(list(tags))
        article.regions.set(list(regions))
        article.themes.set(list(themes))
        article_derived_refresh(article)
    return article


@transaction.atomic
def article_set_bylines(*, article: Article, bylines: Iterable[tuple]) -> None:
    """Give the article these bylines, (author or author id, role), in this order. Rows that stay
    keep their ids, so an edit form opened before still names them."""
    wanted = [(getattr(author, "pk", author), role) for author, role in bylines]
    wanted = list(dict.fromkeys(wanted))  # one author in one role once
    existing = {(b.author_id, b.role): b for b in article.bylines.all()}
    Byline.objects.filter(
        pk__in=[b.pk for key, b in existing.items() if key not in wanted]
    ).delete()
    for order, (author_id, role) in enumerate(wanted):
        row = existing.get((author_id, role))
        if row is None:
            Byline.objects.create(article=article, author_id=author_id, role=role, order=order)
        elif row.order != order:
            row.order = order
            row.save(update_fields=["order"])


@transaction.atomic
def article_add_correction(
    *, article: Article, kind: str, text: str, at=None, user=None
) -> Correction:
    """Append a correction or update, shown on the article page, and touch its updated time.

    No permission check: the desk's route is `article_correct`; this is for loaders and it.
    """
    correction = Correction(article=article, kind=kind, text=text, created_at=at or timezone.now())
    correction.full_clean()
    correction.save()
    apply_changes(article, user=user)
    return correction


@dataclass
class EditResult:
    article: Article
    merged: tuple[str, ...] = ()  # fields others changed since the form was opened, kept
    others: tuple[str, ...] = ()  # who saved in between


SAVE_ATTEMPTS = 3


def article_save_edit(
    *,
    article: Article,
    base_version: int,
    user,
    tags: Iterable[str] | None = None,
    regions: Iterable | None = None,
    themes: Iterable | None = None,
    bylines: Iterable[tuple] | None = None,
    keep_theirs: Iterable[str] = (),
) -> EditResult:
    """Save an edit made on a form opened at `base_version`, merged with whatever was saved
    since: a field only one side changed takes that side's value, tags, regions, themes and
    bylines merge as sets. Fields both sides changed differently raise EditConflict (nothing is
    written); `keep_theirs` names those the user then chose to leave as the others saved them.

    `article` carries the user's values for the edit form's fields (an uncommitted lead image
    is a new upload); a relation given as None was not part of the edit. The write is one
    UPDATE … WHERE lock_version = the version merged with, so two saves at the same moment
    cannot both win: the later one merges again with the earlier one's result.
    """
    for _attempt in range(SAVE_ATTEMPTS):
        try:
            with transaction.atomic():
                return _save_edit(
                    article,
                    base_version=base_version,
                    user=user,
                    relations={"tags": tags, "regions": regions, "themes": themes},
                    bylines=bylines,
                    keep_theirs=set(keep_theirs),
                )
        except _Raced:
            continue
    raise EditConflict(Article.objects.select_related("updated_by").get(pk=article.pk))


class _Raced(Exception):
    """Another save committed between reading the row and writing it (SQLite takes no row
    lock): merge again with what it wrote."""


def _mine(article: Article, base, relations: dict, bylines, keep_theirs: set) -> ArticleState:
    values = {name: getattr(article, name) for name in EDITABLE_FIELDS}
    values["section"] = article.section_id
    values["body"] = clean_body(values["body"] or "")
    lead = article.lead_image
    values["lead_image"] = lead if (lead and not lead._committed) else (lead.name or "")
    sets = {}
    for name, given in relations.items():
        if given is None:
            sets[name] = getattr(base, name)
        elif name == "tags":
            sets[name] = frozenset(str(tag).strip() for tag in given if str(tag).strip())
        else:
            sets[name] = frozenset(getattr(item, "pk", item) for item in given)
    lines = (
        base.bylines
        if bylines is None
        else tuple(dict.fromkeys((getattr(a, "pk", a), role) for a, role in bylines))
    )
    for name in keep_theirs & set(values):
        values[name] = base.values.get(name)
    return ArticleState(values=values, bylines=lines, **sets)


_UNKNOWN = object()  # a base value that equals nothing: both sides count as changed


def _save_edit(article, *, base_version, user, relations, bylines, keep_theirs) -> EditResult:
    current = (
        Article.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=article.pk)
    )
    theirs = history.article_state(current)
    base_row = None
    if current.lock_version == base_version:
        base = theirs
    else:
        base_row = history.version_for_lock(current, base_version)
        if base_row is not None:
            base = history.version_state(base_row)
        else:
            # The form's version was never kept: every field the user's form holds differently
            # from the row is a conflict the user resolves; relations are the user's as sent.
            base = replace(theirs, values=dict.fromkeys(theirs.values, _UNKNOWN))
    mine = _mine(article, base, relations, bylines, keep_theirs)
    result = merge(base, theirs, mine)
    if result.conflicts:
        raise EditConflict(
            current,
            conflicts=result.conflicts,
            result=result,
            base=base,
            mine=mine,
            theirs=theirs,
            base_row=base_row,
        )
    state = result.state
    changes = {name: state.values[name] for name in result.mine if name in state.values}
    upload = changes.pop("lead_image", None)
    if upload is not None and not isinstance(upload, str):
        article.lead_image.save(upload.name, upload, save=False)  # through the storage API
        changes["lead_image"] = article.lead_image.name
    elif upload is not None:
        changes["lead_image"] = upload
    if "section" in changes:
        changes["section_id"] = changes.pop("section")
    if "slug" in changes or "headline" in changes:
        slug = changes.get("slug", current.slug)
        changes["slug"] = slug or pinyin_slug(changes.get("headline", current.headline))
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean(exclude=[f.name for f in Article._meta.fields if f.name not in changes])
    now = timezone.now()
    written = Article.objects.filter(pk=current.pk, lock_version=current.lock_version).update(
        **changes, updated_at=now, updated_by=user, lock_version=F("lock_version") + 1
    )
    if not written:
        raise _Raced
    current.updated_at, current.updated_by = now, user
    current.lock_version += 1
    if state.tags != theirs.tags:
        current.tags.set(sorted(state.tags))
    if state.regions != theirs.regions:
        current.regions.set(state.regions)
    if state.themes != theirs.themes:
        current.themes.set(state.themes)
    if state.bylines != theirs.bylines:
        article_set_bylines(article=current, bylines=state.bylines)
    others = history.saved_by_since(current, base_row) if base_row is not None else ()
    # Others' changes are known only against a kept base; without one nothing is claimed.
    merged = tuple(sorted(result.theirs)) if base_row is not None else ()
    comment = "编辑保存"
    if merged:
        comment += f"（与 {'、'.join(others) or '他人'} 的修改合并）"
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(current)
    article_derived_refresh(current)
    for field in Article._meta.concrete_fields:
        setattr(article, field.attname, getattr(current, field.attname))
    return EditResult(article=current, merged=merged, others=tuple(others))


@transaction.atomic
def correction_edit(*, correction: Correction, user=None, delete: bool = False) -> None:
    """A correction's text mended (or removed) in its admin: the article's page changed."""
    article = correction.article
    if delete:
        correction.delete()
    else:
        correction.full_clean()
        correction.save()
    apply_changes(article, user=user)
    article_derived_refresh(article)


@transaction.atomic
def articles_delete(*, articles) -> int:
    """Delete articles for good (superusers only, in the admin) and recount their days."""
    days = [article.published_at for article in articles]
    deleted = 0
    for article in articles:
        cachetags.article_gone(article)
        article.delete()
        deleted += 1
    coverage.refresh_days(days)
    return deleted
