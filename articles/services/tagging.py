"""Bulk tagging and tag clean-up: each moves what it touches through the derived refresh."""

from django.db import transaction
from django.db.models import Count

from articles import cachetags, search
from articles.models import Article, TaggedArticle
from regions import coverage

from .base import TransitionRefused
from .derived import touch
from .related import article_related_refresh


@transaction.atomic
def articles_bulk_tag(
    *, articles, operation: str, region=None, theme=None, tag: str = "", user=None
) -> int:
    """Add or remove one region, theme or tag on many articles; re-index them, recount their
    days' coverage and score their related stories afresh. Returns how many."""
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
    what = region or theme or tag
    touch(
        [article.pk for article in articles],
        user=user,
        comment=f"批量{'添加' if operation == 'add' else '移除'}：{what}",
    )
    for article in articles:  # their rows are locked now, by touch()'s UPDATE
        article_related_refresh(article)
    return len(articles)


def tidy_tag_name(name: str) -> str:
    """A tag's name without stray spaces: none at the ends, one at most between words."""
    return " ".join(name.split())


def tag_to_keep(tags):
    """Of tags about to be merged, the one whose spelling stays: the most used; on a tie, one
    written without stray spaces; then the first by name."""
    uses = dict(
        TaggedArticle.objects.filter(tag__in=tags)
        .values_list("tag")
        .annotate(n=Count("content_object", distinct=True))
    )
    return min(tags, key=lambda t: (-uses.get(t.pk, 0), t.name != tidy_tag_name(t.name), t.name))


@transaction.atomic
def tags_merge_as(*, tags, name: str = "", user=None):
    """Merge `tags` into one, named `name` (stripped), or without a name the spelling
    `tag_to_keep` chooses, tidied. Returns the kept tag and how many articles' tags changed."""
    tags = list(tags)
    if len(tags) < 2:
        raise TransitionRefused("合并请至少勾选两个标签。")
    name = tidy_tag_name(name)
    keep = next((t for t in tags if t.name == name), None) or tag_to_keep(tags)
    final = name or tidy_tag_name(keep.name)
    renamed = [t for t in tags if t.name != final]
    changed = set(
        TaggedArticle.objects.filter(tag__in=renamed).values_list("content_object_id", flat=True)
    )
    tags_merge(keep=keep, merge=tags, user=user)
    if keep.name != final:
        keep = tag_rename(tag=keep, name=final, user=user)
    return keep, len(changed)


@transaction.atomic
def tags_merge(*, keep, merge, user=None) -> int:
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
        cachetags.subject_changed(tag)
        tag.delete()
    for article in Article.objects.filter(pk__in=touched):
        search.index_article(article)
    touch(touched, user=user, comment=f"标签合并为“{keep.name}”")
    return len(touched)


@transaction.atomic
def tag_rename(*, tag, name: str, user=None):
    """Rename a tag; if the new name is another tag's, the two are merged."""
    from taggit.models import Tag

    name = tidy_tag_name(name)
    if not name:
        raise TransitionRefused("标签名不能为空。")
    existing = Tag.objects.filter(name__iexact=name).exclude(pk=tag.pk).first()
    if existing is not None:
        tags_merge(keep=existing, merge=[tag], user=user)
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
    cachetags.subject_changed(tag)
    touch((article.pk for article in tagged), user=user, comment=f"标签改名为“{tag.name}”")
    return tag
