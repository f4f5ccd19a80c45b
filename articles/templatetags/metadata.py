"""Filters for what pages say about themselves: JSON-LD blocks and W3C times."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.site.structured import iso

register = template.Library()

# Inside <script> only "</script>" (or "<!--") ends the data early: with <, > and & written
# as JSON escapes no headline, summary or correction can do that.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def ld_json(data) -> str:
    """`data` as a <script type="application/ld+json"> block, safe whatever its text says."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def ld_json_blocks(graph: list[dict]) -> str:
    """Each item of a JSON-LD graph as its <script> block, one per line: the pages render them
    once, with the parts of the page that are kept as fragments."""
    return mark_safe("\n  ".join(ld_json(data) for data in graph))


@register.filter
def w3c(moment) -> str:
    """A time as sitemaps want it: 2025-03-02T01:30:00+08:00 (Beijing time, whole seconds)."""
    return iso(moment) or ""
