"""What changed between two versions of an article, readable on Chinese text.

Chinese has no spaces between words, so a word diff would mark whole sentences: text is
compared character by character, and the body is first lined up block by block (paragraph,
subhead, quote, list item) so that only the blocks that changed are shown.

A character diff costs up to the product of the two texts' lengths (two 120,000-character
bodies in one block took 45 s), so the work is bounded: texts whose product is over
CHAR_DIFF_MAX_CELLS lose their shared opening and ending, then are lined up sentence by
sentence, and only the sentences that changed are compared by characters; one diff spends at
most DIFF_MAX_CELLS in all, after which what is left shows whole, with a note saying so.
"""

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from html.parser import HTMLParser

from django.utils.html import escape

from articles.html import BLOCK_TAGS

FIELDS = [
    ("kicker", "引题"),
    ("headline", "主题"),
    ("deck", "副题"),
    ("slug", "网址名"),
    ("summary", "导语"),
    ("body", "正文"),
    ("source_line", "稿源"),
    ("dateline", "电头地点"),
    ("section", "栏目"),
    ("status", "状态"),
    ("published_at", "发布时间"),
    ("lead_image", "题图"),
    ("lead_image_caption", "图片说明"),
    ("lead_image_credit", "图片署名"),
    ("bylines", "署名"),
    ("tags", "标签"),
    ("regions", "地区"),
    ("themes", "主题分类"),
]
LIST_FIELDS = {"bylines", "tags", "regions", "themes"}

# An unchanged run longer than ELIDE_OVER characters keeps KEEP on each side of a "…".
ELIDE_OVER = 60
KEEP = 20
# Two blocks less alike than this are shown as one removed and one added, not interleaved.
PAIR_CUTOFF = 0.5
# Looking for the best partner of every block is quadratic; past this many candidate pairs
# (a body pasted over wholesale) blocks are paired in order, looking LOOKAHEAD blocks ahead.
MAX_PAIR_SEARCH = 400
LOOKAHEAD = 3

# A character diff of two texts whose lengths multiply to more than this (two of 2,000
# characters: a few milliseconds) goes sentence by sentence; one diff of an article's versions
# compares no more than DIFF_MAX_CELLS in all (well under a second).
CHAR_DIFF_MAX_CELLS = 2_000 * 2_000
DIFF_MAX_CELLS = 60_000_000
# Any comparison counts as at least two 200-character paragraphs: short ones cost their setup.
MIN_COMPARISON_CELLS = 200 * 200
# Past this many blocks on a side, blocks that recur in over 1 % of places do not anchor the
# block alignment (difflib's autojunk): a body of repeated blocks stays linear.
AUTOJUNK_BLOCKS = 1_000
SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;\n]+[”’」』）)]*|$)")

FORMAT_ONLY_NOTE = '<p class="diff-context">（文字未变，仅格式或标记调整）</p>'
REORDER_NOTE = "（顺序调整）"
CUT_SHORT_NOTE = "（改动较多，已省略部分逐字比较）"


class Work:
    """What one diff may still spend on character comparisons, counted in cells (the product
    of the two texts' lengths: what SequenceMatcher may look at)."""

    def __init__(self, cells: int = DIFF_MAX_CELLS):
        self.cells = cells
        self.cut_short = False

    def allows(self, old: str, new: str) -> bool:
        """Spend on comparing `old` with `new` by characters, if the pair is small enough."""
        cells = max(len(old) * len(new), MIN_COMPARISON_CELLS)
        if cells > CHAR_DIFF_MAX_CELLS or cells > self.cells:
            return False
        self.cells -= cells
        return True


@dataclass
class FieldDiff:
    name: str
    label: str
    html: str


def diff_article_versions(old: dict, new: dict) -> list[FieldDiff]:
    """Only the fields that differ, in FIELD order."""
    diffs = []
    for name, label in FIELDS:
        if name in LIST_FIELDS:
            html = _list_diff(_as_list(old.get(name)), _as_list(new.get(name)))
        elif name == "body":
            html = _body_diff(_as_text(old.get(name)), _as_text(new.get(name)))
        else:
            html = _text_diff(_as_text(old.get(name)), _as_text(new.get(name)))
        if html is not None:
            diffs.append(FieldDiff(name=name, label=label, html=html))
    return diffs


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


# Text -----------------------------------------------------------------------------------


def _text_diff(old: str, new: str) -> str | None:
    if old == new:
        return None
    work = Work()
    html = _render(_char_segments(old, new, work))
    return html + CUT_SHORT_NOTE if work.cut_short else html


def _char_segments(old: str, new: str, work: Work) -> list[tuple[bool, str, str]]:
    """(unchanged?, old part, new part) runs, alternating, with chaff merged away.

    A character-level matcher happily keeps a lone shared character between two edits
    ("478.92" → "478.29" becomes insert 2, keep 9, delete 2). Like diff-match-patch's
    semantic cleanup, an unchanged run no longer than the edits on both sides of it is
    folded into them, so the reader sees 92 → 29.
    """
    if work.allows(old, new):
        segments = _matched(old, new)
    else:
        segments = _bounded_segments(old, new, work)
    return _merge_chaff(segments)


def _matched(old: str, new: str) -> list[tuple[bool, str, str]]:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return [
        (tag == "equal", old[i1:i2], new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _bounded_segments(old: str, new: str, work: Work) -> list[tuple[bool, str, str]]:
    """Long texts: the shared opening and ending set aside, the rest lined up by sentences,
    and only changed sentences compared by characters, while the work allows."""
    head = _shared_opening(old, new)
    tail = _shared_opening(old[head:][::-1], new[head:][::-1])
    middle_old, middle_new = old[head : len(old) - tail], new[head : len(new) - tail]
    segments = [(True, old[:head], new[:head])] if head else []
    if work.allows(middle_old, middle_new):
        segments += _matched(middle_old, middle_new)
    else:
        segments += _sentence_segments(middle_old, middle_new, work)
    if tail:
        segments.append((True, old[len(old) - tail :], new[len(new) - tail :]))
    # Neighbouring runs of one kind (a sentence-level edit next to a character-level one).
    joined: list[tuple[bool, str, str]] = []
    for same, before, after in segments:
        if not before and not after:
            continue
        if joined and joined[-1][0] == same:
            _, old_run, new_run = joined[-1]
            joined[-1] = (same, old_run + before, new_run + after)
        else:
            joined.append((same, before, after))
    return joined


def _shared_opening(old: str, new: str) -> int:
    """How many leading characters the two share (by halving: each comparison runs in C)."""
    low, high = 0, min(len(old), len(new))
    while low < high:
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE.findall(text) if s]


def _sentence_segments(old: str, new: str, work: Work) -> list[tuple[bool, str, str]]:
    old_sentences, new_sentences = _sentences(old), _sentences(new)
    matcher = SequenceMatcher(None, old_sentences, new_sentences)  # autojunk: huge inputs
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_sentences[i1:i2]), "".join(new_sentences[j1:j2])
        if tag == "equal":
            segments.append((True, before, after))
        elif tag == "replace" and work.allows(before, after):
            segments += _matched(before, after)
        else:
            work.cut_short = work.cut_short or tag == "replace"
            segments.append((False, before, after))
    return segments


def _merge_chaff(segments: list[tuple[bool, str, str]]) -> list[tuple[bool, str, str]]:
    """Fold every unchanged run no longer than the edits on both sides into them, leftmost
    first, in one pass: a fold can only make the run before it foldable, never one further."""
    merged: list[tuple[bool, str, str]] = []
    for segment in segments:
        merged.append(segment)
        while len(merged) >= 3:
            before, (same, text, _), after = merged[-3:]
            if not (same and len(text) <= min(_edit_size(before), _edit_size(after))):
                break
            merged[-3:] = [(False, before[1] + text + after[1], before[2] + text + after[2])]
    return merged


def _edit_size(segment: tuple[bool, str, str]) -> int:
    return max(len(segment[1]), len(segment[2]))


def _render(segments: list[tuple[bool, str, str]]) -> str:
    parts = []
    for same, old, new in segments:
        if same:
            parts.append(escape(_elide(old)))
            continue
        if old:
            parts.append(f"<del>{escape(old)}</del>")
        if new:
            parts.append(f"<ins>{escape(new)}</ins>")
    return "".join(parts)


def _elide(text: str) -> str:
    if len(text) <= ELIDE_OVER:
        return text
    return f"{text[:KEEP]}…{text[-KEEP:]}"


# Body -----------------------------------------------------------------------------------


SKIPPED_TAGS = {"script", "style", "template"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Block:
    kind: str  # "段落", "小标题", "引用", "列表", "图片说明"
    text: str


def _kind(open_tags: list[str]) -> str:
    """What an editor would call the block, from the block elements it sits in."""
    if HEADINGS.intersection(open_tags):
        return "小标题"
    if "figure" in open_tags or "figcaption" in open_tags:
        return "图片说明"
    if "blockquote" in open_tags:
        return "引用"
    if "li" in open_tags:
        return "列表"
    return "段落"


class _BlockSplitter(HTMLParser):
    """Text of each block-level element, tags stripped and entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._open: list[str] = []
        self._text: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        elif tag in BLOCK_TAGS:
            self._flush()
            self._open.append(tag)
        elif tag == "br":
            self._text.append("\n")
        elif tag == "hr":
            self._flush()

    def handle_startendtag(self, tag, attrs):
        if tag not in SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCK_TAGS:
            self._flush()
            if tag in self._open:
                # Close everything the version left open inside this element too.
                while self._open.pop() != tag:
                    pass

    def handle_data(self, data):
        if not self._skipping:
            self._text.append(data)

    def close(self):
        super().close()
        self._flush()

    def _flush(self):
        text = " ".join("".join(self._text).split())
        self._text = []
        if text:
            self.blocks.append(Block(kind=_kind(self._open), text=text))


def split_blocks(html: str) -> list[Block]:
    splitter = _BlockSplitter()
    splitter.feed(html)
    splitter.close()
    return splitter.blocks


def _body_diff(old: str, new: str) -> str | None:
    if old.strip() == new.strip():
        return None
    old_blocks, new_blocks = split_blocks(old), split_blocks(new)
    if old_blocks == new_blocks:
        return FORMAT_ONLY_NOTE
    parts, work = [], Work()
    matcher = SequenceMatcher(
        None, old_blocks, new_blocks, autojunk=len(new_blocks) > AUTOJUNK_BLOCKS
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for before, after in _pair_blocks(old_blocks[i1:i2], new_blocks[j1:j2], work):
            parts.append(_render_block(before, after, work))
    if work.cut_short:
        parts.append(f'<p class="diff-context">{CUT_SHORT_NOTE}</p>')
    return "".join(parts)


def _pair_blocks(old: list[Block], new: list[Block], work: Work):
    """Pair each rewritten block with its closest counterpart; the rest were removed or added.

    The most alike pair anchors the split and both sides of it are paired the same way
    (as difflib.Differ does for lines), so a paragraph inserted before an edited one does
    not get diffed against it.
    """
    if len(old) * len(new) > MAX_PAIR_SEARCH:
        yield from _pair_in_order(old, new, work)
        return
    best, best_i, best_j = PAIR_CUTOFF, None, None
    matcher = SequenceMatcher(autojunk=False)
    for j, after in enumerate(new):
        matcher.set_seq2(after.text)
        for i, before in enumerate(old):
            matcher.set_seq1(before.text)
            if (ratio := _likeness(matcher, best, work)) > best:
                best, best_i, best_j = ratio, i, j
    if best_i is None:
        yield from ((before, None) for before in old)
        yield from ((None, after) for after in new)
        return
    yield from _pair_blocks(old[:best_i], new[:best_j], work)
    yield old[best_i], new[best_j]
    yield from _pair_blocks(old[best_i + 1 :], new[best_j + 1 :], work)


def _pair_in_order(old: list[Block], new: list[Block], work: Work):
    """Walk both lists together, looking a few blocks ahead for each block's partner."""
    i = j = 0
    while i < len(old) and j < len(new):
        skip = _nearest_partner(old, new, i, j, work)
        if skip is None:
            yield old[i], None
            yield None, new[j]
            i, j = i + 1, j + 1
            continue
        skip_old, skip_new = skip
        yield from ((before, None) for before in old[i : i + skip_old])
        yield from ((None, after) for after in new[j : j + skip_new])
        yield old[i + skip_old], new[j + skip_new]
        i, j = i + skip_old + 1, j + skip_new + 1
    yield from ((before, None) for before in old[i:])
    yield from ((None, after) for after in new[j:])


def _nearest_partner(
    old: list[Block], new: list[Block], i: int, j: int, work: Work
) -> tuple[int, int] | None:
    """How many blocks to skip on each side to reach a similar pair, fewest skipped first."""
    for distance in range(LOOKAHEAD + 1):
        for skip_old in range(distance + 1):
            skip_new = distance - skip_old
            if i + skip_old >= len(old) or j + skip_new >= len(new):
                continue
            before, after = old[i + skip_old], new[j + skip_new]
            matcher = SequenceMatcher(None, before.text, after.text, autojunk=False)
            if _likeness(matcher, PAIR_CUTOFF, work) > PAIR_CUTOFF:
                return skip_old, skip_new
    return None


def _likeness(matcher: SequenceMatcher, floor: float, work: Work) -> float:
    """The matcher's ratio when it may be over `floor` (else 0). Past the work's bounds, a
    cheaper lower bound: the share of characters in the shared opening and ending, or in the
    sentences both have, whichever is larger."""
    # The cheap upper bounds first: most unrelated pairs are ruled out without a full match.
    if matcher.real_quick_ratio() <= floor or matcher.quick_ratio() <= floor:
        return 0.0
    old, new = matcher.a, matcher.b
    if work.allows(old, new):
        return matcher.ratio()
    head = _shared_opening(old, new)
    ends = head + _shared_opening(old[head:][::-1], new[head:][::-1])
    old_sentences, new_sentences = _sentences(old), _sentences(new)
    in_sentences = sum(
        len(sentence)
        for i, _, size in SequenceMatcher(None, old_sentences, new_sentences).get_matching_blocks()
        for sentence in old_sentences[i : i + size]
    )
    return 2 * max(ends, in_sentences) / (len(old) + len(new))


def _render_block(before: Block | None, after: Block | None, work: Work) -> str:
    if before is None:
        return f'<p class="diff-added">{_kind_mark(after.kind)}<ins>{escape(after.text)}</ins></p>'
    if after is None:
        return (
            f'<p class="diff-removed">{_kind_mark(before.kind)}<del>{escape(before.text)}</del></p>'
        )
    if before.kind == after.kind:
        mark = _kind_mark(after.kind)
    else:
        mark = f'<span class="diff-kind">〔{before.kind}→{after.kind}〕</span>'
    changes = _render(_char_segments(before.text, after.text, work))
    return f'<p class="diff-changed">{mark}{changes}</p>'


def _kind_mark(kind: str) -> str:
    """Plain paragraphs go unmarked; a subhead, quote, list item or caption says what it is."""
    return "" if kind == "段落" else f'<span class="diff-kind">〔{kind}〕</span>'


# Lists ----------------------------------------------------------------------------------


def _list_diff(old: list[str], new: list[str]) -> str | None:
    if old == new:
        return None
    removed, kept_old = _split(old, Counter(old) - Counter(new))
    added, kept_new = _split(new, Counter(new) - Counter(old))
    if not removed and not added:
        return "、".join(escape(item) for item in new) + REORDER_NOTE
    items = [f"<del>{escape(item)}</del>" for item in removed]
    items += [f"<ins>{escape(item)}</ins>" for item in added]
    # Items on both sides that now stand in another order are worth a word too.
    return "、".join(items) + (REORDER_NOTE if kept_old != kept_new else "")


def _split(items: list[str], dropped: Counter) -> tuple[list[str], list[str]]:
    """(dropped, kept) in list order; of a repeated item, the last copies are the dropped ones."""
    left = Counter(dropped)
    gone, kept = [], []
    for item in reversed(items):
        if left[item]:
            left[item] -= 1
            gone.append(item)
        else:
            kept.append(item)
    return gone[::-1], kept[::-1]
