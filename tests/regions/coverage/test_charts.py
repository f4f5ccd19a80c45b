import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeData

from regions.coverage.charts import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"{m}月" for m in range(1, 13)]
HOSTILE = ['<script>alert("x")</script>', "A & B", "O'Brien", "1 < 2 > 0", "\x00\x1b控制\ud800字符"]


def bar(**kwargs):
    args = {"title": "2024年各月稿件数", "labels": MONTHS[:3], "values": [3, 5, 9]} | kwargs
    return bar_chart(**args)


def line(**kwargs):
    args = {
        "title": "三地稿件数",
        "labels": MONTHS[:3],
        "series": [Series("北京市", [12, 15, 9]), Series("天津市", [4, 0, 7])],
    } | kwargs
    return line_chart(**args)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def desc(root: ET.Element) -> str:
    return root.find(f"{SVG}desc").text


def group(root: ET.Element, name: str) -> ET.Element:
    return next(g for g in root.iter(f"{SVG}g") if g.get("class") == name)


def shown_text(element: ET.Element) -> str:
    """The visible text of a <text>, leaving out a <title> child (the full label on hover)."""
    title = element.find(f"{SVG}title")
    return (element.text or "") + (title.tail or "" if title is not None else "")


@pytest.mark.parametrize("chart", [bar, line])
def test_chart_parses_as_svg(chart):
    """The output is XML whose root is an <svg> in the SVG namespace with role="img"."""
    root = parse(chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"


@pytest.mark.parametrize("chart", [bar, line])
def test_chart_is_marked_safe(chart):
    """The output can go straight into a template without being escaped again."""
    assert isinstance(chart(), SafeData)


@pytest.mark.parametrize("chart", [bar, line])
def test_aria_labelledby_names_the_title_and_desc(chart):
    """aria-labelledby lists the ids of the <title> and the <desc>, in that order."""
    root = parse(chart(title="三地稿件数"))
    title, description = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby").split() == [title.get("id"), description.get("id")]
    assert title.text == "三地稿件数"


@pytest.mark.parametrize("chart", [bar, line])
def test_ids_are_lowercase_letters_digits_and_hyphens(chart):
    """Every id in the chart is made only of [a-z0-9-]."""
    ids = [el.get("id") for el in parse(chart()).iter() if el.get("id")]
    assert ids and all(re.fullmatch("[a-z0-9-]+", i) for i in ids)


@pytest.mark.parametrize("chart", [bar, line])
def test_two_identical_charts_get_different_ids(chart):
    """Two charts drawn from the same data still have distinct ids, so one page can hold both."""
    first, second = parse(chart()), parse(chart())
    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")


def test_bar_desc_reads_out_each_value():
    """The bar chart's <desc> names each label with its count."""
    assert "1月 3篇，2月 5篇，3月 9篇" in desc(parse(bar()))


def test_line_desc_reads_out_each_series():
    """The line chart's <desc> gives each series' name and values."""
    text = desc(parse(line()))
    assert "北京市：12、15、9" in text
    assert "天津市：4、0、7" in text


def test_long_desc_is_shortened():
    """With many points the <desc> keeps the first and last values and cuts the middle."""
    labels = [f"第{d}天" for d in range(1, 101)]
    text = desc(parse(bar(labels=labels, values=list(range(100)))))
    assert "第1天 0篇" in text and "第100天 99篇" in text and "……" in text
    assert "第50天" not in text


def test_one_rect_per_bar_with_a_hover_title():
    """Each value gets one <rect> whose <title> reads "标签：N 篇"."""
    rects = list(parse(bar()).iter(f"{SVG}rect"))
    assert [r.find(f"{SVG}title").text for r in rects] == ["1月：3 篇", "2月：5 篇", "3月：9 篇"]


def test_taller_bar_for_larger_value():
    """Bar heights follow the values."""
    heights = [float(r.get("height")) for r in parse(bar()).iter(f"{SVG}rect")]
    assert heights[0] < heights[1] < heights[2]


def test_one_polyline_per_series_in_distinct_colours():
    """Each series is drawn as one <polyline>, no two in the same colour."""
    series = [Series(f"系列{i}", [i, i + 1, i + 2]) for i in range(6)]
    lines = list(parse(line(series=series)).iter(f"{SVG}polyline"))
    assert len(lines) == 6
    assert len({pl.get("stroke") for pl in lines}) == 6


def test_legend_names_each_series():
    """The legend shows every series' name."""
    legend = group(parse(line()), "legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["北京市", "天津市"]


def test_one_circle_per_point_with_a_hover_title():
    """Each point is a <circle> titled with series, label and count."""
    circles = list(parse(line()).iter(f"{SVG}circle"))
    titles = [c.find(f"{SVG}title").text for c in circles if c.find(f"{SVG}title") is not None]
    assert len(titles) == 6
    assert "北京市，2月：15 篇" in titles


def test_y_axis_ticks_are_zero_and_round_steps():
    """A maximum of 12 gives y ticks 0, 5, 10, 15."""
    ticks = group(parse(bar(values=[3, 12, 7])), "y-ticks")
    assert [t.text for t in ticks.iter(f"{SVG}text")] == ["0", "5", "10", "15"]


def test_gridlines_are_light_grey():
    """Gridlines are drawn in light grey."""
    assert group(parse(bar()), "grid").get("stroke") == "#e0e0e0"


def test_axis_titles_come_from_the_labels():
    """y_label and x_label appear as axis titles."""
    root = parse(bar(y_label="稿件数", x_label="月份"))
    texts = {el.get("class"): el.text for el in root.iter(f"{SVG}text") if el.get("class")}
    assert texts["y-title"] == "稿件数"
    assert texts["x-title"] == "月份"


@pytest.mark.parametrize("chart", [bar, line])
def test_font_is_cjk_and_sizes_stay_between_11_and_14(chart):
    """The CJK font stack is set and every font size is 11–14."""
    root = parse(chart(x_label="月份"))
    assert root.get("font-family") == "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
    sizes = [int(el.get("font-size")) for el in root.iter() if el.get("font-size")]
    assert sizes and all(11 <= size <= 14 for size in sizes)


@pytest.mark.parametrize("chart", [bar, line])
def test_hostile_labels_are_escaped_and_the_svg_stays_valid(chart):
    """Labels with markup, &, quotes and control characters are escaped text, not markup."""
    svg = (
        bar(title=HOSTILE[0], labels=HOSTILE, values=[1, 2, 3, 4, 5])
        if chart is bar
        else line(title=HOSTILE[0], labels=HOSTILE, series=[Series(HOSTILE[0], [1, 2, 3, 4, 5])])
    )
    root = parse(svg)
    assert "<script>" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert root.find(f"{SVG}title").text == HOSTILE[0]
    shown = {shown_text(t) for t in group(root, "x-labels").iter(f"{SVG}text")}
    assert {"A & B", "O'Brien", "1 < 2 > 0"} <= shown


def test_all_zero_bars_render_without_dividing_by_zero():
    """All-zero data still draws one (baseline) rect per value at finite coordinates."""
    svg = bar(values=[0, 0, 0])
    rects = list(parse(svg).iter(f"{SVG}rect"))
    assert len(rects) == 3
    assert "nan" not in svg and "inf" not in svg
    assert all(float(r.get("y")) > 0 and float(r.get("height")) >= 0 for r in rects)


def test_all_zero_lines_render_without_dividing_by_zero():
    """All-zero series still draw their lines on the baseline."""
    root = parse(line(series=[Series("北京市", [0, 0, 0])]))
    assert len(list(root.iter(f"{SVG}polyline"))) == 1


@pytest.mark.parametrize("chart", [bar, line])
def test_empty_labels_say_no_data(chart):
    """No labels at all gives a valid SVG reading 暂无数据."""
    root = parse(chart(labels=[]))
    assert "暂无数据" in [t.text for t in root.iter(f"{SVG}text")]
    assert desc(root) == "暂无数据"


def test_line_chart_without_series_says_no_data():
    """Labels but no series gives 暂无数据 too."""
    assert desc(parse(line(series=[]))) == "暂无数据"


def test_many_labels_are_thinned_on_the_x_axis():
    """With 100 labels at most 12 are shown under the x axis, the first among them."""
    labels = [f"第{d}天" for d in range(1, 101)]
    root = parse(bar(labels=labels, values=list(range(100))))
    shown = list(group(root, "x-labels").iter(f"{SVG}text"))
    assert 2 <= len(shown) <= 12
    assert shown_text(shown[0]) == "第1天"
    assert len(list(root.iter(f"{SVG}rect"))) == 100


def test_missing_values_leave_gaps():
    """Values short of the labels draw no bar for the missing ones and read as 无数据."""
    root = parse(bar(values=[3]))
    assert len(list(root.iter(f"{SVG}rect"))) == 1
    assert "2月 无数据" in desc(root)
