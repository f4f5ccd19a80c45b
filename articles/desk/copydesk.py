"""Copy-desk checks: warnings for the editor after saving, never reasons to refuse a save."""

import re

from django.conf import settings

from articles.html import body_text
from articles.text import HAN_CHAR

HEADLINE_MAX_CHARS = 28

# A run of half-width marks is judged as one: `说:"你好` is one slip, not two.
_ASCII_MARKS = re.compile(r'[,.:;!?"()]+')
# The trailing character class keeps a sentence mark after a URL out of the URL.
_URL = re.compile(r"(?:https?://|www\.)[!-~]*[A-Za-z0-9/#=&_~+-]")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_LATIN_WORD_BEFORE = re.compile(r"[A-Za-z][A-Za-z.]*$")
# U.S, e.g, Ph.D: short letter groups joined by periods; paper.cn is a domain, not one of them.
_DOTTED_ABBREVIATION = re.compile(r"[A-Za-z]{1,2}(?:\.[A-Za-z]{1,2})+")
# Latin abbreviations whose closing period may touch Chinese: 美国Apple Inc.公司.
_ABBREVIATIONS = {
    "co",
    "corp",
    "dr",
    "etc",
    "inc",
    "jr",
    "ltd",
    "mr",
    "mrs",
    "ms",
    "no",
    "prof",
    "st",
    "vs",
}
_EXAMPLES_PER_FIELD = 3
_CONTEXT_CHARS = 2


def _is_han(char: str) -> bool:
    return bool(char) and HAN_CHAR.match(char) is not None


def _is_latin_abbreviation(text: str, period_at: int) -> bool:
    """The period closes U.S., e.g. or Inc., so it belongs to the Latin text."""
    # Abbreviations are short: a word that fills the whole look-back is not one, and the
    # short look-back keeps long bodies linear.
    look_from = max(period_at - 12, 0)
    word = _LATIN_WORD_BEFORE.search(text, look_from, period_at)
    if word is None or (word.start() == look_from and look_from > 0):
        return False
    word = word.group()
    return bool(_DOTTED_ABBREVIATION.fullmatch(word)) or word.lower() in _ABBREVIATIONS


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for pattern in (_URL, _EMAIL) for m in pattern.finditer(text)]


def _snippet(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    window = text[max(line_start, start - _CONTEXT_CHARS) : min(line_end, end + _CONTEXT_CHARS)]
    return " ".join(window.split())


def misplaced_ascii_marks(text: str) -> list[tuple[str, str]]:
    """Half-width marks touching Chinese as (marks, context) pairs, in reading order.

    Marks between digits (478.92, 1,500, 10:30) or Latin letters (PM2.5, e.g.), and
    anything inside a URL or an e-mail address, are left alone: they are not Chinese text.
    """
    protected = _protected_spans(text)
    spans: list[list] = []  # [start, end, marks]
    for mark in _ASCII_MARKS.finditer(text):
        start, end = mark.span()
        if any(low <= start < high for low, high in protected):
            continue
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if not (_is_han(before) or _is_han(after)):
            continue
        if mark.group() == "." and _is_latin_abbreviation(text, start):
            continue
        # Slips whose contexts overlap make one example: `张三(北京)报道`, not two.
        if spans and start - _CONTEXT_CHARS < spans[-1][1] + _CONTEXT_CHARS:
            spans[-1][1] = end
            spans[-1][2] += " " + mark.group()
        else:
            spans.append([start, end, mark.group()])
    found: list[tuple[str, str]] = []
    for start, end, marks in spans:
        slip = (marks, _snippet(text, start, end))
        if slip not in found:
            found.append(slip)
    return found


def _punctuation_warning(field: str, text: str) -> str | None:
    slips = misplaced_ascii_marks(text)
    if not slips:
        return None
    examples = "".join(f"“{snippet}”" for _, snippet in slips[:_EXAMPLES_PER_FIELD])
    if len(slips) > _EXAMPLES_PER_FIELD:
        examples += "等"
    marks = "".join(marks for marks, _ in slips)
    advice = "应使用全角标点（，。：；！？“”）"
    if "(" in marks or ")" in marks:
        advice += "，括号应使用“（）”"
    if any("..." in marks for marks, _ in slips):
        advice += "，省略号应使用“……”"
    return f"{field}有英文标点夹在中文里：{examples}，{advice}。"


def headline_max_chars() -> int:
    """The house limit, unless the settings name another."""
    return getattr(settings, "COPYDESK_HEADLINE_MAX_CHARS", HEADLINE_MAX_CHARS)


def copy_warnings(
    *,
    headline: str,
    kicker: str = "",
    deck: str = "",
    summary: str = "",
    body: str = "",
    bylines: int = 0,
    regions: int = 0,
    themes: int = 0,
) -> list[str]:
    """Chinese sentences, one per problem, in a stable order."""
    warnings = []

    limit = headline_max_chars()
    length = len(headline.strip())
    if length > limit:
        warnings.append(f"主题有 {length} 个字，超过 {limit} 字的建议长度。")

    fields = [
        ("主题", headline),
        ("引题", kicker),
        ("副题", deck),
        ("导语", summary),
        ("正文", body_text(body)),
    ]
    for name, text in fields:
        warning = _punctuation_warning(name, text or "")
        if warning:
            warnings.append(warning)

    if not bylines:
        warnings.append("还没有署名。")
    if not regions:
        warnings.append("还没有标注地区。")
    if not themes:
        warnings.append("还没有标注主题分类。")
    return warnings
