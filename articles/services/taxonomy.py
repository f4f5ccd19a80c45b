"""Edits to what stories are filed under and signed by — sections, authors, regions, themes,
tags — made in their admins. Each save or delete re-indexes the stories whose search words it
changes, moves their updated time (feeds, sitemaps and list validators read it) and moves their
cache tags, like every other service."""

from django.db import transaction
from taggit.models import Tag

from articles import cachetags, search
from articles.models import Article, Author, Section
from articles.search import segment
from regions import coverage
from regions.models import Region, Theme

from .derived import touch_listed
from .tagging import tag_rename

# The fields whose words go into the stories' search entries (or the segmenter's dictionary).
SEARCHED = {
    Author: {"name"},
    Tag: {"name"},
    Region: {"name", "aliases"},
    Theme: {"name", "keywords"},
    Section: set(),
}


def _stories(obj):
    if isinstance(obj, Section):
        return Article.objects.filter(section=obj)
    if isinstance(obj, Author):
        return Article.objects.by_author(obj)
    if isinstance(obj, Tag):
        return Article.objects.tagged(obj)
    if isinstance(obj, Region):
        return Article.objects.in_region(obj)
    return Article.objects.filter(themes=obj)


@transaction.atomic
def taxonomy_save(*, obj, changed=(), user=None):
    """Save `obj` as edited; `changed` names the fields that changed (a new object: all)."""
    changed = set(changed)
    if isinstance(obj, Tag) and obj.pk and "name" in changed:
        # A tag is named in stories' edit forms: the rename moves their lock versions.
        name = obj.name
        obj.name = Tag.objects.get(pk=obj.pk).name
        return tag_rename(tag=obj, name=name, user=user)
    obj.save()
    words_changed = bool(changed & SEARCHED[type(obj)])
    if isinstance(obj, Region | Theme) and words_changed:
        segment.reset()  # the dictionary holds their names and aliases or keywords
    if isinstance(obj, Region) and "parent" in changed:
        coverage.rebuild()  # stories now count for other regions above this one
    stories = list(_stories(obj).values_list("pk", flat=True)) if obj.pk else []
    if words_changed:
        for article in Article.objects.filter(pk__in=stories):
            search.index_article(article)
    touch_listed(stories)
    cachetags.subject_changed(obj)
    return obj


@transaction.atomic
def taxonomy_delete(*, objs, user=None) -> int:
    """Delete these (stories filed under them are re-indexed and their lists move)."""
    stories, searched = set(), set()
    for obj in objs:
        filed = set(_stories(obj).values_list("pk", flat=True))
        stories |= filed
        if SEARCHED[type(obj)]:
            searched |= filed
        cachetags.subject_changed(obj)
        obj.delete()
    if any(isinstance(obj, Region | Theme) for obj in objs):
        segment.reset()  # their words leave the dictionary
        coverage.rebuild()
    for article in Article.objects.filter(pk__in=searched):
        search.index_article(article)
    touch_listed(stories)
    return len(objs)
