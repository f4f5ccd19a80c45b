"""Writes that span several models. Callable from the admin, a command or a test alike."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import reversion
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

from newsroom import pagecache
from regions import coverage

from . import search
from .html import clean_body
from .models import (
    Article,
    Author,
    Byline,
    Correction,
    PreviewLink,
    PrintPage,
    SearchEntry,
    TaggedArticle,
    WorkflowEvent,
)
from .slugs import pinyin_slug
from .workflow import TRANSITIONS


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
    headline: str,
    section,
    body: str = "",
    bylines: Iterable[tuple[Author, str]] = (),
    tags: Iterable[str] = (),
    regions: Iterable = (),
    themes: Iterable = (),
    user=None,
    **fields,
) -> Article:
    """A new article with its bylines, tags, regions and themes, all or nothing; its first version."""
    article = Article(headline=headline, section=section, body=clean_body(body), **fields)
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


def article_derived_refresh(article: Article) -> None:
    """Bring what is derived from an article in step with it: its search entry, and the
    coverage counts of the day it was counted in before and of its day now."""
    counted_before = (
        SearchEntry.objects.filter(article_id=article.pk)
        .values_list("published_at", flat=True)
        .first()
    )
    search.index_article(article)
    coverage.refresh_days([counted_before, article.published_at])
    if article.status in (Article.Status.PUBLISHED, Article.Status.WITHDRAWN):
        pagecache.content_changed()  # readers' pages (and a scheduled time) changed


@transaction.atomic
def article_set_bylines(*, article: Article, bylines: Iterable[tuple[Author, str]]) -> None:
    """Replace the article's bylines, keeping the order given."""
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author=author, role=role, order=index)
        for index, (author, role) in enumerate(bylines)
    )


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
    _apply(article, user=user)
    return correction


# --- Workflow --------------------------------------------------------------------------------


class TransitionRefused(Exception):
    """A workflow step the user may not take, or not now. The message is for the user."""


class EditConflict(Exception):
    """Someone saved the article after the form was opened."""

    def __init__(self, current: Article):
        self.current = current
        super().__init__("稿件已被他人修改")


def _locked(article: Article) -> Article:
    """The article's row, locked for the rest of the transaction, as it is now."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _apply(article: Article, *, user, **changes) -> None:
    """Write `changes` and bump the lock version in one UPDATE; keep `article` in step."""
    now = timezone.now()
    changes |= {"updated_at": now, "updated_by": user}
    Article.objects.filter(pk=article.pk).update(lock_version=F("lock_version") + 1, **changes)
    for name, value in changes.items():
        setattr(article, name, value)
    article.lock_version += 1


def _transition(article: Article, user, name: str) -> Article:
    current = _locked(article)
    refusal = TRANSITIONS[name].refusal(user, current)
    if refusal:
        raise TransitionRefused(refusal)
    return current


def _record(article: Article, user, action: str, note: str = "", at=None) -> WorkflowEvent:
    article_derived_refresh(article)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            f"{WorkflowEvent.Action(action).label}{('：' + note) if note else ''}"
        )
        reversion.add_to_revision(article)
    return WorkflowEvent.objects.create(
        article=article, action=action, actor=user, note=note, at=at or timezone.now()
    )


def _sync(target: Article, source: Article) -> None:
    for name in ("status", "published_at", "updated_at", "updated_by", "lock_version"):
        setattr(target, name, getattr(source, name))


def _move(article: Article, user, name: str, status: str, action: str, note: str = "") -> Article:
    """One workflow step: check it, change the status, record who and when, keep a version."""
    current = _transition(article, user, name)
    _apply(current, user=user, status=status)
    _record(current, user, action, note)
    _sync(article, current)
    return article


def _required(text: str, message: str) -> str:
    if not text.strip():
        raise TransitionRefused(message)
    return text.strip()


@transaction.atomic
def article_submit(*, article: Article, user, note: str = "") -> Article:
    """A reporter sends a draft to the editors."""
    return _move(
        article, user, "submit", Article.Status.REVIEW, WorkflowEvent.Action.SUBMITTED, note
    )


@transaction.atomic
def article_return(*, article: Article, user, note: str) -> Article:
    """An editor sends a story back to its reporter (or a scheduled one off the schedule)."""
    note = _required(note, "退回时请写明需要修改的地方。")
    return _move(article, user, "return", Article.Status.DRAFT, WorkflowEvent.Action.RETURNED, note)


@transaction.atomic
def article_approve(*, article: Article, user, note: str = "") -> Article:
    """An editor passes a story for publication."""
    return _move(
        article, user, "approve", Article.Status.APPROVED, WorkflowEvent.Action.APPROVED, note
    )


@transaction.atomic
def article_publish(*, article: Article, user, at=None) -> Article:
    """The duty editor publishes now, or at `at`: the visibility rule does the rest, no worker."""
    current = _transition(article, user, "publish")
    now = timezone.now()
    when = at or now
    _apply(current, user=user, status=Article.Status.PUBLISHED, published_at=when)
    if when > now:
        local = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
        _record(current, user, WorkflowEvent.Action.SCHEDULED, f"定于北京时间 {local} 发布")
    else:
        _record(current, user, WorkflowEvent.Action.PUBLISHED)
    _sync(article, current)
    return article


@transaction.atomic
def article_withdraw(*, article: Article, user, reason: str) -> Article:
    """The duty editor takes a story down; its URL answers 410 from now on."""
    reason = _required(reason, "撤稿时请写明原因。")
    return _move(
        article, user, "withdraw", Article.Status.WITHDRAWN, WorkflowEvent.Action.WITHDRAWN, reason
    )


@transaction.atomic
def article_correct(*, article: Article, user, kind: str, text: str) -> Correction:
    """The duty editor appends a correction or an update, shown on the article page."""
    text = _required(text, "请写明更正或更新的内容。")
    current = _transition(article, user, "correct")
    correction = article_add_correction(article=current, kind=kind, text=text, user=user)
    note = f"{correction.get_kind_display()}：{correction.text}"
    _record(current, user, WorkflowEvent.Action.CORRECTED, note)
    _sync(article, current)
    return correction


def article_apply_transition(*, name: str, article: Article, user, **options):
    """Dispatch by name, for the admin's buttons."""
    service = {
        "submit": article_submit,
        "return": article_return,
        "approve": article_approve,
        "publish": article_publish,
        "withdraw": article_withdraw,
        "correct": article_correct,
    }[name]
    return service(article=article, user=user, **options)


# --- Saving edits without losing any ----------------------------------------------------------

EDITABLE_FIELDS = [
    "kicker",
    "headline",
    "deck",
    "slug",
    "summary",
    "body",
    "source_line",
    "dateline",
    "section",
    "lead_image",
    "lead_image_caption",
    "lead_image_credit",
]


def article_save_edit(*, article: Article, expected_version: int, user) -> Article:
    """Store an edited article only if nobody saved it since `expected_version` was read.

    The check and the write are one UPDATE … WHERE lock_version = expected, so two editors
    saving at the same moment cannot both win, on PostgreSQL or SQLite. Raises EditConflict.
    """
    if not article.slug:
        article.slug = pinyin_slug(article.headline)
    article.body = clean_body(article.body)
    now = timezone.now()
    values = {name: getattr(article, name) for name in EDITABLE_FIELDS}
    updated = Article.objects.filter(pk=article.pk, lock_version=expected_version).update(
        **values, updated_at=now, updated_by=user, lock_version=expected_version + 1
    )
    if not updated:
        raise EditConflict(Article.objects.select_related("updated_by").get(pk=article.pk))
    article.updated_at, article.updated_by, article.lock_version = now, user, expected_version + 1
    return article


# --- Previews ---------------------------------------------------------------------------------

PREVIEW_HOURS = 48


def preview_link_create(*, article: Article, user, hours: int = PREVIEW_HOURS) -> PreviewLink:
    """A shareable preview link for an unpublished article, valid for `hours`."""
    if not user.has_perm("articles.share_preview"):
        raise TransitionRefused("您没有生成预览链接的权限。")
    if not 1 <= hours <= 24 * 14:
        raise TransitionRefused("预览链接的有效期应在 1 小时到 14 天之间。")
    now = timezone.now()
    return PreviewLink.objects.create(
        article=article, created_by=user, created_at=now, expires_at=now + timedelta(hours=hours)
    )


def preview_link_revoke(*, link: PreviewLink, user) -> PreviewLink:
    if not user.has_perm("articles.share_preview"):
        raise TransitionRefused("您没有撤销预览链接的权限。")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


# --- History ----------------------------------------------------------------------------------


@transaction.atomic
def article_restore_version(*, article: Article, version, user) -> Article:
    """Bring back an old version's content as a new save; workflow state stays as it is."""
    from taggit.models import Tag

    from .history import TEXT_FIELDS
    from .permissions import can_edit_article

    current = _locked(article)
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
    changes["slug"] = changes["slug"] or pinyin_slug(changes["headline"])
    if data.get("section_id"):
        changes["section_id"] = data["section_id"]
    changes["lead_image"] = data.get("lead_image", "")
    _apply(current, user=user, **changes)
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
    _record(current, user, WorkflowEvent.Action.RESTORED, f"恢复到 {saved} 保存的版本")
    return current


# --- Print pages ------------------------------------------------------------------------------


@dataclass
class ImportReport:
    print_page: PrintPage | None
    stories: list[dict]
    warnings: list[str]
    duplicate: bool = False
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The report as lines of text, for the command and the admin alike."""
        head = "（试运行，未保存）" if self.dry_run else ""
        if self.duplicate:
            return [f"这一版已经导入过（{self.print_page}），没有新建任何稿件。"]
        out = [f"{head}找到 {len(self.stories)} 篇稿件："]
        for n, story in enumerate(self.stories, start=1):
            mark = "（标题为建议，请编辑确认）" if story["headline_proposed"] else ""
            out.append(
                f"{n}. {story['headline']}{mark}｜{story['byline'] or '无署名'}｜"
                f"{story['chars']} 字｜地区：{story['regions'] or '—'}｜主题：{story['themes'] or '—'}"
                + (f"｜已建草稿 #{story['article_id']}" if story.get("article_id") else "")
            )
        out += [f"提示：{warning}" for warning in self.warnings]
        return out


def print_page_import(
    *, data: bytes, print_date, page: int = 1, section=None, user=None, dry_run: bool = False
) -> ImportReport:
    """Turn one page's OCR text into draft articles, all or nothing, never twice.

    Raises printpage.PrintPageError (a one-line reason) for input that is not a page.
    """
    import hashlib

    from regions.suggest import suggest

    from . import printpage
    from .models import Section

    if user is not None and not user.has_perm("articles.import_printpage"):
        raise TransitionRefused("您没有导入报纸版面的权限。")
    text = printpage.decode(data)
    digest = hashlib.sha256(text.strip().encode()).hexdigest()
    existing = PrintPage.objects.filter(content_hash=digest).first()
    if existing is not None:
        return ImportReport(print_page=existing, stories=[], warnings=[], duplicate=True)
    parsed = printpage.parse(text)
    section = section or Section.objects.order_by("sort_order", "pk").first()
    if section is None:
        raise printpage.PrintPageError("还没有任何栏目：请先在后台建一个栏目。")
    stories = []
    for story in parsed.stories:
        found = suggest(f"{story.headline}\n{story.text}")
        stories.append(
            {
                "story": story,
                "headline": story.headline,
                "headline_proposed": story.headline_proposed,
                "byline": "、".join(name for name, _ in story.bylines),
                "chars": len(story.text),
                "regions": "、".join(r.name for r in found.regions),
                "themes": "、".join(t.name for t in found.themes),
                "found": found,
            }
        )
    report = ImportReport(
        print_page=None, stories=stories, warnings=parsed.warnings, dry_run=dry_run
    )
    if dry_run:
        return report
    with transaction.atomic():
        page_row = PrintPage.objects.create(
            print_date=print_date,
            page=page,
            section=section,
            source_text=text,
            content_hash=digest,
            created_by=user,
        )
        for item in stories:
            story = item["story"]
            body = "\n".join(f"<{kind}>{escape(text)}</{kind}>" for kind, text in story.blocks)
            article = article_create(
                headline=story.headline[:120],
                kicker=story.kicker[:120],
                section=section,
                body=body,
                source_line=story.source_line,
                dateline=story.dateline,
                # A name printed twice in one opener is one byline (dict keeps the order).
                bylines=list(
                    dict.fromkeys(
                        (author_get_or_create(name=name), role) for name, role in story.bylines
                    )
                ),
                regions=item["found"].regions,
                themes=item["found"].themes,
                user=user,
                status=Article.Status.DRAFT,
                print_page=page_row,
            )
            item["article_id"] = article.pk
        report.print_page = page_row
        page_row.report = {"lines": report.lines()}
        page_row.save(update_fields=["report"])
    return report


@transaction.atomic
def articles_delete(*, articles) -> int:
    """Delete articles for good (superusers only, in the admin) and recount their days."""
    days = [article.published_at for article in articles]
    deleted = 0
    for article in articles:
        article.delete()
        deleted += 1
    coverage.refresh_days(days)
    pagecache.content_changed()
    return deleted


@transaction.atomic
def articles_bulk_tag(*, articles, operation: str, region=None, theme=None, tag: str = "") -> int:
    """Add or remove one region, theme or tag on many articles; re-index them and recount their
    days' coverage. Returns how many."""
    articles = list(articles)
    for article in articles:
        if region is not None:
            (article.regions.add if operation == "add" else article.regions.remove)(region)
        elif theme is not None:
            (article.themes.add if operation == "add" else article.themes.remove)(theme)
        elif tag:
            (article.tags.add if operation == "add" else article.tags.remove)(tag)
        search.index_article(article)
    if region is not None or theme is not None:
        coverage.refresh_days(article.published_at for article in articles)
    pagecache.content_changed()
    _touch([article.pk for article in articles])
    return len(articles)


def _touch(article_ids) -> None:
    """Their pages and the lists they join or leave changed: move updated_at, which feeds,
    sitemaps and Last-Modified read. The lock version stays: no edit form's text is stale."""
    Article.objects.filter(pk__in=list(article_ids)).update(updated_at=timezone.now())


# --- Tag clean-up -------------------------------------------------------------------------------


@transaction.atomic
def tags_merge(*, keep, merge) -> int:
    """Fold the tags in `merge` into `keep`: every article keeps every tag it had, under the kept
    name, and is re-indexed. Returns how many articles changed."""
    merge = [tag for tag in merge if tag.pk != keep.pk]
    rows = TaggedArticle.objects.filter(tag__in=merge)
    touched = set(rows.values_list("content_object_id", flat=True))
    already = set(
        TaggedArticle.objects.filter(tag=keep, content_object_id__in=touched).values_list(
            "content_object_id", flat=True
        )
    )
    rows.filter(content_object_id__in=already).delete()
    # One article may hold two of the merged tags: keep one row per article.
    for article_id in touched - already:
        first, *extra = TaggedArticle.objects.filter(tag__in=merge, content_object_id=article_id)
        first.tag = keep
        first.save(update_fields=["tag"])
        TaggedArticle.objects.filter(pk__in=[row.pk for row in extra]).delete()
    for tag in merge:
        tag.delete()
    for article in Article.objects.filter(pk__in=touched):
        search.index_article(article)
    pagecache.content_changed()
    _touch(touched)
    return len(touched)


@transaction.atomic
def tag_rename(*, tag, name: str):
    """Rename a tag; if the new name is another tag's, the two are merged."""
    from taggit.models import Tag

    name = name.strip()
    if not name:
        raise TransitionRefused("标签名不能为空。")
    existing = Tag.objects.filter(name__iexact=name).exclude(pk=tag.pk).first()
    if existing is not None:
        tags_merge(keep=existing, merge=[tag])
        return existing
    tag.name = name
    base = tag.slugify(name)
    tag.slug, n = base, 1
    while Tag.objects.filter(slug=tag.slug).exclude(pk=tag.pk).exists():
        n += 1
        tag.slug = f"{base}_{n}"
    tag.save()
    tagged = list(Article.objects.filter(tags=tag))
    for article in tagged:
        search.index_article(article)
    pagecache.content_changed()
    _touch(article.pk for article in tagged)
    return tag
