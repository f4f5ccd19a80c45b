"""The change-page benchmark's stories: demo sentences, the size asked for, six edits apart."""

from argparse import Namespace

import pytest

from bench import change_page_bench as bench


def test_story_is_made_of_demo_sentences_to_the_character():
    """10,000 characters of text exactly, every sentence but the cut last one from the demo."""
    sentences, subheads = bench.demo_sentences()
    paragraphs = bench.story_paragraphs(10_000)
    assert sum(len(p.removeprefix("## ")) for p in paragraphs) == 10_000
    body = [p for p in paragraphs[:-1] if not p.startswith("## ")]
    assert all(p.startswith(tuple(sentences)) for p in body)
    assert {p[3:] for p in paragraphs if p.startswith("## ")} <= set(subheads)


def test_the_new_version_differs_in_several_places():
    """The edited story changes, adds and removes paragraphs spread over the text."""
    old = bench.story_paragraphs(50_000)
    new = bench.edited(old)
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    assert len(changed) >= 4 and changed[-1] - changed[0] > len(old) // 2


@pytest.mark.django_db
def test_a_run_prints_a_row_per_size(capsys):
    """On the test database, one small size gives the table's header and one row of 200s."""
    bench.run([1_000], Namespace(runs=1, budget=10.0, no_one_block=True))
    table = capsys.readouterr().out
    assert "| 正文 | 字数（新版本） | 改稿页 GET ms |" in table
    assert table.strip().splitlines()[-1].startswith("| 1k |")
    assert table.strip().endswith("| 200 |")
