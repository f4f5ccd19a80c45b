"""Tag versions in the database: when a change commits, the tags it touched move to a new
change number; a cached entry made before that number from anything so tagged is not served.

The clock is read once per request (one primary-key query) and is the only thing a cached
entry is trusted against; the cache server (Redis, or a worker's memory) only holds entries.
So nothing the cache server does, restored from an old dump, flushed or replaced by a replica,
can bring back a page from before a withdrawal: its entries are checked against rows that
never go back.

- An entry records the epoch and the change number (`made`) read *before* it was made, from
  the database its content was read from (a read replica's own clock, if it lags behind).
- It is current while no tag of it has moved past `made`: true at once when the clock has not
  moved since; otherwise one indexed query, after which the worker remembers the entry as
  checked up to the current number.
- Changes bump their tags after they commit (`invalidate`), one short transaction that holds
  the clock's row, so change numbers follow commit order.
- A story published for a later time has no save when that time comes: the clock keeps the
  next such time, and the first request after it bumps what the story is listed under.
"""

import contextvars
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from django.conf import settings
from django.db import connections, router, transaction
from django.utils.module_loading import import_string

from .tags import EVERY_STORY, SITE, STORY_PREFIX


@dataclass(frozen=True)
class Clock:
    seq: int
    epoch: str
    next_change_us: int | None


@dataclass
class Entry:
    """A cached value with what it was made from; `made` moves up when a check finds it still
    current, so the next check at the same clock costs nothing."""

    epoch: str
    made: int
    tags: tuple[str, ...]
    value: object


def _now_us() -> int:
    return time.time_ns() // 1000


def _from_us(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1e6, tz=UTC)


def _to_us(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1e6)


def _content():
    """The module that knows what goes live when (settings.PAGE_CACHE_CONTENT)."""
    return import_string(settings.PAGE_CACHE_CONTENT)


def _tables():
    from .models import Clock as ClockRow
    from .models import TagVersion

    return ClockRow._meta.db_table, TagVersion._meta.db_table


def read_clock(using: str = "default") -> Clock:
    clock_table, _ = _tables()
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT seq, epoch, next_change_us FROM {clock_table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        # A replica that has not seen the clock yet: what is made from it is never kept.
        return _start_clock() if using == "default" else Clock(-1, "", None)
    return Clock(*row)


def _start_clock() -> Clock:
    """A new database (or one flushed by a test) has no clock yet: a new epoch starts."""
    from .models import Clock as ClockRow

    content = _content()
    now = datetime.now(UTC)
    row, _ = ClockRow.objects.using("default").get_or_create(
        pk=1,
        defaults={
            "epoch": secrets.token_hex(8),
            "live_through_us": _to_us(now),
            "next_change_us": _to_us(content.next_scheduled(now)),
        },
    )
    return Clock(row.seq, row.epoch, row.next_change_us)


class _RequestClocks:
    """The clocks one request read: the primary's, and the one its content is read against
    when that is another database (a replica)."""

    __slots__ = ("current", "made")

    def __init__(self):
        self.current: Clock | None = None
        self.made: Clock | None = None


_request: contextvars.ContextVar[_RequestClocks | None] = contextvars.ContextVar(
    "request_clocks", default=None
)


def current_clock() -> Clock:
    """The primary's clock, read once per request (every time outside one); a scheduled
    time that has passed is acted on first."""
    held = _request.get()
    if held is not None and held.current is not None:
        return held.current
    clock = read_clock()
    if clock.next_change_us is not None and _now_us() >= clock.next_change_us:
        go_live()
        clock = read_clock()
    if held is not None:
        held.current = clock
    return clock


def made_clock() -> Clock:
    """The clock of the database this request's content is read from, for `Entry.made`."""
    held = _request.get()
    if held is not None and held.made is not None:
        return held.made
    from .models import Clock as ClockRow

    using = router.db_for_read(ClockRow)
    clock = current_clock() if using == "default" else read_clock(using)
    if held is not None:
        held.made = clock
    return clock


class during_request:
    """Scope of one request: the clocks are read at most once in it."""

    def __enter__(self):
        self._token = _request.set(_RequestClocks())
        return self

    def __exit__(self, *exc):
        _request.reset(self._token)


def still_current(entry: Entry, clock: Clock) -> bool:
    """Whether nothing `entry` was made from has changed since it was made."""
    if entry.epoch != clock.epoch or entry.made > clock.seq:
        return False  # another epoch, or a clock that went back (a database restored)
    if entry.made < clock.seq and entry.tags:
        _, tag_table = _tables()
        marks = ", ".join(["%s"] * len(entry.tags))
        with connections["default"].cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {tag_table} WHERE seq > %s AND name IN ({marks}) LIMIT 1",
                [entry.made, *entry.tags],
            )
            if cursor.fetchone() is not None:
                return False
    entry.made = clock.seq
    return True


_after_commit = transaction.on_commit  # tests inside one transaction bump at once instead


def invalidate(tags) -> None:
    """What these tags name changes when the current transaction commits (at once outside
    one): cached entries made from it are not served after that, and front caches purge it."""
    tags = frozenset(tags)
    if not tags:
        return
    if any(tag.startswith(STORY_PREFIX) for tag in tags):
        tags |= {EVERY_STORY}  # pages naming too many stories depend on this instead
    _after_commit(partial(bump, tags), using="default")


def bump(tags) -> int:
    """Move `tags` (and those of stories whose scheduled time has passed) to a new change
    number, then purge them from the front caches. Returns the new number."""
    with transaction.atomic(using="default"):
        row = _locked_clock()
        now = datetime.now(UTC)
        tags = set(tags) | _content().scheduled_between(_from_us(row.live_through_us), now)
        seq = _advance(row, tags, now)
    _purge(tags)
    return seq


def go_live() -> None:
    """A scheduled time has passed: what those stories are listed under changes."""
    with transaction.atomic(using="default"):
        row = _locked_clock()
        now = datetime.now(UTC)
        if row.next_change_us is None or row.next_change_us > _to_us(now):
            return  # another request was first
        tags = _content().scheduled_between(_from_us(row.live_through_us), now)
        _advance(row, tags, now)
    _purge(tags)


def new_epoch() -> None:
    """Nothing cached so far is served from now on (after `migrate`: the code that made it
    may differ). Recorded in the database, so it needs no cache server."""
    with transaction.atomic(using="default"):
        row = _locked_clock()
        row.epoch = secrets.token_hex(8)
        _advance(row, set(), datetime.now(UTC))
    _purge({SITE})


def _locked_clock():
    from .models import Clock as ClockRow

    row = ClockRow.objects.using("default").select_for_update().filter(pk=1).first()
    if row is None:
        _start_clock()
        row = ClockRow.objects.using("default").select_for_update().get(pk=1)
    return row


def _advance(row, tags, now: datetime) -> int:
    from .models import TagVersion

    row.seq += 1
    if tags:
        TagVersion.objects.using("default").bulk_create(
            [TagVersion(name=tag, seq=row.seq) for tag in sorted(tags)],
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["seq"],
        )
    row.live_through_us = _to_us(now)
    row.next_change_us = _to_us(_content().next_scheduled(now))
    row.save()
    return row.seq


def _purge(tags) -> None:
    if tags and settings.VARNISH_URLS:
        from newsroom import varnish

        varnish.purge(sorted(tags))
