from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "稿件"

    def ready(self):
        post_migrate.connect(_new_page_generation, sender=self)


def _new_page_generation(sender, using="default", **kwargs):
    """A deploy runs `migrate`: cached pages and fragments made by the code before it (whose
    templates or fragment shapes may differ) are not served by the code after it."""
    from django.conf import settings

    from newsroom import pagecache

    if using == "default" and (settings.PAGE_CACHE_SECONDS or settings.FRAGMENT_CACHE):
        pagecache.new_generation()
