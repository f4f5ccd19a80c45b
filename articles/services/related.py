"""Related stories, stored: each story's list is scored when it is published or edited, not on
every request of its page (`RelatedArticle`, read by `articles.site.selectors`).

The rules are those the page used to apply per request: a candidate scores 2 for each theme it
shares with the story, 1 for each region and 3 for each tag; the highest scores come first,
the newest among equal scores. Candidates are the newest `RELATED_CANDIDATES` published stories
and as many published just before the story, never the whole archive.

A list keeps `RELATED_KEPT` stories, twice what the page shows, so that a story leaving it
(withdrawn) leaves the page with a full list without recomputing anyone's. What follows a
change, in the service's transaction:

- the story's own list is scored afresh (`article_related_refresh`, from every service through
  `derived.article_derived_refresh`);
- a withdrawn story leaves every list at once, and loses its own; a scheduled one taken back
  to the desk leaves every list;
- a published or scheduled story is merged into the lists of the stories its own list names,
  with the same score (shared subjects count the same both ways): yesterday's story on the
  subject links to today's. A scheduled one is kept out of pages by the visibility rule until
  its time, then appears without a worker. Lists further away, and those naming a story whose
  subjects an edit took away, catch up when they are next refreshed or with
  `manage.py refresh_related`;
- bulk tagging scores the tagged stories' lists afresh; a tag merge or rename, or a deleted
  region, theme or tag, changes scores only slightly and leaves lists until their next refresh
  (the rows name stories, not subjects, so nothing they point to goes stale);
- a deleted story's rows go with it (Django's cascade).

`articles_related_refresh_all` (the command, the demo loader, the corpus generator and the
migration that made the table) scores every story in one pass in publication order, with each
candidate's subjects read once, instead of three queries per story.
"""

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db import connection, transaction
from django.db.models import Q

from articles import cachetags
from articles.models import Article, RelatedArticle, TaggedArticle

RELATED_CANDIDATES = 500
RELATED_KEPT = 10
THEME_WEIGHT, REGION_WEIGHT, TAG_WEIGHT = 2, 1, 3


@dataclass(frozen=True)
class Subjects:
    """What a story is filed under, by id."""

    themes: frozenset[int] = frozenset()
    regions: frozenset[int] = frozenset()
    tags: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.themes or self.regions or self.tags)

    @cached_property
    def weighted(self) -> tuple[tuple[tuple[str, int], int], ...]:
        """Each subject with the weight sharing it scores: ((kind, id), weight)."""
        return (
            *((("theme", pk), THEME_WEIGHT) for pk in self.themes),
            *((("region", pk), REGION_WEIGHT) for pk in self.regions),
            *((("tag", pk), TAG_WEIGHT) for pk in self.tags),
        )

    def score(self, other: "Subjects") -> int:
        return (
            THEME_WEIGHT * len(self.themes & other.themes)
            + REGION_WEIGHT * len(self.regions & other.regions)
            + TAG_WEIGHT * len(self.tags & other.tags)
        )


NOTHING = Subjects()


@dataclass(frozen=True)
class Candidate:
    pk: int
    published_at: datetime
    subjects: Subjects = NOTHING


@dataclass(frozen=True)
class Scored:
    pk: int
    published_at: datetime
    score: int

    @property
    def order(self):
        """Higher first: the score, then the newer story, then the later id."""
        return (self.score, self.published_at, self.pk)


def best(scored: Iterable[Scored], keep: int = RELATED_KEPT) -> list[Scored]:
    return heapq.nlargest(keep, scored, key=lambda s: s.order)


def ranked(mine: Subjects, candidates: Iterable[Candidate]) -> list[Scored]:
    """The best-scoring candidates for a story filed under `mine`, best first; none scores 0."""
    scored = []
    for candidate in candidates:
        score = mine.score(candidate.subjects)
        if score:
            scored.append(Scored(candidate.pk, candidate.published_at, score))
    return best(scored)


# What a story is filed under: (Subjects field, through model, story column, subject column).
_FILED = [
    ("themes", Article.themes.through, "article_id", "theme_id"),
    ("regions", Article.regions.through, "article_id", "region_id"),
    ("tags", TaggedArticle, "content_object_id", "tag_id"),
]


def subjects_of(ids: Iterable[int], *, within: Subjects | None = None) -> dict[int, Subjects]:
    """The subjects of these stories (three queries); with `within`, only those among its."""
    ids = list(ids)
    found: dict[int, dict[str, set]] = {}
    for name, through, owner, column in _FILED:
        rows = through.objects.filter(**{f"{owner}__in": ids})
        if within is not None:
            wanted = getattr(within, name)
            if not wanted:
                continue
            rows = rows.filter(**{f"{column}__in": wanted})
        for story, subject in rows.values_list(owner, column):
            found.setdefault(story, {}).setdefault(name, set()).add(subject)
    return {
        story: Subjects(**{name: frozenset(values) for name, values in sets.items()})
        for story, sets in found.items()
    }


def _candidates(article: Article, mine: Subjects) -> list[Candidate]:
    """The newest published stories and those published just before `article`, with the
    subjects they share with it."""
    published = Article.objects.published().exclude(pk=article.pk)
    times = dict(published.values_list("pk", "published_at")[:RELATED_CANDIDATES])
    if article.published_at:
        before = published.filter(published_at__lte=article.published_at)
        times.update(before.values_list("pk", "published_at")[:RELATED_CANDIDATES])
    shared = subjects_of(times, within=mine)
    return [Candidate(pk, times[pk], subjects) for pk, subjects in shared.items()]


def score_related(article: Article) -> list[Scored]:
    """The story's related stories as they score now, best first (nothing is stored)."""
    mine = subjects_of([article.pk]).get(article.pk, NOTHING)
    return ranked(mine, _candidates(article, mine)) if mine else []


def _store(lists: dict[int, list[Scored]]) -> None:
    """Replace these stories' lists (story id → its related stories, best first)."""
    if not lists:
        return
    RelatedArticle.objects.filter(article_id__in=list(lists)).delete()
    rows = [
        (owner, entry.pk, rank, entry.score)
        for owner, entries in lists.items()
        for rank, entry in enumerate(entries)
    ]
    # Plain rows, not model instances: the one-pass refresh writes ten per story (on
    # PostgreSQL with COPY, several times faster than INSERTs).
    table = connection.ops.quote_name(RelatedArticle._meta.db_table)
    columns = "(article_id, related_id, rank, score)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s)", rows)


@transaction.atomic
def article_related_refresh(article: Article) -> None:
    """Score the story's related stories afresh and store them; merge it into the lists of
    the stories it names (published or scheduled); a withdrawn story leaves every list, and
    its own; one taken back to the desk leaves every list.

    Called by the services with the story's row locked (or new), which keeps two writers of
    its list apart; the lists merged into are locked here, skipping any another step holds
    (that step is rewriting that story's list itself)."""
    if article.status == Article.Status.WITHDRAWN:
        RelatedArticle.objects.filter(Q(article=article) | Q(related=article)).delete()
        return
    chosen = score_related(article)
    _store({article.pk: chosen})
    if article.status != Article.Status.PUBLISHED:
        # Taken off the schedule: out of the lists it was merged into.
        RelatedArticle.objects.filter(related=article).delete()
    elif chosen:
        _merge_into_neighbours(article, chosen)


def _merge_into_neighbours(article: Article, chosen: list[Scored]) -> None:
    """Put the story into the lists of the stories it names, with the score it has in its
    own list (shared subjects count the same both ways)."""
    score = {entry.pk: entry.score for entry in chosen}
    free = (
        Article.objects.select_for_update(skip_locked=True)
        .filter(pk__in=list(score))
        .values_list("pk", flat=True)
    )
    lists = {pk: [] for pk in free}
    rows = RelatedArticle.objects.filter(article_id__in=list(lists)).values_list(
        "article_id", "related_id", "related__published_at", "score"
    )
    for owner, pk, published_at, kept in rows.order_by("article_id", "rank"):
        lists[owner].append(Scored(pk, published_at, kept))
    changed = {}
    for owner, entries in lists.items():
        me = Scored(article.pk, article.published_at, score[owner])
        merged = best([*(entry for entry in entries if entry.pk != article.pk), me])
        if merged != entries:
            changed[owner] = merged
    _store(changed)
    cachetags.articles_shown_changed(changed)  # their pages list it now


def _published_in_order(batch: int) -> Iterator[Candidate]:
    """Every published story, newest first, with its subjects, read `batch` at a time."""
    stories = Article.objects.published().order_by("-published_at", "-pk")
    stories = stories.values_list("pk", "published_at")
    last = None
    while True:
        page = stories
        if last is not None:
            page = stories.filter(published_at__lte=last[1]).exclude(
                published_at=last[1], pk__gte=last[0]
            )
        rows = list(page[:batch])
        if not rows:
            return
        subjects = subjects_of(pk for pk, _ in rows)
        for pk, published_at in rows:
            yield Candidate(pk, published_at, subjects.get(pk, NOTHING))
        last = rows[-1]


class _Pool:
    """Candidates by subject, at consecutive places in the stream (`first` to `last`):
    scoring a story against them costs what it shares with them, not a comparison with each."""

    def __init__(self):
        self.by_subject: dict[tuple, set[int]] = {}
        self.first, self.last = 0, -1

    def add(self, story: Candidate) -> None:
        """The story at the next place."""
        self.last += 1
        for key, _ in story.subjects.weighted:
            self.by_subject.setdefault(key, set()).add(self.last)

    def start_at(self, place: int, at: Callable[[int], Candidate]) -> None:
        """Forget the places before `place`."""
        while self.first < place and self.first <= self.last:
            for key, _ in at(self.first).subjects.weighted:
                self.by_subject[key].discard(self.first)
            self.first += 1
        if self.first > self.last:  # emptied: start afresh at `place`
            self.first, self.last = place, place - 1

    def scores(self, mine: Subjects, own: int) -> dict[int, int]:
        """Place → score of the first RELATED_CANDIDATES held, the story at `own` left out."""
        found: Counter[int] = Counter()
        for key, weight in mine.weighted:
            places = self.by_subject.get(key)
            for _ in range(weight if places else 0):
                found.update(places)  # counted in C
        if self.first <= own <= self.last:
            found.pop(own, None)
        elif self.last - self.first >= RELATED_CANDIDATES:
            found.pop(self.last, None)
        return dict(found)  # a Counter's update() would add a place's two scores


def _scored_in_order(stream: Iterator[Candidate]) -> Iterator[tuple[Candidate, list[Scored]]]:
    """Each story of `stream` (published, newest first) with its related stories, scored among
    the candidates `_candidates` gives it: the newest stories, and those published at or
    before its time (earlier ties included), nearest first. Stories are known by their place
    in the stream; `loaded[k]` is the one at place `offset + k`."""
    loaded: list[Candidate] = []
    offset = 0

    def load(place: int) -> bool:
        """Read up to `place`; whether the stream reaches it."""
        while offset + len(loaded) <= place:
            story = next(stream, None)
            if story is None:
                return False
            loaded.append(story)
        return True

    load(RELATED_CANDIDATES)
    newest = loaded[: RELATED_CANDIDATES + 1]
    newest_pool, window = _Pool(), _Pool()  # window: the candidates published before
    for story in newest:
        newest_pool.add(story)

    def at(place: int) -> Candidate:
        return loaded[place - offset] if place >= offset else newest[place]

    place = tie_start = 0
    while load(place):
        story = at(place)
        if place and at(place - 1).published_at != story.published_at:
            tie_start = place
        window.start_at(tie_start, at)
        reach = tie_start + RELATED_CANDIDATES
        while window.last < reach and load(window.last + 1):
            window.add(at(window.last + 1))
        if story.subjects:
            found = newest_pool.scores(story.subjects, place)
            found.update(window.scores(story.subjects, place))
            # The stream runs newest first, so among equal scores the nearer place wins.
            if len(found) > RELATED_KEPT:
                least = heapq.nlargest(RELATED_KEPT, found.values())[-1]
                found = {p: s for p, s in found.items() if s >= least}
            top = sorted(found.items(), key=lambda ps: (-ps[1], ps[0]))[:RELATED_KEPT]
            yield story, [Scored(at(p).pk, at(p).published_at, s) for p, s in top]
        else:
            yield story, []
        place += 1
        if tie_start - offset > 4 * RELATED_CANDIDATES:  # forget what no later story reaches
            del loaded[: tie_start - 1 - offset]
            offset = tie_start - 1


def articles_related_refresh_all(
    *,
    since: datetime | None = None,
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Score and store every story's related stories (with `since`, only those published or
    scheduled from then on), `batch` stories a transaction; returns how many. Drafts and
    stories waiting for review are refreshed with each of their saves, so `since` skips them.
    `progress(done)` is called after each batch."""
    done = 0
    pending: dict[int, list[Scored]] = {}

    def flush() -> None:
        nonlocal done
        with transaction.atomic():
            # A story another step has locked is being refreshed by that step.
            free = set(
                Article.objects.select_for_update(skip_locked=True)
                .filter(pk__in=list(pending))
                .values_list("pk", flat=True)
            )
            _store({pk: entries for pk, entries in pending.items() if pk in free})
        done += len(pending)
        pending.clear()
        if progress:
            progress(done)

    for story, entries in _scored_in_order(_published_in_order(batch)):
        if since is not None and story.published_at < since:
            break
        pending[story.pk] = entries
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    waiting = Article.objects.exclude(status=Article.Status.WITHDRAWN).exclude(
        pk__in=Article.objects.published().values("pk")
    )
    if since is not None:
        waiting = waiting.filter(status=Article.Status.PUBLISHED, published_at__gte=since)
    for article in waiting.only("pk", "status", "published_at").iterator():
        with transaction.atomic():
            article_related_refresh(article)
        done += 1
    if since is None:
        RelatedArticle.objects.filter(article__status=Article.Status.WITHDRAWN).delete()
    if progress:
        progress(done)
    return done
