from datetime import datetime
from difflib import SequenceMatcher

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.demo import content
from articles.desk import diff
from articles.desk.diff import FIELDS, FieldDiff, diff_article_versions

HEADLINE = "京津冀商标有效注册量达478.92万件"
FIRST = "记者从北京市知识产权局获悉，京津冀三地知识产权部门持续深化协作。"
SECOND = "截至今年一季度末，三地商标有效注册量达478.92万件，同比增长百分之十。"
THIRD = "下一步，三地将在商标品牌培育、保护和运用方面加强合作。"


def body(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def only(diffs: list[FieldDiff], name: str) -> str:
    """The html of the single diff returned, after checking it is for `name`."""
    assert [d.name for d in diffs] == [name]
    return diffs[0].html


def test_identical_versions_have_no_diff():
    """Two equal versions give an empty list."""
    version = {
        "headline": HEADLINE,
        "body": body(FIRST, SECOND),
        "status": "published",
        "tags": ["商标", "知识产权"],
    }
    assert diff_article_versions(version, dict(version)) == []


def test_headline_change_marks_exactly_the_changed_characters():
    """478.92 → 478.29 deletes "92" and inserts "29"; the rest of the headline is plain text."""
    diffs = diff_article_versions(
        {"headline": HEADLINE}, {"headline": "京津冀商标有效注册量达478.29万件"}
    )
    assert diffs == [
        FieldDiff(
            name="headline",
            label="主题",
            html="京津冀商标有效注册量达478.<del>92</del><ins>29</ins>万件",
        )
    ]


def test_word_changed_in_a_paragraph_shows_only_that_paragraph():
    """Editing one word in the middle paragraph shows that paragraph alone, diffed by characters."""
    edited = SECOND.replace("一季度", "二季度")
    html = only(
        diff_article_versions(
            {"body": body(FIRST, SECOND, THIRD)}, {"body": body(FIRST, edited, THIRD)}
        ),
        "body",
    )
    assert html == (
        '<p class="diff-changed">截至今年<del>一</del><ins>二</ins>'
        "季度末，三地商标有效注册量达478.92万件，同比增长百分之十。</p>"
    )
    assert FIRST not in html
    assert THIRD not in html


def test_added_paragraph_is_shown_as_inserted():
    """A new paragraph appears whole inside <ins>, the unchanged ones not at all."""
    html = only(
        diff_article_versions({"body": body(FIRST, THIRD)}, {"body": body(FIRST, SECOND, THIRD)}),
        "body",
    )
    assert html == f'<p class="diff-added"><ins>{SECOND}</ins></p>'


def test_removed_paragraph_is_shown_as_deleted():
    """A dropped paragraph appears whole inside <del>."""
    html = only(
        diff_article_versions({"body": body(FIRST, SECOND, THIRD)}, {"body": body(FIRST, THIRD)}),
        "body",
    )
    assert html == f'<p class="diff-removed"><del>{SECOND}</del></p>'


def test_rewritten_paragraph_is_shown_as_removed_and_added():
    """A paragraph replaced by an unrelated one is not interleaved character by character."""
    html = only(diff_article_versions({"body": body(FIRST)}, {"body": body(THIRD)}), "body")
    assert html == (
        f'<p class="diff-removed"><del>{FIRST}</del></p><p class="diff-added"><ins>{THIRD}</ins></p>'
    )


def test_edited_paragraph_after_an_inserted_one_is_still_diffed_by_characters():
    """An insertion before an edited paragraph does not pair the new text with the old one."""
    edited = SECOND.replace("百分之十", "百分之十二")
    html = only(
        diff_article_versions({"body": body(SECOND)}, {"body": body(FIRST, edited)}), "body"
    )
    assert html.startswith(f'<p class="diff-added"><ins>{FIRST}</ins></p><p class="diff-changed">')
    assert "百分之十<ins>二</ins>。" in html


def test_long_body_edited_throughout_keeps_paragraphs_paired():
    """Past the pair search limit, edited paragraphs are still paired around an insertion."""
    old = [f"第{n}段：{SECOND}" for n in range(1, 22)]
    new = [THIRD] + [text.replace("一季度", "二季度") for text in old]
    html = only(diff_article_versions({"body": body(*old)}, {"body": body(*new)}), "body")
    assert html.startswith(f'<p class="diff-added"><ins>{THIRD}</ins></p>')
    assert html.count('<p class="diff-changed">') == 21
    assert html.count("<del>一</del><ins>二</ins>") == 21
    assert "diff-removed" not in html


def test_subhead_change_is_marked_as_a_subhead():
    """An edited <h2> is diffed by characters and labelled as a subhead."""
    old = "<h2>三地协作</h2>" + body(FIRST)
    new = "<h2>三地深化协作</h2>" + body(FIRST)
    html = only(diff_article_versions({"body": old}, {"body": new}), "body")
    assert html == (
        '<p class="diff-changed"><span class="diff-kind">〔小标题〕</span>三地<ins>深化</ins>协作</p>'
    )


def test_paragraph_turned_into_subhead_is_reported():
    """Same words promoted from <p> to <h3> still count as a change, with a note saying so."""
    html = only(
        diff_article_versions({"body": "<p>三地协作</p>"}, {"body": "<h3>三地协作</h3>"}), "body"
    )
    assert html == (
        '<p class="diff-changed"><span class="diff-kind">〔段落→小标题〕</span>三地协作</p>'
    )


def test_nested_blocks_are_split_once():
    """A paragraph inside a blockquote is one quote block, not two."""
    old = "<blockquote><p>商标是品牌的载体。</p></blockquote>"
    new = "<blockquote><p>商标是企业品牌的载体。</p></blockquote>"
    html = only(diff_article_versions({"body": old}, {"body": new}), "body")
    assert html == (
        '<p class="diff-changed"><span class="diff-kind">〔引用〕</span>商标是<ins>企业</ins>品牌的载体。</p>'
    )


def test_markup_only_body_change_is_noted():
    """Bold added to unchanged words still shows the body as changed, with a note."""
    old = body("三地商标有效注册量持续增长。")
    new = "<p>三地<strong>商标</strong>有效注册量持续增长。</p>"
    html = only(diff_article_versions({"body": old}, {"body": new}), "body")
    assert "文字未变" in html


def test_script_in_body_never_comes_through_as_markup():
    """A <script> element is dropped, and "<script>" typed as text is escaped."""
    old = body(FIRST)
    new = body(FIRST) + "<script>alert(1)</script><p>&lt;script&gt;示例</p>"
    html = only(diff_article_versions({"body": old}, {"body": new}), "body")
    assert "<script" not in html
    assert "alert" not in html
    assert html == '<p class="diff-added"><ins>&lt;script&gt;示例</ins></p>'


def test_ampersand_is_escaped_once():
    """& in a text field and &amp; in the body both come out as &amp;, never double-escaped."""
    diffs = diff_article_versions(
        {"deck": "京津", "body": body("京津")},
        {"deck": "京津&冀", "body": body("京津&amp;冀")},
    )
    assert [d.html for d in diffs] == [
        "京津<ins>&amp;冀</ins>",
        '<p class="diff-changed">京津<ins>&amp;冀</ins></p>',
    ]


def test_list_items_added_and_removed():
    """Removed tags are in <del>, added ones in <ins>, joined by "、"."""
    html = only(
        diff_article_versions({"tags": ["商标", "专利"]}, {"tags": ["商标", "知识产权"]}), "tags"
    )
    assert html == "<del>专利</del>、<ins>知识产权</ins>"


def test_list_reordered_shows_new_order_with_note():
    """Same bylines in another order show the new order and "（顺序调整）"."""
    html = only(
        diff_article_versions({"bylines": ["雷嘉", "林晓雯"]}, {"bylines": ["林晓雯", "雷嘉"]}),
        "bylines",
    )
    assert html == "林晓雯、雷嘉（顺序调整）"


def test_list_change_with_reorder_mentions_both():
    """An added region plus a swap of the kept ones shows the addition and the order note."""
    html = only(
        diff_article_versions({"regions": ["北京", "天津"]}, {"regions": ["天津", "北京", "河北"]}),
        "regions",
    )
    assert html == "<ins>河北</ins>（顺序调整）"


def test_missing_keys_and_none_count_as_empty():
    """A key absent on one side compares as "" or [], and None as ""."""
    diffs = diff_article_versions(
        {"kicker": None}, {"kicker": "", "headline": "雄安", "themes": ["协同发展"]}
    )
    assert [(d.name, d.html) for d in diffs] == [
        ("headline", "<ins>雄安</ins>"),
        ("themes", "<ins>协同发展</ins>"),
    ]


def test_non_text_values_are_compared_as_text():
    """A datetime publication time is diffed through str()."""
    diffs = diff_article_versions(
        {"published_at": datetime(2025, 3, 1, 8, 0)},
        {"published_at": datetime(2025, 3, 1, 9, 0)},
    )
    assert only(diffs, "published_at") == "2025-03-01 0<del>8</del><ins>9</ins>:00:00"


def test_long_unchanged_runs_are_shortened():
    """Unchanged text over 60 characters keeps 20 on each side of "…"."""
    opening = "甲" * 10 + "乙" * 50 + "丙" * 10
    html = only(
        diff_article_versions({"summary": opening + "一"}, {"summary": opening + "二"}),
        "summary",
    )
    assert (
        html == "甲" * 10 + "乙" * 10 + "…" + "乙" * 10 + "丙" * 10 + "<del>一</del><ins>二</ins>"
    )


def test_short_unchanged_runs_are_kept_whole():
    """Unchanged text of 60 characters or fewer is not shortened."""
    opening = "京" * 60
    html = only(diff_article_versions({"summary": opening}, {"summary": opening + "冀"}), "summary")
    assert html == opening + "<ins>冀</ins>"


def test_diffs_follow_field_order():
    """Whatever the dict order, diffs come back in FIELDS order."""
    old = {"themes": [], "status": "draft", "body": "", "kicker": ""}
    new = {"themes": ["生态"], "status": "published", "body": "<p>正文</p>", "kicker": "引"}
    names = [d.name for d in diff_article_versions(old, new)]
    assert names == ["kicker", "body", "status", "themes"]
    assert [label for name, label in FIELDS if name in names] == [
        d.label for d in diff_article_versions(old, new)
    ]


# Long bodies: the work is bounded -------------------------------------------------------


def demo_paragraphs(chars: int) -> list[str]:
    """The demo stories' paragraphs, numbered so that none repeats, up to `chars` characters."""
    pool = [p for item in content.ARTICLES for p in item["body"] if not p.startswith("## ")]
    paragraphs, total = [], 0
    while total < chars:
        paragraphs.append(f"（{len(paragraphs) + 1}）{pool[len(paragraphs) % len(pool)]}")
        total += len(paragraphs[-1])
    return paragraphs


class CountedMatcher(SequenceMatcher):
    """Records the size of every full character match the diff asks for."""

    sizes: list[int] = []

    def get_matching_blocks(self):
        if isinstance(self.a, str):
            CountedMatcher.sizes.append(len(self.a) * len(self.b))
        return super().get_matching_blocks()


@pytest.fixture
def matches(monkeypatch) -> list[int]:
    CountedMatcher.sizes = []
    monkeypatch.setattr(diff, "SequenceMatcher", CountedMatcher)
    return CountedMatcher.sizes


def one_block(paragraphs: list[str]) -> str:
    """A pasted body: one paragraph, lines broken with <br>."""
    return "<p>" + "<br>".join(paragraphs) + "</p>"


def test_two_long_bodies_in_one_block_show_their_changes(matches):
    """Two 120,000-character one-paragraph bodies: every edit shown, no big character match."""
    old = demo_paragraphs(120_000)
    new = list(old)
    new[100] = new[100].replace("。", "，记者了解到。", 1)
    new[500] = "三地有关部门表示，下一步将建立常态化会商机制。" + new[500]
    del new[300]
    html = only(diff_article_versions({"body": one_block(old)}, {"body": one_block(new)}), "body")
    assert "<ins>，记者了解到</ins>" in html
    assert "<ins>三地有关部门表示，下一步将建立常态化会商机制。</ins>" in html
    assert f"<del>{old[300][:20]}" in html or f"<del> {old[300][:20]}" in html
    assert len(html) < 5_000  # the unchanged text is elided, not repeated
    assert max(matches) <= diff.CHAR_DIFF_MAX_CELLS


def test_body_edited_everywhere_stops_comparing_by_characters_when_the_work_is_spent(matches):
    """Past DIFF_MAX_CELLS the rest is shown whole and a note says so; every block is shown."""
    old = demo_paragraphs(120_000)
    new = [p.replace("，", "、", 1) for p in old]
    html = only(diff_article_versions({"body": body(*old)}, {"body": body(*new)}), "body")
    assert html.count('<p class="diff-changed">') == sum("，" in p for p in old)
    assert "diff-added" not in html and "diff-removed" not in html
    assert html.endswith(f'<p class="diff-context">{diff.CUT_SHORT_NOTE}</p>')
    assert "<del>，</del><ins>、</ins>" in html  # the first blocks still by characters
    assert sum(matches) <= diff.DIFF_MAX_CELLS


def test_a_long_summary_is_diffed_within_bounds(matches):
    """A text field gets the same bound: shared opening and ending, then sentences."""
    old = "".join(demo_paragraphs(20_000))
    new = old[:9_000] + "（补充）" + old[9_000:]
    html = only(diff_article_versions({"summary": old}, {"summary": new}), "summary")
    assert "<ins>（补充）</ins>" in html
    assert max(matches, default=0) <= diff.CHAR_DIFF_MAX_CELLS


@given(st.text("京津冀。！？；\n”a ", max_size=40))
def test_sentences_cover_the_text(text):
    """Cutting a text into sentences loses and adds nothing."""
    assert "".join(diff._sentences(text)) == text
