"""Readable pinyin slugs for Chinese headlines and names."""

import re

from django.utils.text import slugify
from pypinyin import lazy_pinyin

FALLBACK = "article"


def pinyin_slug(text: str, *, max_length: int = 80, fallback: str = FALLBACK) -> str:
    """`京津冀商标有效注册量达478.92万件` → `jing-jin-ji-shang-biao-...-478-92-wan-jian`.

    Chinese characters become toneless pinyin syllables; Latin words and numbers stay as
    they are (lower-cased). The slug is cut at a hyphen, never mid-syllable, and never empty.
    """
    parts = []
    for piece in lazy_pinyin(text or "", errors="default"):
        # Punctuation between Latin letters or digits becomes a hyphen: 478.92 → 478-92.
        part = slugify(re.sub(r"[\W_]+", " ", piece))
        if part:
            parts.append(part)
    slug = re.sub(r"-{2,}", "-", "-".join(parts)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length]
        slug = slug[: slug.rfind("-")] if "-" in slug else slug
    return slug or fallback


def unique_slug(model, base: str, *, exclude_pk=None, field: str = "slug") -> str:
    """`base`, or `base2`, `base3` … when a namesake already holds it."""
    taken = set(
        model._default_manager.filter(**{f"{field}__startswith": base})
        .exclude(pk=exclude_pk)
        .values_list(field, flat=True)
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate
