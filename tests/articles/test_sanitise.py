"""Hostile bodies: whatever is typed or pasted, only a news story's HTML is stored."""

import pytest
from django.urls import reverse

from articles.html import clean_body
from articles.models import Article
from tests.articles.desk import change_form, desk_story, new_article_form
from tests.factories import make_author, make_section

pytestmark = pytest.mark.django_db

# (id, hostile body, fragments that must not survive, in lower case)
HOSTILE = [
    ("script", '<p>正文</p><script>alert("x")</script>', ["<script", "alert"]),
    ("img-onerror", '<img src=x onerror="alert(1)">', ["onerror", "alert"]),
    ("a-javascript", '<a href="javascript:alert(1)">点击</a>', ["javascript", "href"]),
    ("a-mixed-case-javascript", '<a href=" JaVaScRiPt:alert(1)">点击</a>', ["javascript", "href"]),
    ("a-entity-javascript", '<a href="&#106;avascript:alert(1)">点击</a>', ["avascript", "href"]),
    ("a-tab-javascript", '<a href="jav&#x09;ascript:alert(1)">点击</a>', ["ascript", "href"]),
    ("img-javascript", '<IMG SRC="javascript:alert(1)">', ["javascript", "src"]),
    (
        "style-attribute",
        '<p style="background:url(javascript:alert(1))">文字</p>',
        ["style", "javascript"],
    ),
    ("iframe", '<iframe src="https://evil.example/"></iframe>', ["iframe", "evil"]),
    ("svg-onload", '<svg onload="alert(1)"><circle r="1"/></svg>', ["svg", "onload", "circle"]),
    ("style-element", "<style>body{display:none}</style><p>文字</p>", ["<style", "display"]),
    (
        "a-data-url",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">链接</a>',
        ["data:", "href"],
    ),
    ("img-data-url", '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', ["data:", "src"]),
    ("unknown-tags", "<marquee>滚动</marquee><blink>闪烁</blink>", ["marquee", "blink"]),
    ("object-embed", '<object data="x.swf"></object><embed src="x.swf">', ["object", "embed"]),
    ("form", '<form action="https://evil.example"><input name="p"></form>', ["form", "input"]),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">', ["meta"]),
    ("handler-on-allowed-tag", '<p onclick="steal()">文字</p>', ["onclick", "steal"]),
    ("nested-script", "<scr<script>ipt>alert(1)</script>", ["<script", "<scr", "<ipt"]),
    ("script-in-comment", "<!--<script>alert(1)</script>--><p>文字</p>", ["<script", "<!--"]),
    ("truncated-tag", '<p>文字<img src="x" onerror="alert(1)"', ["onerror", "alert"]),
    ("unclosed-script", "<p>文字</p><script>alert(1)", ["<script", "alert"]),
    (
        "attribute-breakout",
        '<a href="https://example.com/" x="1"onclick="a()">链接</a>',
        ["onclick"],
    ),
]

# (id, allowed body, what it is stored as)
ALLOWED = [
    ("paragraph", "<p>京津冀三地联合发布数据。</p>", "<p>京津冀三地联合发布数据。</p>"),
    ("subheads", "<h2>小标题</h2><h3>三级标题</h3>", "<h2>小标题</h2><h3>三级标题</h3>"),
    (
        "emphasis",
        "<p><strong>加粗</strong>和<em>强调</em></p>",
        "<p><strong>加粗</strong>和<em>强调</em></p>",
    ),
    ("blockquote", "<blockquote><p>引语</p></blockquote>", "<blockquote><p>引语</p></blockquote>"),
    (
        "lists",
        "<ul><li>一</li></ul><ol><li>二</li></ol>",
        "<ul><li>一</li></ul><ol><li>二</li></ol>",
    ),
    (
        "figure",
        '<figure><img src="https://example.com/a.jpg" alt="会场"><figcaption>会场</figcaption></figure>',
        '<figure><img src="https://example.com/a.jpg" alt="会场"><figcaption>会场</figcaption></figure>',
    ),
    (
        "https-link",
        '<p><a href="https://www.example.cn/report">报告全文</a></p>',
        '<p><a href="https://www.example.cn/report" rel="noopener noreferrer">报告全文</a></p>',
    ),
]


def ids(cases):
    return [case[0] for case in cases]


def bodies(cases):
    return [case[1:] for case in cases]


# --- articles.html.clean_body ------------------------------------------------------------


@pytest.mark.parametrize(("html", "forbidden"), bodies(HOSTILE), ids=ids(HOSTILE))
def test_clean_body_removes_the_hostile_part(html, forbidden):
    """Nothing that could run, restyle, frame or navigate away survives the sanitiser."""
    cleaned = clean_body(html).lower()
    for fragment in forbidden:
        assert fragment not in cleaned


@pytest.mark.parametrize(("html", "expected"), bodies(ALLOWED), ids=ids(ALLOWED))
def test_clean_body_keeps_a_news_storys_html(html, expected):
    """Paragraphs, subheads, emphasis, quotes, lists, figures and https links survive."""
    assert clean_body(html) == expected


def test_clean_body_keeps_the_words_of_removed_tags():
    """An unknown tag goes but the reporter's words inside it stay."""
    assert clean_body("<p><marquee>滚动</marquee>新闻</p>") == "<p>滚动新闻</p>"


def test_clean_body_drops_the_words_inside_script_and_style():
    """Code is not text: what was inside script and style is gone, not shown."""
    assert clean_body("<script>var x=1;</script><style>p{}</style><p>正文</p>") == "<p>正文</p>"


def test_clean_body_closes_unclosed_tags():
    """Broken HTML is balanced, so it cannot swallow the rest of the page."""
    assert clean_body("<p>未闭合的<strong>加粗") == "<p>未闭合的<strong>加粗</strong></p>"


def test_clean_body_escapes_a_stray_angle_bracket():
    """A lone < in the text becomes &lt;, not the start of a tag."""
    assert clean_body("<p>温度<5度</p>") == "<p>温度&lt;5度</p>"


@pytest.mark.parametrize(
    "link",
    [
        pytest.param('<a href="https://example.com/">链接</a>', id="no-rel"),
        pytest.param('<a href="https://example.com/" rel="opener">链接</a>', id="rel-opener"),
        pytest.param('<a href="https://example.com/" target="_blank">链接</a>', id="target-blank"),
    ],
)
def test_clean_body_gives_links_noopener_noreferrer(link):
    """Every link opens without handing the new page a way back, whatever rel it came with."""
    assert clean_body(link) == '<a href="https://example.com/" rel="noopener noreferrer">链接</a>'


def test_clean_body_of_nothing_is_empty():
    """An empty or missing body is stored as an empty string."""
    assert (clean_body(""), clean_body(None)) == ("", "")


# --- Through the admin -------------------------------------------------------------------


@pytest.fixture
def add_story(client, people):
    """POST a new story with the body given, as the duty editor, and return what was stored."""
    client.force_login(people["duty_editor"])
    section, author = make_section(), make_author(name="雷嘉")

    def add(body: str) -> Article:
        data = new_article_form(section, author, body=body)
        response = client.post(reverse("admin:articles_article_add"), data)
        assert response.status_code == 302
        return Article.objects.latest("pk")

    return add


@pytest.mark.parametrize(("html", "forbidden"), bodies(HOSTILE), ids=ids(HOSTILE))
def test_admin_add_form_stores_a_sanitised_body(add_story, html, forbidden):
    """A hostile body posted to the add form is stored without its hostile part."""
    stored = add_story(html).body.lower()
    for fragment in forbidden:
        assert fragment not in stored


@pytest.mark.parametrize(("html", "expected"), bodies(ALLOWED), ids=ids(ALLOWED))
def test_admin_add_form_keeps_a_news_storys_html(add_story, html, expected):
    """The allowed HTML is stored as the sanitiser returns it."""
    assert add_story(html).body == expected


def test_admin_change_form_stores_a_sanitised_body(client, people):
    """Editing a story cannot slip a script past the sanitiser either."""
    article = desk_story(Article.Status.DRAFT, by=people["reporter"])
    client.force_login(people["reporter"])
    body = '<p onclick="steal()">改写后的正文。</p><script>alert(1)</script>'
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.post(url, change_form(article, body=body)).status_code == 302
    assert Article.objects.get(pk=article.pk).body == "<p>改写后的正文。</p>"


def test_preview_of_a_hostile_body_carries_no_script(client, add_story):
    """The page showing the stored body has none of what was stripped."""
    article = add_story('<p>正文</p><img src=x onerror="alert(1)"><script>alert(2)</script>')
    content = client.get(reverse("admin:articles_article_preview", args=[article.pk])).content
    assert b"onerror" not in content
    assert b"alert(" not in content
    assert "<p>正文</p>".encode() in content
