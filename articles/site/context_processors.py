from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from articles import cachetags
from articles.models import Section
from newsroom.pagecache import fragment


def site(request):
    """The site's name, its feeds and the section navigation, for every page's head and header."""
    return {
        "site_name": settings.SITE_NAME,
        "site_description": settings.SITE_DESCRIPTION,
        "site_feed": {
            "title": settings.SITE_NAME,
            "rss": reverse("articles:feed"),
            "atom": reverse("articles:feed-atom"),
        },
        # Lazy: pages that show no navigation (sitemaps, feeds) never read it.
        "nav_sections": SimpleLazyObject(lambda: fragment("nav:sections", _navigation)),
    }


def _navigation() -> list[dict]:
    """The sections as the header links them: plain values, cheap to keep and to read back."""
    cachetags.catalogue(Section)
    return [
        {"name": section.name, "url": section.get_absolute_url()}
        for section in Section.objects.only("name", "slug")
    ]
