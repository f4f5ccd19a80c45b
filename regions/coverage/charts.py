"""Server-side SVG charts: bars for one series (稿件数 per month), lines for several (稿件数 per
region over time). Readable without JavaScript, no third-party packages.

The SVG is meant to be inlined in a page, so:

- every piece of text is escaped, after dropping the characters XML cannot hold at all (control
  characters, lone surrogates), so the output parses as XML whatever the labels are;
- presentation is given by attributes only: a <style> element in inline SVG would style the whole
  page, and style="" attributes are blocked by a strict Content-Security-Policy;
- text uses currentColor, so it follows the colour of the surrounding page;
- the chart is role="img" with a <title> and a <desc> (the data in words) referenced by
  aria-labelledby; bars and points also carry a <title> each, shown on hover.

Values are aligned to labels: extra values are ignored, missing ones (or None) are drawn as gaps
and read out as 无数据.
"""

import decimal
import hashlib
import itertools
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

FONT_FAMILY = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
# Okabe–Ito, without its yellow (too pale on white): told apart with the usual colour-vision
# deficiencies. Beyond these, colours repeat with a dash pattern.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
BAR_COLOUR = PALETTE[0]
GRID_COLOUR = "#e0e0e0"
AXIS_COLOUR = "#767676"
UNIT = "篇"
NO_DATA = "暂无数据"

TITLE_SIZE, AXIS_SIZE, TICK_SIZE, LEGEND_SIZE = 14, 12, 11, 12
PAD, RIGHT = 8, 16
MIN_PLOT_WIDTH, MIN_PLOT_HEIGHT = 80, 60
MAX_X_LABELS = 12  # shown on the x axis; the rest are thinned out
MIN_X_SLOT = 28  # pixels per shown x label, at the least
MAX_X_LABEL_WIDTH = 96  # longer labels are cut with … rather than thinned further
MAX_DESC_POINTS = 12  # values read out in full in <desc>; longer runs are cut
MAX_DESC_SERIES = 8
MAX_BAR_WIDTH = 64
MAX_VALUE_LABELS = 31  # bars with their number written above them

_counter = itertools.count(1)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Series:
    name: str  # e.g. "北京市"
    values: list[int]  # one per label


def bar_chart(
    *,
    title: str,
    labels: list[str],
    values: list[int],
    width: int = 640,
    height: int = 240,
    y_label: str = "稿件数",
    x_label: str = "",
) -> str:
    """One bar per label, each with a hover title ("1月：3 篇")."""
    title, y_label, x_label = _clean(title), _clean(y_label), _clean(x_label)
    labels = [_clean(label) for label in labels]
    numbers_ = _align(values, len(labels))
    chart_id = _chart_id("bar", title, labels, numbers_)
    present = [v for v in numbers_ if v is not None]
    if not present:
        return _no_data(chart_id, width, height, title)

    frame, head = _frame(
        width,
        height,
        title=title,
        ticks=_ticks(min(present), max(present)),
        y_label=y_label,
        x_label=x_label,
    )
    n = len(labels)
    band = frame.band(n)
    bar_width = min(band * (0.7 if band >= 4 else 0.9), MAX_BAR_WIDTH)
    zero = frame.y(0)
    value_texts = [_fmt(v) for v in present]
    show_values = (
        n <= MAX_VALUE_LABELS and band >= max(_text_width(t, TICK_SIZE) for t in value_texts) + 2
    )

    bars = [f'<g class="bars" fill="{BAR_COLOUR}">']
    notes = ['<g class="values" text-anchor="middle">']
    for i, (label, value) in enumerate(zip(labels, numbers_, strict=True)):
        if value is None:
            continue
        at = frame.y(value)
        top, tall = min(zero, at), abs(zero - at)
        if value == 0:
            top, tall = zero - 1.5, 1.5  # a mark on the baseline: 0, not missing
        elif tall < 1:  # tiny next to the largest: still visible
            top, tall = (zero - 1 if value > 0 else zero), 1
        x = frame.left + i * band + (band - bar_width) / 2
        bars.append(
            f'<rect x="{_n(x)}" y="{_n(top)}" width="{_n(bar_width)}" height="{_n(tall)}">'
            f"<title>{_esc(label)}：{_fmt(value)} {UNIT}</title></rect>"
        )
        if show_values:
            # Negatives are labelled above the baseline, clear of the x labels.
            y = (top if value >= 0 else zero) - 4
            notes.append(f'<text x="{_n(frame.x(i, n))}" y="{_n(y)}">{_fmt(value)}</text>')
    bars.append("</g>")
    notes.append("</g>")
    body = [*head, *_axes(frame, labels, x_label), *bars, *(notes if show_values else [])]
    return _svg(
        chart_id, frame.width, frame.height, title, _bar_desc(labels, numbers_, y_label), body
    )


def line_chart(
    *,
    title: str,
    labels: list[str],
    series: list[Series],
    width: int = 720,
    height: int = 280,
    y_label: str = "稿件数",
    x_label: str = "",
) -> str:
    """One line per series, a dot with a hover title per point, and a legend."""
    title, y_label, x_label = _clean(title), _clean(y_label), _clean(x_label)
    labels = [_clean(label) for label in labels]
    n = len(labels)
    lines = [(_clean(s.name), _align(s.values, n)) for s in series]
    chart_id = _chart_id("line", title, labels, lines)
    present = [v for _, values in lines for v in values if v is not None]
    if not present:
        return _no_data(chart_id, width, height, title)

    styles = [_style(i) for i in range(len(lines))]
    legend = [(name, colour, dash) for (name, _), (colour, dash) in zip(lines, styles, strict=True)]
    frame, head = _frame(
        width,
        height,
        title=title,
        ticks=_ticks(min(present), max(present)),
        y_label=y_label,
        x_label=x_label,
        legend=legend,
    )
    radius = 3 if frame.band(n) >= 8 else 2
    body = [*head, *_axes(frame, labels, x_label)]
    for (name, values), (colour, dash) in zip(lines, styles, strict=True):
        points = [
            (frame.x(i, n), frame.y(v), label, v)
            for i, (label, v) in enumerate(zip(labels, values, strict=True))
            if v is not None
        ]
        body.append('<g class="series">')
        if points:
            body.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"'
                f'{_dash(dash)} points="{" ".join(f"{_n(x)},{_n(y)}" for x, y, _, _ in points)}"/>'
            )
        for x, y, label, value in points:
            body.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{radius}" fill="{colour}" stroke="#ffffff" '
                f'stroke-width="1"><title>{_esc(name)}，{_esc(label)}：{_fmt(value)} {UNIT}</title>'
                "</circle>"
            )
        body.append("</g>")
    return _svg(
        chart_id, frame.width, frame.height, title, _line_desc(labels, lines, y_label), body
    )


# Layout


@dataclass
class _Frame:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    ticks: list[int]

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)

    def band(self, n: int) -> float:
        return (self.right - self.left) / max(n, 1)

    def x(self, i: int, n: int) -> float:
        return self.left + (i + 0.5) * self.band(n)


def _frame(width, height, *, title, ticks, y_label, x_label, legend=()) -> tuple[_Frame, list[str]]:
    """Margins, the visible title, the legend and the y-axis title, top to bottom."""
    left = PAD + max(_text_width(_fmt(t), TICK_SIZE) for t in ticks) + 8
    width = max(int(width), math.ceil(left) + RIGHT + MIN_PLOT_WIDTH)
    right = width - RIGHT
    parts, cursor = [], PAD
    if title:
        cursor += TITLE_SIZE
        parts.append(
            f'<text class="chart-title" x="{PAD}" y="{cursor}" font-size="{TITLE_SIZE}" font-weight="bold">'
            f"{_fitted(title, width - 2 * PAD, TITLE_SIZE)}</text>"
        )
        cursor += 8
    if legend:
        rows, legend_parts = _legend(legend, left, right, cursor)
        parts += legend_parts
        cursor += rows * (LEGEND_SIZE + 8)
    if y_label:
        cursor += AXIS_SIZE
        parts.append(
            f'<text class="y-title" x="{PAD}" y="{cursor}" font-size="{AXIS_SIZE}">'
            f"{_fitted(y_label, width - 2 * PAD, AXIS_SIZE)}</text>"
        )
    top = cursor + 16
    below = PAD + TICK_SIZE + 10 + (AXIS_SIZE + 8 if x_label else 0)
    height = max(int(height), top + MIN_PLOT_HEIGHT + below)
    return _Frame(width, height, left, top, right, height - below, ticks), parts


def _legend(items, left, right, cursor) -> tuple[int, list[str]]:
    parts, x, rows = ['<g class="legend">'], left, 1
    most = min(180, right - left - 22)
    for name, colour, dash in items:
        shown = _fit(name, most, LEGEND_SIZE)
        item = 22 + _text_width(shown, LEGEND_SIZE)
        if x > left and x + item > right:
            x, rows = left, rows + 1
        base = cursor + rows * (LEGEND_SIZE + 8) - 6
        mid = base - LEGEND_SIZE / 2 + 2
        parts.append(
            f'<g><line x1="{_n(x)}" y1="{_n(mid)}" x2="{_n(x + 18)}" y2="{_n(mid)}" stroke="{colour}" '
            f'stroke-width="2"{_dash(dash)}/><circle cx="{_n(x + 9)}" cy="{_n(mid)}" r="3" fill="{colour}"/>'
            f'<text x="{_n(x + 22)}" y="{_n(base)}" font-size="{LEGEND_SIZE}">{_with_title(name, shown)}</text></g>'
        )
        x += item + 14
    parts.append("</g>")
    return rows, parts


def _axes(frame: _Frame, labels: list[str], x_label: str) -> list[str]:
    """Gridlines and y ticks, the axis lines, thinned x labels and the x-axis title."""
    parts = [
        f'<g class="grid" stroke="{GRID_COLOUR}" stroke-width="1" shape-rendering="crispEdges">'
    ]
    for tick in frame.ticks:
        y = _n(frame.y(tick))
        parts.append(f'<line x1="{_n(frame.left)}" y1="{y}" x2="{_n(frame.right)}" y2="{y}"/>')
    parts.append("</g>")
    parts.append(f'<g class="y-ticks" font-size="{TICK_SIZE}" text-anchor="end">')
    for tick in frame.ticks:
        parts.append(
            f'<text x="{_n(frame.left - 6)}" y="{_n(frame.y(tick) + 4)}">{_fmt(tick)}</text>'
        )
    parts.append("</g>")

    zero = _n(frame.y(0))
    parts.append(
        f'<g stroke="{AXIS_COLOUR}" stroke-width="1" shape-rendering="crispEdges">'
        f'<line x1="{_n(frame.left)}" y1="{_n(frame.top)}" x2="{_n(frame.left)}" y2="{_n(frame.bottom)}"/>'
        f'<line x1="{_n(frame.left)}" y1="{zero}" x2="{_n(frame.right)}" y2="{zero}"/></g>'
    )

    n = len(labels)
    band = frame.band(n)
    widest = max((_text_width(label, TICK_SIZE) for label in labels), default=0)
    slot = max(MIN_X_SLOT, min(widest, MAX_X_LABEL_WIDTH) + 8)
    shown = max(1, min(MAX_X_LABELS, int((frame.right - frame.left) // slot)))
    step = math.ceil(n / shown)
    parts.append(f'<g class="x-labels" font-size="{TICK_SIZE}" text-anchor="middle">')
    for i in range(0, n, step):
        x = frame.x(i, n)
        room = min(band * step - 4, 2 * (x - 2), 2 * (frame.width - 2 - x))
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(frame.bottom)}" x2="{_n(x)}" y2="{_n(frame.bottom + 4)}" '
            f'stroke="{AXIS_COLOUR}"/><text x="{_n(x)}" y="{_n(frame.bottom + TICK_SIZE + 6)}">'
            f"{_with_title(labels[i], _fit(labels[i], room, TICK_SIZE))}</text>"
        )
    parts.append("</g>")
    if x_label:
        middle = (frame.left + frame.right) / 2
        parts.append(
            f'<text class="x-title" x="{_n(middle)}" y="{_n(frame.bottom + TICK_SIZE + AXIS_SIZE + 14)}" '
            f'font-size="{AXIS_SIZE}" text-anchor="middle">{_fitted(x_label, frame.width - 2 * PAD, AXIS_SIZE)}</text>'
        )
    return parts


def _ticks(low: float, high: float, target: int = 4) -> list[int]:
    """0 and round steps (1, 2, 5 × 10ⁿ) covering low..high, about `target` of them."""
    low, high = min(low, 0), max(high, 0)
    if low == high:
        high = 1  # all zero
    span, scale = high - low, 1
    while True:
        for mantissa in (1, 2, 5):
            step = mantissa * scale
            if step * target >= span:
                first, last = math.floor(low / step), math.ceil(high / step)
                return [k * step for k in range(first, last + 1)]
        scale *= 10


# Text alternative


def _bar_desc(labels: list[str], values: list, y_label: str) -> str:
    present = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
    top_label, top = max(present, key=lambda pair: pair[1])
    items = [f"{label} {_amount(v)}" for label, v in zip(labels, values, strict=True)]
    kind = f"柱状图（{y_label}）" if y_label else "柱状图"
    return (
        f"{kind}，共{len(labels)}项：{'，'.join(_shortened(items))}。"
        f"合计{_fmt(sum(v for _, v in present))}{UNIT}，最高为{top_label}（{_fmt(top)}{UNIT}）。"
    )


def _line_desc(labels: list[str], lines: list[tuple[str, list]], y_label: str) -> str:
    kind = f"折线图（{y_label}）" if y_label else "折线图"
    span = labels[0] if len(labels) == 1 else f"{labels[0]}至{labels[-1]}"
    parts = []
    for name, values in lines[:MAX_DESC_SERIES]:
        text = f"{name}：{'、'.join(_shortened([_fmt(v) if v is not None else '无数据' for v in values]))}"
        present = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
        if len(values) > MAX_DESC_POINTS and present:
            top_label, top = max(present, key=lambda pair: pair[1])
            text += f"（最高{_fmt(top)}，{top_label}）"
        parts.append(text)
    if len(lines) > MAX_DESC_SERIES:
        parts.append(f"另有{len(lines) - MAX_DESC_SERIES}个系列从略")
    return f"{kind}，{span}，共{len(labels)}个数据点，单位：{UNIT}。{'；'.join(parts)}。"


def _shortened(items: list[str]) -> list[str]:
    """All items, or for long runs the first eight, ……, and the last two."""
    if len(items) <= MAX_DESC_POINTS:
        return items
    return [*items[:8], "……", *items[-2:]]


def _amount(value) -> str:
    return "无数据" if value is None else f"{_fmt(value)}{UNIT}"


# SVG pieces


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    # Safe: every piece of text in it went through escape().
    return mark_safe(
        "\n".join(
            [
                f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
                f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
                f'width="100%" class="chart" font-family="{FONT_FAMILY}" font-size="{TICK_SIZE}" '
                'fill="currentColor">',
                f'<title id="{chart_id}-title">{_esc(title)}</title>',
                f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>',
                *body,
                "</svg>",
            ]
        )
    )


def _no_data(chart_id: str, width, height, title: str) -> str:
    width, height = max(int(width), 120), max(int(height), 60)
    body = []
    if title:
        body.append(
            f'<text class="chart-title" x="{PAD}" y="{PAD + TITLE_SIZE}" font-size="{TITLE_SIZE}" '
            f'font-weight="bold">{_fitted(title, width - 2 * PAD, TITLE_SIZE)}</text>'
        )
    body.append(
        f'<text x="{_n(width / 2)}" y="{_n(height / 2 + 5)}" font-size="{TITLE_SIZE}" '
        f'text-anchor="middle">{NO_DATA}</text>'
    )
    return _svg(chart_id, width, height, title, NO_DATA, body)


def _chart_id(kind: str, *data) -> str:
    """Unique per call: a hash of the chart's data and a counter; only [a-z0-9-]."""
    digest = hashlib.sha1(repr(data).encode("utf-8", "surrogatepass"), usedforsecurity=False)
    return f"chart-{kind}-{digest.hexdigest()[:8]}-{next(_counter)}"


def _style(i: int) -> tuple[str, str]:
    return PALETTE[i % len(PALETTE)], DASHES[(i // len(PALETTE)) % len(DASHES)]


def _dash(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def _with_title(full: str, shown: str) -> str:
    """The shown (perhaps shortened) text, with the full text on hover when it was cut."""
    return _esc(shown) if shown == full else f"<title>{_esc(full)}</title>{_esc(shown)}"


def _fitted(text: str, room: float, size: int) -> str:
    return _with_title(text, _fit(text, room, size))


# Text and numbers


def _clean(text) -> str:
    """`text` as a string without the characters XML 1.0 cannot hold, even escaped."""
    return _NOT_XML.sub("", str(text))


def _esc(text: str) -> str:
    return escape(_clean(text))


def _text_width(text: str, size: float) -> float:
    """Estimated: CJK and other wide characters are 1 em, the rest about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def _fit(text: str, room: float, size: float) -> str:
    """`text`, cut with … to fit `room` pixels."""
    if _text_width(text, size) <= room:
        return text
    while text and _text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…" if text else ""


def _align(values, n: int) -> list:
    """One number (or None, for missing) per label."""
    numbers_ = [_number(v) for v in list(values)[:n]]
    return numbers_ + [None] * (n - len(numbers_))


def _number(value):
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real | decimal.Decimal) and math.isfinite(value):
        value = float(value)
        return int(value) if value.is_integer() else value
    return None


def _fmt(value) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _n(x: float) -> str:
    """A coordinate, to a tenth of a pixel."""
    text = f"{x:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text
