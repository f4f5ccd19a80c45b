"""Regions and themes suggested from a text: the same answers as a word-by-word scan, in one
pass over the text whatever its length."""

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regions import suggest as suggest_module
from regions.suggest import _find, suggest


@dataclass(frozen=True)
class Target:
    pk: int


def find_word_by_word(text: str, words: list[tuple[str, Target]]) -> dict:
    """The rule as first written: longest words first, each found place masked for the rest."""
    found: dict = {}
    masked = list(text)
    for word, target in sorted(words, key=lambda pair: len(pair[0]), reverse=True):
        start = 0
        joined = "".join(masked)
        while (at := joined.find(word, start)) >= 0:
            _, count = found.get(target.pk, (target, 0))
            found[target.pk] = (target, count + 1)
            masked[at : at + len(word)] = ["\0"] * len(word)
            joined = "".join(masked)
            start = at + len(word)
    return found


# A few characters, so that words overlap, nest and repeat as 北京 / 北京市 / 京津 do.
CHARS = "北京市河区天津"
words = st.lists(
    st.tuples(st.text(CHARS, min_size=1, max_size=4), st.builds(Target, st.integers(1, 6))),
    min_size=1,
    max_size=8,
)


@settings(max_examples=400, deadline=None)
@given(text=st.text(CHARS, max_size=60), words=words)
def test_finds_what_a_word_by_word_scan_finds(text, words):
    """Same targets, same counts, same order, overlaps and shared words included."""
    assert list(_find(text, words).items()) == list(find_word_by_word(text, words).items())


def test_a_longer_word_masks_the_shorter_ones_inside_it():
    """河北区 is one mention of 河北区, not also one of 河北 or 北区."""
    hebei_qu, hebei, bei_qu = Target(1), Target(2), Target(3)
    found = _find("河北区和河北", [("河北", hebei), ("北区", bei_qu), ("河北区", hebei_qu)])
    assert {pk: count for pk, (_, count) in found.items()} == {1: 1, 2: 1}


@pytest.mark.django_db
def test_long_text_counts_every_mention():
    """In 120,000 characters, each of 2,000 mentions counts: min_mentions is met exactly."""
    sentence = "雄安新区建设提速，人才服务窗口开通，各项工作有序推进并取得积极成效。"
    filler = "这是一段与地区和主题无关的叙述文字，用来把稿件拉长到很多字。"
    text = (sentence + filler) * 2_000
    assert len(text) >= 120_000
    found = suggest(text, min_mentions=2_000)
    assert [r.slug for r in found.regions] == ["hebei", "xiongan"]
    assert [t.slug for t in found.themes] == ["rencai"]
    assert suggest(text, min_mentions=2_001).regions == []


@pytest.mark.django_db
def test_the_text_is_read_once_per_word_list(monkeypatch):
    """Regions and themes each take one pass over the text, however long it is."""
    passes = []

    def counted(text, words):
        passes.append(len(text))
        return places(text, words)

    places = suggest_module._places
    monkeypatch.setattr(suggest_module, "_places", counted)
    for repeat in (1, 100):
        passes.clear()
        suggest("丰台区发布人才机会清单。" * repeat)
        assert len(passes) == 2
