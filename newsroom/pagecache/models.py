"""What cached pages are checked against, kept in the database so that it never goes back.

A cache server restored from an old snapshot, a promoted replica or a flushed instance holds
old pages, but it cannot hold old versions of these rows: every cached page and fragment is
checked against them before it is served (newsroom/pagecache/versions.py).
"""

from django.db import models


class Clock(models.Model):
    """One row (id 1): the change counter every tag version is taken from, the epoch (a new
    one after each `migrate`: nothing cached before it is served after it) and the schedule
    (stories published for a later time go live without a save)."""

    seq = models.BigIntegerField(default=0)
    epoch = models.CharField(max_length=32)
    # Unix microseconds: read on every request with one raw query, cheap on both databases.
    live_through_us = models.BigIntegerField(null=True)
    next_change_us = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = "缓存时钟"
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"{self.epoch}:{self.seq}"


class TagVersion(models.Model):
    """The change (`Clock.seq`) at which what a tag names last changed; a page made before it
    from something tagged so is out of date."""

    name = models.CharField(max_length=200, unique=True)
    seq = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = "缓存标签版本"
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"{self.name}@{self.seq}"


class Listed(models.Model):
    """The lists something was last shown in (`article:5` → its section's, regions' … list
    tags): a change that moves it out of a list must reach the list it left."""

    key = models.CharField(max_length=200, primary_key=True)
    tags = models.JSONField(default=list)

    class Meta:
        verbose_name = "所在列表"
        verbose_name_plural = verbose_name

    def __str__(self):
        return self.key
