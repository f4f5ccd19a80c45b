"""Read a newspaper page's OCR text into stories: repair the column lines, split the stories at
their openers (本报讯 雷嘉 …, □ 刘兵, 本报记者 X 报道, 新华社北京X月X日电), take the bylines, find
the headlines (above a story, or printed elsewhere on the page and matched by shared words).

Pure functions, no database: `importer.print_page_import` turns the result into drafts.
"""

import re
import statistics
from dataclasses import dataclass, field

from articles.text import HAN

MAX_BYTES = 2 * 1024 * 1024
NAME = f"[{HAN}]{{2,3}}"
SENTENCE_END = "。！？!?…"
CLOSERS = "”’」』）)》"
# A title never ends like a clause does, and never holds a full stop.
_CLAUSE_INSIDE = re.compile(r"[，；：,;:。！？!?]|、$")
_ROLE_WORDS = {"记者": "reporter", "通讯员": "correspondent", "实习生": "intern"}

_XINHUA = re.compile(
    rf"^新华社(?P<place>[{HAN}]{{2,6}}?)(?P<day>\d{{1,2}}月\d{{1,2}}日)电"
    rf"(?:\s*[（(](?:记者\s*)?(?P<names>{NAME}(?:[、\s]+{NAME})*)\s*[）)])?\s*"
)
_STAFF = re.compile(rf"^本报记者\s*(?P<names>{NAME}(?:[、\s]+{NAME})*)\s*报道\s*")
_BENBAO = re.compile(r"^本报讯\s+")
_SQUARE = re.compile(rf"^□\s*(?P<names>{NAME}(?:[、\s]+{NAME})*)\s*$")


class PrintPageError(ValueError):
    """The file cannot be read as a page; the message says why, in one line."""


@dataclass
class Story:
    source_line: str = ""
    dateline: str = ""
    bylines: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[tuple[str, str]] = field(default_factory=list)  # ("p" | "h2", text)
    titles: list[str] = field(default_factory=list)
    headline: str = ""
    kicker: str = ""
    headline_proposed: bool = False

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.blocks)

    @property
    def paragraphs(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "p"]


@dataclass
class ParsedPage:
    stories: list[Story]
    warnings: list[str] = field(default_factory=list)


# --- Bytes to text ------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8, or GB18030 (which covers GBK and GB2312); anything else is refused in one line."""
    if len(data) > MAX_BYTES:
        raise PrintPageError(f"文件有 {len(data) // 1024} KB，超过 {MAX_BYTES // 1024} KB 的上限。")
    if not data.strip():
        raise PrintPageError("文件是空的。")
    if b"\x00" in data:
        raise PrintPageError("这不是文本文件（含有二进制数据）。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PrintPageError("无法识别文件编码：请另存为 UTF-8 或 GB18030 后再导入。")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise PrintPageError("这不是文本文件（含有大量控制字符）。")
    if not re.search(f"[{HAN}]", text):
        raise PrintPageError("文件里没有中文文字，不像是一版报纸。")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Lines to stories ---------------------------------------------------------------------------


def _join(left: str, right: str) -> str:
    """Column lines join with nothing between, except two Latin words, which keep a space."""
    if left and right and re.match(r"[A-Za-z]", right) and re.search(r"[A-Za-z]$", left):
        return f"{left} {right}"
    return left + right


def _names(text: str) -> list[tuple[str, str]]:
    names, role = [], "reporter"
    for token in re.split(r"[、\s]+", text.strip()):
        if token in _ROLE_WORDS:
            role = _ROLE_WORDS[token]
        elif token and token not in {name for name, _ in names}:
            names.append((token, role))
    return names


def _opener(line: str) -> tuple[Story, str] | None:
    """A story opener at the start of `line`: the new story, and the text after the opener."""
    if match := _XINHUA.match(line):
        story = Story(source_line="新华社", dateline=match["place"])
        story.bylines = _names(match["names"] or "")
        return story, line[match.end() :]
    if match := _STAFF.match(line):
        story = Story(source_line="本报记者", bylines=_names(match["names"]))
        return story, line[match.end() :]
    if match := _SQUARE.match(line):
        story = Story(bylines=[(name, "author") for name, _ in _names(match["names"])])
        return story, ""
    if match := _BENBAO.match(line):
        rest = line[match.end() :]
        tokens = rest.split()
        bylines, role, used = [], "reporter", 0
        # Names are short tokens, each followed by more text: 本报讯 记者 张三 李四 正文…
        for index, token in enumerate(tokens[:-1]):
            if token in _ROLE_WORDS:
                role = _ROLE_WORDS[token]
            elif re.fullmatch(NAME, token):
                bylines.append((token, role))
            else:
                break
            used = index + 1
        if not bylines:
            return None
        body = " ".join(tokens[used:])
        return Story(source_line="本报讯", bylines=bylines), body
    return None


def _title_like(line: str, width: float, *, standalone: bool) -> bool:
    """A headline, kicker or subhead: no clause punctuation, and clearly shorter or longer than
    the column (a paragraph's first line is only indented), or alone between blank lines."""
    if len(line) > 40 or _CLAUSE_INSIDE.search(line):
        return False
    return standalone or len(line) <= width - 4 or len(line) > width + 4


def _unclosed(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count("《") > text.count("》")


def parse(text: str) -> ParsedPage:
    lines = [line.strip() for line in text.split("\n")]
    widths = [len(line) for line in lines if len(line) >= 6]
    width = statistics.median(widths) if widths else 16
    stories: list[Story] = []
    pending: list[str] = []  # title lines waiting to learn what they belong to
    orphans: list[str] = []  # titles that belong to no neighbouring story
    story: Story | None = None
    paragraph = ""

    def end_paragraph():
        nonlocal paragraph
        if story is not None and paragraph.strip():
            story.blocks.append(("p", paragraph.strip()))
        paragraph = ""

    def place_pending(next_is_opener: bool):
        nonlocal pending
        if not pending:
            return
        if next_is_opener or story is None:
            return  # kept for the next story
        # Titles between paragraphs of one story are its subheads.
        for title in pending:
            story.blocks.append(("h2", title))
        pending = []

    for index, line in enumerate(lines):
        if not line:
            # A blank line ends a paragraph only after a finished sentence: mid-sentence it is
            # a column break (科研院所、服务 / ⏎ / 机构等单位…).
            if _finished(paragraph):
                end_paragraph()
            continue
        opened = _opener(line)
        if opened:
            end_paragraph()
            story, rest = opened
            story.titles, pending = _merge_titles(pending), []
            stories.append(story)
            paragraph = rest
            continue
        previous = lines[index - 1] if index else ""
        following = lines[index + 1] if index + 1 < len(lines) else ""
        starts_fresh = not paragraph or not previous
        # Alone between blank lines, or right above a story's opener: a title whatever its length.
        standalone = (not previous and not following) or _opener(following) is not None
        if starts_fresh and _title_like(line, width, standalone=standalone):
            end_paragraph()
            pending.append(line)
            continue
        if pending:
            place_pending(next_is_opener=False)
        if story is None:
            story = Story()
            stories.append(story)
        paragraph = _join(paragraph, line)
        if (
            line[-1] in SENTENCE_END + CLOSERS
            and len(line) < width - 1
            and not _unclosed(paragraph)
        ):
            end_paragraph()
    end_paragraph()
    orphans += _merge_titles(pending)
    page = ParsedPage(stories=[s for s in stories if s.blocks or s.bylines])
    if not any(s.bylines for s in page.stories):
        page.warnings.append(
            "没有找到稿件开头（本报讯、□、本报记者、新华社…），整版作为一篇草稿导入。"
        )
    _assign_titles(page, orphans)
    return page


def _finished(text: str) -> bool:
    """Ends a sentence: 。！？… , or a closing quote or bracket right after one (。” ）)."""
    text = text.rstrip()
    if not text:
        return True
    if text[-1] in SENTENCE_END:
        return True
    return text[-1] in CLOSERS and len(text) > 1 and text[-2] in SENTENCE_END


def _merge_titles(lines: list[str]) -> list[str]:
    """Title lines as titles: a line that leaves a quote or book title open goes on."""
    titles: list[str] = []
    for line in lines:
        if titles and _unclosed(titles[-1]):
            titles[-1] += line
        else:
            titles.append(line)
    return titles


# --- Headlines ----------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    from articles.search import segment

    return {w for w in segment.document_words(text) if len(w) >= 2}


def _score(title: str, story: Story) -> float:
    words = _words(title)
    if not words:
        return 0.0
    body = story.text
    return sum(len(w) for w in words if w in body) / sum(len(w) for w in words)


def _assign_titles(page: ParsedPage, orphans: list[str]) -> None:
    """Titles above a story are its kicker and headline. Titles printed elsewhere go to the story
    they share most words with, best pairs first, one each; a story's own single title above
    it then becomes its kicker (a column label such as 协同发展看京津冀)."""
    for story in page.stories:
        if story.titles:
            story.headline = story.titles[-1]
            story.kicker = story.titles[-2] if len(story.titles) > 1 else ""
    titles = _split_runs(orphans, page.stories)
    pairs = sorted(
        (
            (_score(title, story), not story.headline, t, s)
            for t, title in enumerate(titles)
            for s, story in enumerate(page.stories)
        ),
        reverse=True,
    )
    used_titles, used_stories = set(), set()
    for score, _, t, s in pairs:
        if score < 0.5 or t in used_titles or s in used_stories:
            continue
        story = page.stories[s]
        if story.headline and not story.kicker:
            story.kicker = story.headline
        story.headline = titles[t]
        used_titles.add(t)
        used_stories.add(s)
    for t, title in enumerate(titles):
        if t not in used_titles:
            page.warnings.append(f"标题“{title}”找不到对应的稿件，没有使用。")
    for story in page.stories:
        if not story.headline:
            first = re.split(
                f"(?<=[{SENTENCE_END}])", story.paragraphs[0] if story.paragraphs else ""
            )[0]
            story.headline = first[:40].rstrip("，。；：") or "待定标题"
            story.headline_proposed = True


def _split_runs(titles: list[str], stories: list[Story]) -> list[str]:
    """OCR sometimes runs two bottom-of-page headlines into one line, the first broken across a
    line end: 京津冀推进知识 / 产权快速协同保护京津冀商标… . When a short title line ends inside
    a word that the next line finishes, the two are one run: cut it, at a word boundary, where
    the two parts fit two different stories best, preferring a second part that opens with a
    place name, as this desk's headlines do."""
    if len(stories) < 2:
        return titles
    from articles.search import segment

    out: list[str] = []
    index = 0
    while index < len(titles):
        title = titles[index]
        following = titles[index + 1] if index + 1 < len(titles) else ""
        run = title + following
        if following and len(title) <= 12 and _breaks_a_word(title, run):
            bounds, at = [], 0
            for word in segment.segmenter().cut(run):
                at += len(word)
                if len(title) < at < len(run) - 1:
                    bounds.append(at)
            choices = [(_pair_score(run[:cut], run[cut:], stories), cut) for cut in bounds]
            if choices:
                _, cut = max(choices)
                out += [run[:cut], run[cut:]]
                index += 2
                continue
        out += _split_joined(title, stories)
        index += 1
    return out


def _split_joined(title: str, stories: list[Story]) -> list[str]:
    """Two whole headlines printed as one line: split where both halves fit two different stories
    clearly better than the whole line fits one."""
    if len(title) < 16:
        return [title]
    from articles.search import segment

    whole = max(_score(title, story) for story in stories)
    best, at = (0.0, 0), 0
    for word in segment.segmenter().cut(title):
        at += len(word)
        if 6 <= at <= len(title) - 6:
            best = max(best, (_pair_score(title[:at], title[at:], stories), at))
    score, cut = best
    if cut and score >= 1.6 + 0.5 and score > whole + 1.0:
        return [title[:cut], title[cut:]]
    return [title]


def _breaks_a_word(title: str, run: str) -> bool:
    from articles.search import segment

    at = 0
    for word in segment.segmenter().cut(run):
        if at < len(title) < at + len(word):
            return True
        at += len(word)
    return False


_PLACES: set[str] = set()


def _pair_score(head: str, tail: str, stories: list[Story]) -> float:
    best = 0.0
    for a, first in enumerate(stories):
        for b, second in enumerate(stories):
            if a != b:
                best = max(best, _score(head, first) + _score(tail, second))
    if not _PLACES:
        from regions.suggest import region_words

        _PLACES.update(word for word, _ in region_words())
    if any(tail.startswith(place) for place in _PLACES):
        best += 0.5
    return best
