import pytest

from articles.desk.copydesk import HEADLINE_MAX_CHARS, copy_warnings

CLEAN_BODY = (
    "<p>京津冀三地签署协议，推动“一网通办”再扩容（试点）。</p><p>下一步怎么走？拭目以待！</p>"
)
ADVICE = "应使用全角标点（，。：；！？“”）"
MISSING = ["还没有署名。", "还没有标注地区。", "还没有标注主题分类。"]


def warnings_for(**fields):
    """copy_warnings for a story that is otherwise complete and clean."""
    story = {
        "headline": "雄安新区迎来首批疏解企业",
        "kicker": "",
        "deck": "",
        "summary": "",
        "body": CLEAN_BODY,
        "bylines": 1,
        "regions": 1,
        "themes": 1,
    }
    story.update(fields)
    return copy_warnings(**story)


def test_clean_story_has_no_warnings():
    """A story with a short headline, full-width marks, byline, region and theme passes."""
    assert (
        warnings_for(kicker="京津冀协同发展十周年", deck="三地合力：共建共享", summary="记者：张三")
        == []
    )


def test_long_headline_gives_its_length_and_the_limit():
    """The warning names how many characters the headline has and the house limit."""
    assert warnings_for(headline="京" * 31) == ["主题有 31 个字，超过 28 字的建议长度。"]


def test_headline_exactly_at_the_limit_is_fine():
    """A headline of exactly HEADLINE_MAX_CHARS characters draws no warning."""
    assert HEADLINE_MAX_CHARS == 28
    assert warnings_for(headline="京" * 28) == []


def test_headline_limit_follows_the_settings(settings):
    """COPYDESK_HEADLINE_MAX_CHARS overrides the module's limit."""
    settings.COPYDESK_HEADLINE_MAX_CHARS = 20
    assert warnings_for(headline="京" * 21) == ["主题有 21 个字，超过 20 字的建议长度。"]


def test_ascii_comma_and_period_in_body_are_shown_with_context():
    """Each slip is quoted with two characters either side."""
    assert warnings_for(body="<p>三地合作,推动协同发展.</p>") == [
        f"正文有英文标点夹在中文里：“合作,推动”“发展.”，{ADVICE}。"
    ]


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("headline", "主题"),
        ("kicker", "引题"),
        ("deck", "副题"),
        ("summary", "导语"),
        ("body", "正文"),
    ],
)
@pytest.mark.parametrize("mark", [",", ".", ":", ";", "!", "?", '"'])
def test_ascii_mark_between_chinese_characters_is_flagged_in_each_field(field, name, mark):
    """Every half-width mark between Chinese characters is reported under its field's name."""
    assert warnings_for(**{field: f"协同{mark}发展"}) == [
        f"{name}有英文标点夹在中文里：“协同{mark}发展”，{ADVICE}。"
    ]


def test_ascii_parentheses_are_flagged_once_with_advice():
    """A parenthesis pair around Chinese is one example, and the advice names （）."""
    assert warnings_for(summary="记者张三(北京)报道") == [
        f"导语有英文标点夹在中文里：“张三(北京)报道”，{ADVICE}，括号应使用“（）”。"
    ]


def test_ascii_ellipsis_next_to_chinese_suggests_the_chinese_one():
    """Three periods after Chinese are one slip, and the advice names ……."""
    assert warnings_for(deck="等等...然后") == [
        f"副题有英文标点夹在中文里：“等等...然后”，{ADVICE}，省略号应使用“……”。"
    ]


def test_ascii_quotes_around_chinese_are_flagged():
    """Straight double quotes around a Chinese phrase are slips on both sides."""
    [warning] = warnings_for(kicker='推动"一网通办"扩容')
    assert warning.startswith("引题有英文标点夹在中文里：")


@pytest.mark.parametrize(
    "text",
    [
        "京津冀商标有效注册量达478.92万件",
        "共有1,500人参加",
        "会议于10:30开始",
        "PM2.5浓度下降",
        "IPv6地址全面普及",
        "详见https://example.com/a.b网页",
        "来信请寄editor@example.com。",
        "美国U.S.政策",
        "Apple Inc.公司",
    ],
)
def test_latin_numbers_urls_and_emails_in_chinese_are_not_flagged(text):
    """Marks inside numbers, times, Latin words, URLs and e-mail addresses are not slips."""
    assert warnings_for(summary=text) == []


def test_ascii_marks_between_latin_words_are_not_flagged():
    """An English phrase quoted in a Chinese story keeps its own punctuation."""
    assert warnings_for(body='<p>他引用了一句话：“Hello, world. Is it (really) "fine"?”</p>') == []


def test_sentence_mark_right_after_a_url_is_still_flagged():
    """The URL is protected, but an ASCII comma after it touching Chinese is not."""
    [warning] = warnings_for(summary="详见https://example.com/a.b,了解更多")
    assert "“.b,了解”" in warning


def test_body_tags_and_attributes_are_ignored():
    """Commas in href and title attributes, and the tags themselves, are not text."""
    body = '<p>详见<a href="http://x.y/a,b" title="中,文">链接</a>。</p><p><strong>合作</strong>，共赢。</p>'
    assert warnings_for(body=body) == []


def test_body_paragraphs_do_not_run_into_each_other():
    """A Latin mark at the end of one paragraph is not read next to the next paragraph."""
    assert warnings_for(body="<p>Read more...</p><p>京津冀</p>") == []


def test_body_entities_are_checked_after_unescaping():
    """&quot; around Chinese is a straight quote once the entity is unescaped."""
    [warning] = warnings_for(body="<p>推动&quot;一网通办&quot;扩容</p>")
    assert warning.startswith('正文有英文标点夹在中文里：“推动"一网')


def test_at_most_three_examples_per_field():
    """A field with many slips quotes the first three and says there are more."""
    assert warnings_for(body="<p>一是合作,二是协同,三是共享,四是发展,五是开放</p>") == [
        f"正文有英文标点夹在中文里：“合作,二是”“协同,三是”“共享,四是”等，{ADVICE}。"
    ]


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"bylines": 0}, "还没有署名。"),
        ({"regions": 0}, "还没有标注地区。"),
        ({"themes": 0}, "还没有标注主题分类。"),
    ],
)
def test_missing_byline_region_or_theme_is_reported(counts, message):
    """Each missing label gives its own sentence."""
    assert warnings_for(**counts) == [message]


def test_defaults_report_every_missing_label():
    """Called with a headline only, the story lacks byline, region and theme."""
    assert copy_warnings(headline="雄安新区迎来首批疏解企业") == MISSING


def test_several_problems_come_in_a_stable_order():
    """Headline length, then punctuation field by field, then the missing labels."""
    warnings = copy_warnings(
        headline="京" * 29,
        kicker="引题,有误",
        summary="导语.有误",
        body="<p>正文:有误</p>",
    )
    assert warnings == [
        "主题有 29 个字，超过 28 字的建议长度。",
        f"引题有英文标点夹在中文里：“引题,有误”，{ADVICE}。",
        f"导语有英文标点夹在中文里：“导语.有误”，{ADVICE}。",
        f"正文有英文标点夹在中文里：“正文:有误”，{ADVICE}。",
        *MISSING,
    ]
