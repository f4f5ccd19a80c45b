"""Reading OCR'd print pages: the test pages in print_pages/ (written for the project) and the
seed page from ../shared/seeds/, checked against print_pages/expected.json."""

import json
from pathlib import Path

import pytest

from articles.printpage import parser as printpage
from regions.suggest import suggest

PAGES = Path(__file__).parent / "print_pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text())
SEED = Path(__file__).resolve().parents[4] / "shared" / "seeds" / "print-page-jingjinji.txt"
FILES = [name for name in EXPECTED if name != "seed"]

# Matching headlines to stories segments words with the desk's dictionary, kept in the database.
pytestmark = pytest.mark.django_db


def _parsed(name: str) -> printpage.ParsedPage:
    path = SEED if name == "seed" else PAGES / name
    return printpage.parse(printpage.decode(path.read_bytes()))


def _cases():
    return list(_each_case())


def _each_case():
    for name in [*FILES, "seed"]:
        for index, story in enumerate(EXPECTED[name]):
            marks = []
            if name == "seed" and not SEED.exists():
                marks.append(pytest.mark.skip(reason="../shared/seeds is not beside this checkout"))
            yield pytest.param(name, index, story, id=f"{name}-{index + 1}", marks=marks)


def _body(story: printpage.Story) -> str:
    return "\n".join(story.paragraphs)


@pytest.mark.parametrize("name", [*FILES, "seed"])
def test_every_story_on_the_page_is_found(name):
    """As many stories as the page holds, in page order, with their bylines."""
    if name == "seed" and not SEED.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    found = [[n for n, _ in s.bylines] for s in _parsed(name).stories]
    assert found == [s["byline_names"] for s in EXPECTED[name]]


@pytest.mark.parametrize(("name", "index", "expected"), _cases())
def test_byline_source_and_dateline(name, index, expected):
    """The opener gives the source line, the dateline and each name with its role."""
    story = _parsed(name).stories[index]
    assert story.source_line == expected["source_line"]
    assert story.dateline == expected["dateline"]
    assert {role for _, role in story.bylines} <= {expected["byline_role"]}


@pytest.mark.parametrize(("name", "index", "expected"), _cases())
def test_headline_and_kicker(name, index, expected):
    """Headlines above a story, split over lines, or printed elsewhere on the page are found."""
    story = _parsed(name).stories[index]
    if expected["headline"] is None:
        assert story.headline_proposed
    else:
        assert (story.headline, story.headline_proposed) == (expected["headline"], False)
    if expected.get("kicker"):
        assert story.kicker == expected["kicker"]


@pytest.mark.parametrize(("name", "index", "expected"), _cases())
def test_body_lines_are_joined_and_splits_mended(name, index, expected):
    """Column lines join without spaces; numbers, quotes and book titles split over lines mend."""
    story = _parsed(name).stories[index]
    body = _body(story)
    assert body.startswith(expected["first_words"])
    for piece in expected["must_contain"]:
        assert piece in body
    for piece in expected.get("must_not_contain", []):
        assert piece not in body


@pytest.mark.parametrize(("name", "index", "expected"), _cases())
def test_subheads_inside_a_story(name, index, expected):
    """Short lines standing alone inside a story are its subheads, in order."""
    story = _parsed(name).stories[index]
    assert [text for kind, text in story.blocks if kind == "h2"] == expected["subheads"]


@pytest.mark.parametrize(("name", "index", "expected"), _cases())
def test_suggested_regions_and_themes(name, index, expected):
    """Aliases and keywords suggest the story's regions (with parents) and themes."""
    story = _parsed(name).stories[index]
    found = suggest(f"{story.headline}\n{story.text}")
    regions = {r.slug for r in found.regions}
    # 京津冀 itself is suggested as its three provinces.
    assert set(expected["regions"]) - {"jingjinji"} <= regions
    false_hits = set(expected.get("regions_false_hits", []))
    if "京津冀" in story.text:
        false_hits -= {"beijing", "tianjin", "hebei"}  # the spec: 京津冀 suggests all three
    assert not false_hits & regions
    themes = {t.slug for t in found.themes}
    assert (
        set(expected["themes"])
        <= themes
        <= set(expected["themes"]) | set(expected.get("themes_incidental", []))
    )


def test_no_opener_makes_one_story_and_says_so():
    """A page with no opener is one story without byline, with a warning."""
    page = _parsed("no_opener.txt")
    assert len(page.stories) == 1 and page.stories[0].bylines == []
    assert page.warnings and "没有找到稿件开头" in page.warnings[0]


def test_latin_words_split_over_lines_keep_one_space():
    """Beijing-Tianjin-Hebei Innovation / Forum joins with a space; Chinese joins without."""
    assert printpage._join("Innovation", "Forum") == "Innovation Forum"
    assert printpage._join("京津冀知识", "产权") == "京津冀知识产权"
    assert printpage._join("478.", "92万件") == "478.92万件"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"   \n\n ", "文件是空的"),
        (b"\x00\x01\x02PK\x03\x04", "二进制"),
        (b"\xff\xfe\xfd\xfc" * 50, "编码"),
        (b"only latin text, no chinese at all\n", "没有中文"),
        ("本报讯 某某 正文。".encode() + b"x" * (printpage.MAX_BYTES + 1), "上限"),
    ],
    ids=["empty", "blank", "binary", "undecodable", "no-chinese", "too-big"],
)
def test_bad_files_are_refused_in_one_line(data, message):
    """Empty, binary, undecodable, non-Chinese or huge input: a one-line reason, no traceback."""
    with pytest.raises(printpage.PrintPageError) as error:
        printpage.decode(data)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_gb18030_pages_are_converted():
    """A page saved in GB18030/GBK reads the same as UTF-8."""
    raw = (PAGES / "gbk.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "本报讯" in printpage.decode(raw)


@pytest.mark.parametrize(("name", "index", "expected"), _cases())
def test_paragraph_breaks_follow_the_page(name, index, expected):
    """A paragraph ends at a short line closing a sentence; a blank line mid-sentence is only a
    column break. (A full-width line that happens to close a sentence is ambiguous: one off.)"""
    found = len(_parsed(name).stories[index].paragraphs)
    assert abs(found - expected["paragraphs"]) <= (0 if name == "seed" else 1)
