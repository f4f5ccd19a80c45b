from django.conf import settings

from newsroom.pagecache import fragment

from .models import Section


def site(request):
    """The site's name and the section navigation, for every page's header."""
    return {
        "site_name": settings.SITE_NAME,
        "site_description": settings.SITE_DESCRIPTION,
        "nav_sections": fragment(
            "nav:sections", lambda: list(Section.objects.only("name", "slug"))
        ),
    }
