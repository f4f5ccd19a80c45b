"""The page cache's tags for the desk's content (newsroom/pagecache/), in one place.

- Rows name themselves: a story, section, author, tag, region or theme loaded while a reader's
  page is made adds `article:12`, `section:3`, `author:7`, `tag:9`, `region:4`, `theme:2`.
- Lists name themselves where the queryset is narrowed (ArticleQuerySet.in_section …):
  `list:section:3`, `list:region:4`, `list:theme:2`, `list:tag:9`, `list:author:7`,
  `list:latest` (home, the site's feed), `list:month:2026-11` (a sitemap), `list:all` (any
  published story: search, counts), and the catalogues `list:sections`, `list:regions` ….
- A change to a story touches the story and every list it is in or was in (the lists it was
  in are remembered, so a story moved to another section leaves the old section's list).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models.signals import post_init
from taggit.models import Tag

from articles.models import Article, Author, Section
from newsroom import pagecache
from newsroom.pagecache.tags import collecting_now
from regions.models import Region, Theme

PREFIXES = {
    Article: "article",
    Section: "section",
    Author: "author",
    Tag: "tag",
    Region: "region",
    Theme: "theme",
}
BEIJING = ZoneInfo(settings.TIME_ZONE)
CATALOGUES = {model: f"list:{prefix}s" for model, prefix in PREFIXES.items()}


def tag_of(obj) -> str:
    return f"{PREFIXES[type(obj)]}:{obj.pk}"


def _declare(sender, instance, **kwargs):
    if instance.pk is not None and collecting_now():
        pagecache.depends_on(f"{PREFIXES[sender]}:{instance.pk}")


def connect() -> None:
    """Rows loaded while a page is made name themselves (called from ArticlesConfig.ready)."""
    for model in PREFIXES:
        post_init.connect(_declare, sender=model, dispatch_uid=f"cachetags-{model.__name__}")


def catalogue(model) -> None:
    """What is being made lists every row of `model` (the navigation, a sitemap)."""
    pagecache.depends_on(CATALOGUES[model])


def month_tag(moment: datetime) -> str:
    return f"list:month:{moment.astimezone(BEIJING):%Y-%m}"


def story_lists(article: Article) -> set[str]:
    """Every list a published `article` is in: the site's, its section's, month's, regions'
    (and the regions above them), themes', tags' and authors'."""
    lists = {"list:latest", "list:all", f"list:section:{article.section_id}"}
    if article.published_at:
        lists.add(month_tag(article.published_at))
    tree = Region.objects.tree()
    for region_id in article.regions.values_list("pk", flat=True):
        lists.update(f"list:region:{pk}" for pk in tree.above(region_id))
    lists.update(f"list:theme:{pk}" for pk in article.themes.values_list("pk", flat=True))
    lists.update(f"list:tag:{pk}" for pk in article.tags.values_list("pk", flat=True))
    lists.update(f"list:author:{pk}" for pk in article.bylines.values_list("author_id", flat=True))
    return lists


def article_changed(article: Article) -> None:
    """The story changed (an edit, a publish, a withdrawal …): it and every list it was or is
    in are made again after the commit."""
    shown = article.status == Article.Status.PUBLISHED
    pagecache.changed(tag_of(article), story_lists(article) if shown else ())


def article_gone(article: Article) -> None:
    """The story is being deleted: it and the lists it was in change."""
    pagecache.changed(tag_of(article), ())


def articles_changed(ids) -> None:
    """What these stories show changed (a tag renamed, say), not where they are listed."""
    pagecache.changed_many(f"article:{pk}" for pk in ids)


def articles_shown_changed(ids) -> None:
    """Only what these stories' own pages show changed (their related stories)."""
    pagecache.invalidate({f"article:{pk}" for pk in ids})


def subject_changed(obj) -> None:
    """A section, author, tag, region or theme was saved or deleted: its own pages, its list
    and every list of all of them (the navigation, the sitemaps) change."""
    kind = PREFIXES[type(obj)]
    pagecache.invalidate({f"{kind}:{obj.pk}", f"list:{kind}:{obj.pk}", CATALOGUES[type(obj)]})


# What the page cache asks (settings.PAGE_CACHE_CONTENT): the schedule.


def scheduled_between(since: datetime | None, until: datetime) -> set[str]:
    """The tags of stories whose scheduled time falls in (since, until]: they go live."""
    stories = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=until)
    if since is not None:
        stories = stories.filter(published_at__gt=since)
    else:
        stories = stories.none()
    found = set()
    for article in stories.only("pk", "section_id", "published_at")[:1000]:
        found |= {tag_of(article), *story_lists(article)}
    return found


def next_scheduled(after: datetime) -> datetime | None:
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=after)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
