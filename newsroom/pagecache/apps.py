from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PageCacheConfig(AppConfig):
    name = "newsroom.pagecache"
    label = "pagecache"
    verbose_name = "页面缓存"

    def ready(self):
        post_migrate.connect(_new_epoch, sender=self)


def _new_epoch(sender, using="default", **kwargs):
    """A deploy runs `migrate`: pages and fragments made by the code before it (whose templates
    or fragment shapes may differ) are not served by the code after it. Recorded in the
    database, so it holds with the cache server down."""
    if using == "default":
        from .versions import new_epoch

        new_epoch()
