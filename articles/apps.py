from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "稿件"

    def ready(self):
        from . import cachetags

        cachetags.connect()  # rows loaded for readers' pages name themselves as cache tags
