"""Regions and themes a text is about, from the names, aliases and keywords staff keep in the
regions app: 丰台 → 丰台区 (and 北京市 above it), 雄安 → 雄安新区 (and 河北省), 京津冀 → all three."""

from dataclasses import dataclass

import ahocorasick

from .models import Region, Theme


@dataclass
class Suggestion:
    regions: list[Region]
    themes: list[Theme]


def region_words() -> list[tuple[str, Region]]:
    """(word, region) for every region name and alias, for suggestions and the print-page parser."""
    words = []
    for region in Region.objects.select_related("parent"):
        names = {region.name, region.name.split("（")[0], *region.alias_list}
        words += [(name, region) for name in names if len(name) >= 2]
    return words


def _places(text: str, words: list[tuple[str, object]]) -> dict[str, list[int]]:
    """Where each word starts in `text`, overlaps included: one pass of an Aho–Corasick
    automaton over the text, whatever the number of words."""
    automaton = ahocorasick.Automaton()
    for word, _ in words:
        if word:
            automaton.add_word(word, word)
    places: dict[str, list[int]] = {}
    if not text or not len(automaton):
        return places
    automaton.make_automaton()
    for end, word in automaton.iter(text):
        places.setdefault(word, []).append(end - len(word) + 1)
    return places


def _find(text: str, words: list[tuple[str, object]]) -> dict:
    """Longest words first; a found word masks its place, so 河北区 is not also 河北.

    Every place of every word is found in one pass; the words then take their places longest
    first (ties in the order given), left to right, each skipping a place that overlaps one
    already taken (by a longer word or by its own previous place). Linear in the text and the
    places found; scanning the text once per word and rebuilding it after every find made a
    120,000-character body take five seconds.
    """
    ordered = sorted(words, key=lambda pair: len(pair[0]), reverse=True)
    places = _places(text, ordered)
    taken = bytearray(len(text))
    found: dict = {}
    for word, target in ordered:
        size = len(word)
        for start in places.get(word, ()):
            if taken.find(1, start, start + size) >= 0:
                continue
            _, count = found.get(target.pk, (target, 0))
            found[target.pk] = (target, count + 1)
            taken[start : start + size] = b"\x01" * size
    return found


def suggest(text: str, *, min_mentions: int = 1) -> Suggestion:
    """The regions (each with the regions above it, below the 京津冀 root) and themes of `text`."""
    text = text or ""
    hits = _find(text, region_words())
    chosen: dict[int, Region] = {}
    by_pk = {r.pk: r for r in Region.objects.all()}
    for region, mentions in hits.values():
        if mentions < min_mentions:
            continue
        if region.kind == Region.Kind.AREA:
            # 京津冀 itself: the three provinces.
            for child in by_pk.values():
                if child.parent_id == region.pk:
                    chosen[child.pk] = child
            continue
        node = region
        while node is not None and node.kind != Region.Kind.AREA:
            chosen[node.pk] = node
            node = by_pk.get(node.parent_id)
    theme_words = [
        (word, theme) for theme in Theme.objects.all() for word in {theme.name, *theme.keyword_list}
    ]
    themes = [t for t, n in _find(text, theme_words).values() if n >= min_mentions]
    order = {pk: i for i, pk in enumerate(by_pk)}
    return Suggestion(
        regions=sorted(chosen.values(), key=lambda r: order.get(r.pk, 0)),
        themes=sorted(themes, key=lambda t: t.sort_order),
    )
