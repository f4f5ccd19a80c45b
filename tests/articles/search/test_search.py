import html
import re
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.demo import content as demo_content
from articles.models import Article, SearchEntry
from articles.search import engine as search
from articles.search import segment
from regions.models import Region, Theme
from tests.articles.desk import change_form, desk_story, scheduled_story
from tests.factories import make_article, make_section

# Each test also runs with fragments cached (tests/conftest.py, fragment_modes).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_modes")]

ON_POSTGRES = connection.vendor == "postgresql"
BEIJING = ZoneInfo("Asia/Shanghai")

DEMO = {story["key"]: story["headline"] for story in demo_content.ARTICLES}
EXTRA = {
    # Only 知识产权局 in its body: the theme word must be found inside the longer word.
    "extra-bureau": ("企业服务热线开通", "<p>市知识产权局工作人员介绍了申请流程。</p>"),
    # No demo story has both IPv6 and 京津冀.
    "extra-ipv6": ("京津冀IPv6规模部署提速", "<p>三地运营商加快网络升级。</p>"),
}
HEADLINES = DEMO | {key: headline for key, (headline, _) in EXTRA.items()}


@pytest.fixture(autouse=True)
def _fresh_dictionary():
    """Each test segments with its own database's dictionary (regions and themes)."""
    segment.reset()
    yield
    segment.reset()


@pytest.fixture
def demo():
    """The demo desk, plus the two stories the relevance table needs and the demo lacks."""
    call_command("load_demo", stdout=StringIO())
    for headline, body in EXTRA.values():
        make_article(headline=headline, body=body, hours_ago=3)


def get(client, **params):
    return client.get(reverse("articles:search"), params)


def headlines(response) -> list[str]:
    """The result headlines on the page, in order, without highlighting."""
    found = re.findall(
        r'<h2 class="card__headline"><a href="[^"]*">(.*?)</a></h2>', response.content.decode()
    )
    return [html.unescape(re.sub(r"</?mark>", "", h)) for h in found]


def result_times(response) -> list[datetime]:
    content = response.content.decode()
    results = content.split('<ol class="search-results">', 1)[1].split("</ol>", 1)[0]
    return [datetime.fromisoformat(t) for t in re.findall(r'<time datetime="([^"]+)"', results)]


def alerts(response) -> list[str]:
    return re.findall(r'role="alert">(.*?)</', response.content.decode(), re.S)


def found_by(query: str) -> list[str]:
    """Headlines of every article (any status) whose index matches `query`."""
    matches = search.matching(Article.objects.all(), search.parse(query))
    return list(matches.values_list("headline", flat=True))


# --- Relevance over the demo desk ------------------------------------------------------------

RELEVANCE = [
    pytest.param(
        "知识产权",
        {},
        [
            "extra-bureau",
            "ip-patent-navigation-training",
            "ip-centres-meeting-422",
            "ip-trademark-478",
        ],
        ["grand-canal-tourism", "air-quality-joint-control", "demo-draft"],
        id="zhishichanquan",
    ),
    pytest.param(
        "雄安",
        {},
        ["xiongan-relocation", "ip-centres-meeting-422"],
        ["grand-canal-tourism", "fengtai-talent-list"],
        id="xiongan",
    ),
    pytest.param(
        "人才",
        {},
        ["fengtai-talent-list", "ip-centres-meeting-422"],
        ["air-quality-joint-control", "grand-canal-tourism"],
        id="rencai",
    ),
    pytest.param(
        "丰台",
        {},
        ["fengtai-talent-list"],
        ["grand-canal-tourism", "rail-beisanxian-commute"],
        id="fengtai",
    ),
    pytest.param(
        "478.92万件",
        {},
        ["ip-trademark-478"],
        ["ip-centres-meeting-422", "air-quality-joint-control"],
        id="figure",
    ),
    pytest.param("PM2.5", {}, ["air-quality-joint-control"], ["ip-trademark-478"], id="pm25"),
    pytest.param(
        "Ｐｍ２.５", {}, ["air-quality-joint-control"], ["ip-trademark-478"], id="pm25-full-width"
    ),
    pytest.param(
        "商标", {}, ["ip-trademark-478"], ["ip-patent-navigation-training"], id="shangbiao"
    ),
    pytest.param(
        "跨省通办",
        {},
        ["pinglun-kuasheng-tongban", "tongwulang-tongban"],
        ["grand-canal-tourism", "fengtai-talent-list"],
        id="kuasheng-tongban",
    ),
    pytest.param(
        "大运河",
        {},
        ["grand-canal-tourism"],
        ["fengtai-talent-list", "rail-beisanxian-commute"],
        id="dayunhe",
    ),
    pytest.param(
        "专利导航",
        {},
        ["ip-patent-navigation-training", "binhai-zgc-transfer"],
        ["demo-draft", "ip-trademark-478"],
        id="zhuanli-daohang",
    ),
    pytest.param(
        '"专利导航指南"',
        {},
        ["ip-patent-navigation-training"],
        ["binhai-zgc-transfer"],
        id="quoted-phrase",
    ),
    pytest.param(
        "“快速协同保护”",
        {},
        ["ip-centres-meeting-422", "ip-trademark-478"],
        ["ip-patent-navigation-training"],
        id="curly-quoted-phrase",
    ),
    pytest.param(
        "IPv6 京津冀", {}, ["extra-ipv6"], ["binhai-zgc-transfer"], id="latin-and-chinese"
    ),
    pytest.param("中关村", {}, ["binhai-zgc-transfer"], ["xiongan-relocation"], id="zhongguancun"),
    pytest.param(
        "跨省通办 政务服务",
        {"section": "xietong"},
        ["tongwulang-tongban"],
        ["pinglun-kuasheng-tongban", "medical-insurance-settlement"],
        id="two-words-in-a-section",
    ),
    pytest.param(
        "人才",
        {"theme": "rencai", "region": "beijing"},
        ["fengtai-talent-list", "ip-centres-meeting-422"],
        ["pinglun-manufacturing-cluster", "xiongan-relocation"],
        id="theme-and-region",
    ),
    pytest.param("崇礼", {}, [], ["demo-scheduled"], id="scheduled-never"),
    pytest.param("联合实验室 石家庄", {}, [], ["demo-draft"], id="draft-never"),
]


@pytest.mark.parametrize(("query", "filters", "wanted", "unwanted"), RELEVANCE)
def test_demo_search_relevance(client, demo, query, filters, wanted, unwanted):
    """Each labelled query finds its stories on the first page and not the unrelated ones."""
    response = get(client, q=query, **filters)
    assert response.status_code == 200
    shown = headlines(response)
    for key in wanted:
        assert HEADLINES[key] in shown, f"{query!r} should find {key}"
    for key in unwanted:
        assert HEADLINES[key] not in shown, f"{query!r} should not find {key}"


@pytest.mark.parametrize(
    ("query", "key"), [("崇礼", "demo-scheduled"), ("联合实验室 石家庄", "demo-draft")]
)
def test_demo_draft_and_scheduled_are_indexed_but_not_shown(client, demo, query, key):
    """The index matches the unpublished demo stories; the page still leaves them out."""
    assert HEADLINES[key] in found_by(query)
    assert HEADLINES[key] not in headlines(get(client, q=query))


def test_demo_headline_matches_come_before_tag_matches(client, demo):
    """For 跨省通办 the two stories with it in the headline lead, ahead of newer tag-only ones."""
    shown = headlines(get(client, q="跨省通办"))
    assert set(shown[:2]) == {DEMO["pinglun-kuasheng-tongban"], DEMO["tongwulang-tongban"]}


# --- Only published stories ------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.APPROVED]
)
def test_unpublished_stories_are_never_found(client, status):
    """Drafts, stories in review and approved stories are indexed but not searchable."""
    story = desk_story(status, headline="冬奥遗产利用有了新进展")
    assert story.headline in found_by("冬奥遗产")
    assert story.headline not in headlines(get(client, q="冬奥遗产"))


def test_scheduled_story_is_not_found_before_its_time(client):
    """A story published for a time still ahead is not searchable yet."""
    story = scheduled_story(headline="冬奥遗产利用有了新进展")
    assert story.headline in found_by("冬奥遗产")
    assert story.headline not in headlines(get(client, q="冬奥遗产"))


def test_withdrawn_story_leaves_results_at_once(client, people):
    """Withdrawing through the service removes the story from the next search."""
    story = make_article(headline="冬奥遗产利用有了新进展")
    assert headlines(get(client, q="冬奥遗产")) == [story.headline]
    services.article_withdraw(article=story, user=people["duty_editor"], reason="事实有误")
    assert headlines(get(client, q="冬奥遗产")) == []


def test_published_story_is_found_at_once(client, people):
    """Publishing an approved story through the service makes it searchable straight away."""
    story = desk_story(Article.Status.APPROVED, headline="冬奥遗产利用有了新进展")
    services.article_publish(article=story, user=people["duty_editor"])
    assert headlines(get(client, q="冬奥遗产")) == [story.headline]


# --- Keeping the index current ---------------------------------------------------------------


def test_article_create_indexes_the_story(client):
    """A story made by the service is in the index and found by a word of its headline."""
    story = make_article(headline="大运河游船开通")
    assert "大运河" in SearchEntry.objects.get(article=story).title_words.split()
    assert headlines(get(client, q="大运河")) == [story.headline]


def _edit_in_admin(client, user, story, **changes):
    client.force_login(user)
    url = reverse("admin:articles_article_change", args=[story.pk])
    response = client.post(url, change_form(story, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


def test_admin_headline_edit_reindexes(client, people):
    """After an editor changes the headline, the new word is found and the old one is not."""
    story = make_article(headline="大运河游船开通")
    _edit_in_admin(client, people["superuser"], story, headline="长城徒步线路开通")
    assert headlines(get(client, q="长城")) == ["长城徒步线路开通"]
    assert headlines(get(client, q="大运河")) == []


def test_admin_body_edit_reindexes(client, people):
    """A word added to the body through the admin is searchable after saving."""
    story = make_article(headline="游船开通", body="<p>游客增多。</p>")
    _edit_in_admin(client, people["superuser"], story, body="<p>游客增多，香河民宿火了。</p>")
    assert headlines(get(client, q="民宿")) == ["游船开通"]


def test_admin_region_change_reindexes(client, people):
    """A region added in the admin (saved after the article row) is in the index."""
    story = make_article(headline="企业集中落户")
    xiongan = Region.objects.get(slug="xiongan")
    _edit_in_admin(client, people["superuser"], story, regions=[xiongan.pk])
    assert headlines(get(client, q="雄安新区")) == ["企业集中落户"]


def test_restoring_a_version_reindexes(client, people):
    """Restoring an older headline makes its words findable again and the newer ones not."""
    story = make_article(headline="大运河游船开通")
    _edit_in_admin(client, people["superuser"], story, headline="长城徒步线路开通")
    first = Version.objects.get_for_object(story).order_by("revision__date_created", "pk")[0]
    services.article_restore_version(
        article=Article.objects.get(pk=story.pk), version=first, user=people["superuser"]
    )
    assert headlines(get(client, q="大运河")) == ["大运河游船开通"]
    assert headlines(get(client, q="长城")) == []


def test_a_very_long_unbroken_word_does_not_stop_a_save(client):
    """A 3,000-character Latin run (a pasted hash) is saved; the rest stays searchable."""
    story = make_article(headline="雄安数据中心投用", body=f"<p>校验码 {'a' * 3000} 结束。</p>")
    assert headlines(get(client, q="雄安")) == [story.headline]


# --- The search page -------------------------------------------------------------------------


@pytest.fixture
def ip_stories():
    """Three stories about 知识产权: in a headline (oldest), and only in two bodies."""
    return [
        make_article(headline="知识产权保护有新举措", hours_ago=72),
        make_article(
            headline="企业服务热线开通",
            body="<p>市知识产权局工作人员介绍了申请流程。</p>",
            hours_ago=24,
        ),
        make_article(headline="园区建设提速", body="<p>知识产权服务进园区。</p>", hours_ago=48),
    ]


def test_search_page_says_how_many_were_found(client, ip_stories):
    """The page answers 200 and counts the matching stories."""
    response = get(client, q="知识产权")
    assert response.status_code == 200
    assert "找到 3 篇稿件" in response.content.decode()


def test_search_page_highlights_the_word(client, ip_stories):
    """The query word is marked in the headline or the snippet."""
    assert "<mark>知识产权</mark>" in get(client, q="知识产权").content.decode()


def test_search_page_title_names_the_query(client, ip_stories):
    """The page title repeats what was searched for."""
    assert "<title>“知识产权”的搜索结果" in get(client, q="知识产权").content.decode()


def test_results_are_ranked_by_relevance_by_default(client, ip_stories):
    """A headline match comes first even though it is the oldest; the rest newest first."""
    assert headlines(get(client, q="知识产权")) == [
        "知识产权保护有新举措",
        "企业服务热线开通",
        "园区建设提速",
    ]


def test_results_by_date_are_newest_first(client, ip_stories):
    """order=date lists the stories by publication time, newest first."""
    response = get(client, q="知识产权", order="date")
    assert headlines(response) == ["企业服务热线开通", "园区建设提速", "知识产权保护有新举措"]
    times = result_times(response)
    assert len(times) == 3
    assert times == sorted(times, reverse=True)


def test_section_filter(client):
    """section=… keeps only that section's stories."""
    kept = make_article(headline="雄安企业落户", section=make_section(slug="chanye"))
    make_article(headline="雄安学校开学", section=make_section(slug="minsheng"))
    assert headlines(get(client, q="雄安", section="chanye")) == [kept.headline]


def test_region_filter_includes_sub_regions(client):
    """region=beijing finds a story tagged only with 丰台 and leaves out Tianjin's."""
    make_article(headline="人才清单发布", regions=["fengtai"])
    make_article(headline="人才驿站开放", regions=["binhai"])
    assert headlines(get(client, q="人才", region="beijing")) == ["人才清单发布"]


def test_theme_filter(client):
    """theme=… keeps only stories with that theme."""
    make_article(headline="人才清单发布", themes=["rencai"])
    make_article(headline="人才公寓开工")
    assert headlines(get(client, q="人才", theme="rencai")) == ["人才清单发布"]


@pytest.fixture
def dated_stories():
    """Two stories, published (Beijing time) just after midnight on 1 March and on 10 March."""
    make_article(
        headline="雄安早春招聘会", published_at=datetime(2025, 3, 1, 0, 30, tzinfo=BEIJING)
    )
    make_article(headline="雄安企业开工", published_at=datetime(2025, 3, 10, 9, tzinfo=BEIJING))


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"start": "2025-03-05"}, ["雄安企业开工"]),
        ({"end": "2025-03-05"}, ["雄安早春招聘会"]),
        ({"start": "2025-03-01", "end": "2025-03-01"}, ["雄安早春招聘会"]),
        ({"end": "2025-02-28"}, []),
        ({"start": "2025-03-01", "end": "2025-03-10"}, ["雄安企业开工", "雄安早春招聘会"]),
    ],
)
def test_date_filters_use_beijing_dates(client, dated_stories, dates, expected):
    """start and end are inclusive Beijing calendar dates (00:30 on 1 March is 1 March)."""
    assert headlines(get(client, q="雄安", order="date", **dates)) == expected


@pytest.fixture
def many_stories():
    """Twenty-five matching stories: two pages of twenty."""
    for n in range(25):
        make_article(headline=f"冬奥遗产第{n}篇", hours_ago=n + 1)


def test_second_page_holds_the_rest(client, many_stories):
    """Page 2 shows the last five of twenty-five and says which page it is."""
    response = get(client, q="冬奥遗产", page=2)
    assert response.status_code == 200
    assert len(headlines(response)) == 5
    assert "第 2 页，共 2 页" in response.content.decode()


def test_first_page_counts_all_and_links_to_the_next(client, many_stories):
    """Page 1 shows twenty, counts twenty-five and links to page 2 keeping the query."""
    response = get(client, q="冬奥遗产")
    content = response.content.decode()
    assert len(headlines(response)) == 20
    assert "找到 25 篇稿件" in content
    assert 'rel="next"' in content and "page=2" in content


@pytest.mark.parametrize("page", ["abc", "99", "0", "-1", "1.5"])
def test_a_page_that_does_not_exist_is_404(client, many_stories, page):
    """A page number that is not a page of the results is a 404, not a 500."""
    assert get(client, q="冬奥遗产", page=page).status_code == 404


@pytest.mark.parametrize("query", ["", "   ", "，。！"])
def test_empty_query_prompts_for_a_word(client, query):
    """A blank (or punctuation-only) search answers 200 with a suggestion of what to type."""
    response = get(client, q=query)
    assert response.status_code == 200
    assert "请输入要搜索的词" in response.content.decode()


def test_no_results_suggests_what_to_try(client):
    """A search with no matches answers 200, says so, and suggests a shorter word."""
    make_article(headline="雄安企业落户")
    response = get(client, q="火星基地")
    content = response.content.decode()
    assert response.status_code == 200
    assert "没有找到包含“火星基地”的稿件" in content
    assert "可以试试" in content


def test_long_query_is_cut_and_says_so(client):
    """A query longer than the limit is searched by its start, with a notice."""
    make_article(headline="雄安企业落户")
    response = get(client, q="雄安" * 150)
    assert response.status_code == 200
    assert "关键词太长" in response.content.decode()
    assert headlines(response) == ["雄安企业落户"]


@pytest.fixture
def pages():
    """Paths of the public pages whose header is checked."""
    story = make_article(headline="雄安企业落户", regions=["xiongan"], themes=["rencai"])
    return [
        "/",
        reverse("articles:search"),
        f"{reverse('articles:search')}?q=雄安",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        reverse("regions:region", args=["jingjinji"]),
        reverse("regions:theme", args=["rencai"]),
    ]


def test_every_page_header_has_a_search_form(client, pages):
    """The masthead on every public page carries <form role="search" action="/search/">."""
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        forms = re.findall(r"<form\b[^>]*>", response.content.decode())
        assert any('role="search"' in f and 'action="/search/"' in f for f in forms), path


# --- Bad input never breaks the page ---------------------------------------------------------

AWKWARD_QUERIES = [
    pytest.param("，。！？   、", id="punctuation-and-spaces"),
    pytest.param("& | ! : * ( ) '", id="tsquery-operators"),
    pytest.param("%", id="percent"),
    pytest.param("_", id="underscore"),
    pytest.param("\\", id="backslash"),
    pytest.param("'; DROP TABLE articles_article; --", id="sql"),
    pytest.param('" " “ ” 「」', id="empty-quotes"),
    pytest.param("a:* | !b", id="prefix-operator"),
    pytest.param("''''", id="apostrophes"),
]


@pytest.mark.parametrize("query", AWKWARD_QUERIES)
def test_awkward_queries_answer_200(client, query):
    """Operators, wildcards and quotes are just text: the page answers 200 and nothing breaks."""
    make_article(headline="雄安企业落户")
    response = get(client, q=query)
    assert response.status_code == 200
    assert 'class="search-form"' in response.content.decode()
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "query",
    ["雄安 & | ! : * ( ) '", "雄安'", "(雄安)", "雄安\\", "'雄安' | 新区", "雄安%"],
)
def test_operators_around_a_word_still_find_it(client, query):
    """Special characters next to a real word are ignored, not passed to the database."""
    make_article(headline="雄安新区企业落户")
    assert headlines(get(client, q=query)) == ["雄安新区企业落户"]


def test_script_in_the_query_is_escaped(client):
    """A <script> typed into the box is shown as text, never as markup."""
    make_article(headline="雄安企业落户")
    response = get(client, q='雄安 <script>alert("x")</script>')
    content = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(" not in content
    assert "&lt;script&gt;alert(" in content


def test_a_5000_character_query_is_refused_politely(client):
    """A query over the form's limit is a 400 (never a 500) that still shows the form."""
    response = get(client, q="雄" * 5000)
    assert response.status_code in (200, 400)
    assert 'class="search-form"' in response.content.decode()
    if response.status_code == 400:
        assert any(a.startswith("关键词") for a in alerts(response))


@pytest.mark.parametrize("raw", ["q=%00", "q=%E9%9B%84%E5%AE%89%00", "q=a%00b&order=date"])
def test_nul_byte_is_not_a_server_error(client, raw):
    """A NUL byte in the query string is refused or ignored, never a 500."""
    response = client.get(f"{reverse('articles:search')}?{raw}")
    assert response.status_code in (200, 400)
    assert 'class="search-form"' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"start": "2026-13-01"}, "起始日期"),
        ({"start": "2026-02-30"}, "起始日期"),
        ({"start": "abc"}, "起始日期"),
        ({"end": "abc"}, "截止日期"),
        ({"end": "2026/01/01"}, "截止日期"),
        ({"order": "random"}, "排序"),
        ({"region": "北京"}, "地区"),
    ],
)
def test_invalid_filter_is_400_with_a_chinese_message(client, params, label):
    """A bad date, order or slug answers 400 and names the field in Chinese."""
    response = get(client, q="雄安", **params)
    assert response.status_code == 400
    messages = [a for a in alerts(response) if a.startswith(f"{label}：")]
    assert messages, alerts(response)
    assert re.search(r"[\u4e00-\u9fff]", messages[0].split("：", 1)[1])


def test_start_after_end_is_400(client):
    """A start date after the end date answers 400 and says why."""
    response = get(client, q="雄安", start="2025-03-10", end="2025-03-01")
    assert response.status_code == 400
    assert "起始日期晚于截止日期。" in alerts(response)


@pytest.mark.parametrize("name", ["region", "section", "theme"])
def test_unknown_filter_slug_finds_nothing(client, name):
    """A region, section or theme that does not exist gives 200 and no results."""
    make_article(headline="雄安企业落户", regions=["xiongan"], themes=["rencai"])
    response = get(client, q="雄安", **{name: "no-such-slug"})
    assert response.status_code == 200
    assert headlines(response) == []
    assert "没有找到" in response.content.decode()


# --- Display ----------------------------------------------------------------------------------


def test_highlighting_a_number_keeps_apostrophes_intact(client):
    """Searching 27 marks the number, not the 27 inside the escaped apostrophe (&#x27;)."""
    make_article(headline="It's 27 京津冀")
    content = get(client, q="27").content.decode()
    assert "It&#x27;s <mark>27</mark>" in content


def test_snippet_shows_the_term_after_many_ellipses():
    """Ellipses before the term do not push it out of the snippet."""
    text = "……" * 20 + "雄安新区" + "后文" * 100
    assert "<mark>雄安</mark>" in search.snippet(text, ["雄安"])


def test_quoted_phrase_with_an_entity_matches_the_text_a_reader_sees(client):
    """A quoted "R&D" finds a body stored as R&amp;D."""
    make_article(headline="企业动态", body="<p>企业R&amp;D投入增长。</p>")
    assert headlines(get(client, q='"R&D"')) == ["企业动态"]


def test_a_word_split_by_inline_formatting_is_still_found(client):
    """<strong>雄安</strong>新区 reads 雄安新区, so a search for 雄安新区 finds it."""
    make_article(headline="企业动态", body="<p><strong>雄安</strong>新区企业增多。</p>")
    assert headlines(get(client, q="雄安新区")) == ["企业动态"]


# --- Admin search ----------------------------------------------------------------------------


def test_admin_search_finds_words_inside_longer_words_and_drafts(client, people):
    """The admin's search box finds 知识产权 in 知识产权局, in drafts too, and not elsewhere."""
    make_article(headline="企业服务热线开通", body="<p>市知识产权局介绍了流程。</p>")
    desk_story(Article.Status.DRAFT, headline="知识产权质押融资试点启动")
    make_article(headline="大运河游船开通")
    client.force_login(people["superuser"])
    response = client.get(reverse("admin:articles_article_changelist"), {"q": "知识产权"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "企业服务热线开通" in content
    assert "知识产权质押融资试点启动" in content
    assert "大运河游船开通" not in content


def test_admin_search_with_punctuation_only_lists_nothing(client, people):
    """A punctuation-only admin search answers 200 and lists no article."""
    make_article(headline="大运河游船开通")
    client.force_login(people["superuser"])
    response = client.get(reverse("admin:articles_article_changelist"), {"q": "，！&"})
    assert response.status_code == 200
    assert "大运河游船开通" not in response.content.decode()


# --- PostgreSQL: the GIN index ---------------------------------------------------------------

postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="the GIN index is PostgreSQL only")


@postgres_only
def test_gin_index_exists():
    """Migration 0005 made a GIN index over the search entries' word vector."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_searchentry_vector'"
        )
        row = cursor.fetchone()
    assert row is not None
    assert "USING gin" in row[0]


@postgres_only
def test_rare_word_lookup_uses_the_gin_index():
    """With sequential scans off, the rare-word plan's lookup of matching ids uses the index."""
    make_article(headline="雄安企业落户")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN {search.MATCHING_IDS_SQL}",
            [search._tsquery(search.parse("雄安").terms), search.IDS_CAP + 1],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "articles_searchentry_vector" in plan


@postgres_only
def test_common_word_walk_tests_the_stored_vector():
    """The newest-first plan tests each story's stored vector, no words re-parsed."""
    make_article(headline="雄安企业落户")
    query = search.matching(Article.objects.all(), search.parse("雄安"), strategy="walk")
    assert '"articles_searchentry"."vector" @@' in str(query.query)


# --- rebuild_search_index --------------------------------------------------------------------


def _rebuild(*args) -> str:
    out = StringIO()
    call_command("rebuild_search_index", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_rebuild_restores_a_lost_index(client):
    """After every entry is deleted, the command brings search results back."""
    make_article(headline="大运河游船开通")
    make_article(headline="大运河绿道贯通")
    SearchEntry.objects.all().delete()
    assert headlines(get(client, q="大运河")) == []
    output = _rebuild()
    assert "已重建 2 篇" in output
    assert sorted(headlines(get(client, q="大运河"))) == ["大运河游船开通", "大运河绿道贯通"]


def test_rebuild_in_small_batches_covers_every_article():
    """--batch 1 still rebuilds all articles."""
    for n in range(3):
        make_article(headline=f"大运河第{n}篇")
    SearchEntry.objects.all().delete()
    assert "已重建 3 篇" in _rebuild("--batch", "1")
    assert SearchEntry.objects.count() == 3


def test_rebuild_stale_only_touches_entries_from_another_dictionary():
    """--stale rebuilds old-dictionary and missing entries and leaves current ones alone."""
    old, missing, current = (make_article(headline=f"大运河第{n}篇") for n in range(3))
    SearchEntry.objects.filter(article=old).update(dictionary="old", title_words="")
    SearchEntry.objects.filter(article=missing).delete()
    SearchEntry.objects.filter(article=current).update(title_words="")
    assert "已重建 2 篇" in _rebuild("--stale")
    fingerprint = segment.fingerprint()
    assert SearchEntry.objects.get(article=old).dictionary == fingerprint
    assert "大运河" in SearchEntry.objects.get(article=old).title_words.split()
    assert SearchEntry.objects.filter(article=missing).exists()
    assert SearchEntry.objects.get(article=current).title_words == ""


def test_rebuild_stale_after_a_new_theme_finds_the_new_word(client):
    """A new theme keyword is found whole only once --stale has rebuilt the old entries."""
    make_article(headline="冬奥遗产利用有了新进展")
    Theme.objects.create(name="冬奥遗产", slug="dongao-yichan")
    segment.reset()
    assert headlines(get(client, q="冬奥遗产")) == []
    assert "已重建 1 篇" in _rebuild("--stale")
    assert headlines(get(client, q="冬奥遗产")) == ["冬奥遗产利用有了新进展"]


def test_rebuild_refuses_a_zero_batch():
    """--batch 0 exits non-zero with a one-line message."""
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("rebuild_search_index", "--batch", "0", stdout=StringIO(), stderr=err)
    assert exit_info.value.code not in (0, None)
    message = err.getvalue().strip()
    assert "--batch" in message
    assert "\n" not in message


def test_rebuilt_entry_matches_the_services_entry():
    """The command stores the same words the services store."""
    story = make_article(headline="雄安企业落户", regions=["xiongan"], tags=["疏解"])
    before = SearchEntry.objects.values("title_words", "body_words", "dictionary").get(
        article=story
    )
    _rebuild()
    after = SearchEntry.objects.values("title_words", "body_words", "dictionary").get(article=story)
    assert after == before


def test_the_entry_keeps_the_publication_time_the_workflow_sets(people):
    """Publishing (or rescheduling) updates the index's copy of the publication time."""
    story = desk_story(Article.Status.APPROVED, headline="雄安新区新建学校开学")
    services.article_publish(article=story, user=people["duty_editor"])
    story.refresh_from_db()
    assert SearchEntry.objects.get(article=story).published_at == story.published_at
