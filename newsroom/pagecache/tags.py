"""What a page or fragment is made from, as tags, collected while it is made.

Readers' data declares itself where it is read: a model row loaded while a page is made adds
its tag (`article:123`, `section:5` …; articles/cachetags.py connects the models), and a query
for a list adds the list's tag (`list:section:5`) where the queryset is narrowed. A fragment
collects its own tags and hands them to the page around it, so a page served whole carries
every tag of everything on it.
"""

import contextvars
from contextlib import contextmanager

# A page listing more stories than this (a sitemap, say) depends on every story instead of
# naming each: `list:all` moves whenever any published story changes.
MAX_STORY_TAGS = 200
STORY_PREFIX = "article:"
EVERY_STORY = "list:all"
SITE = "site"  # on every cached answer: purging it empties a front cache (after a deploy)


class _Collector:
    __slots__ = ("parent", "tags")

    def __init__(self, parent):
        self.tags: set[str] = set()
        self.parent = parent


_current: contextvars.ContextVar[_Collector | None] = contextvars.ContextVar(
    "cache_tags", default=None
)


def depends_on(*tags: str) -> None:
    """What is being made shows what these tags name (nothing happens outside a page)."""
    collector = _current.get()
    if collector is not None:
        collector.tags.update(tags)


_rows_unnamed: contextvars.ContextVar[bool] = contextvars.ContextVar("rows_unnamed", default=False)


def collecting_now() -> bool:
    """Whether rows loaded now should name themselves (a page is being made)."""
    return _current.get() is not None and not _rows_unnamed.get()


@contextmanager
def rows_unnamed():
    """Rows loaded inside do not name themselves: for a long list (a month's sitemap) that
    declares its list's tag instead, which every change to a story in it moves."""
    token = _rows_unnamed.set(True)
    try:
        yield
    finally:
        _rows_unnamed.reset(token)


@contextmanager
def collecting():
    """Collect the tags declared inside; they also count for the page or fragment around."""
    collector = _Collector(_current.get())
    token = _current.set(collector)
    try:
        yield collector.tags
    finally:
        _current.reset(token)
        if collector.parent is not None:
            collector.parent.tags |= collector.tags


def compact(tags) -> tuple[str, ...]:
    """The tags to store: at most MAX_STORY_TAGS stories named one by one."""
    tags = set(tags)
    stories = [tag for tag in tags if tag.startswith(STORY_PREFIX)]
    if len(stories) > MAX_STORY_TAGS:
        tags.difference_update(stories)
        tags.add(EVERY_STORY)
    return tuple(sorted(tags))
