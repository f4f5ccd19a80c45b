"""Finding free tags that are the same word written differently: full-width or half-width,
case, spaces and punctuation do not make a new tag."""

import re
import unicodedata

from django.db.models import Count
from taggit.models import Tag

from articles.services.tagging import tidy_tag_name

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def tag_key(name: str) -> str:
    """专利导航 = 专利 导航 = 专利导航。; ＩＰｖ６ = ipv6."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", name).lower())


def tags_with_counts():
    return Tag.objects.annotate(uses=Count("articles_taggedarticle_items")).order_by(
        "-uses", "name"
    )


def near_duplicates(tags) -> list[list]:
    """Groups of two or more tags with the same key, most used first within each group (on a
    tie, one written without stray spaces): the first is the spelling a merge keeps."""
    groups: dict[str, list] = {}
    for tag in tags:
        groups.setdefault(tag_key(tag.name), []).append(tag)
    return [
        sorted(group, key=lambda t: (-t.uses, t.name != tidy_tag_name(t.name), t.name))
        for group in groups.values()
        if len(group) > 1
    ]
