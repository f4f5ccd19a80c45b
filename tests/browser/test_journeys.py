"""Real-browser journeys (Chromium through Playwright, against gunicorn): a reader on a desktop
and on a phone, an editor from draft to the home page, and axe-core's accessibility audit."""

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, Author
from tests.factories import make_article, make_author, make_section

from .conftest import artifact, in_thread, log_in, watch_policy_violations

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture
def newsroom(transactional_db):
    """Three published stories with sections, bylines, regions, themes and tags."""
    section = make_section(name="协同发展", slug="xietong")
    author = make_author(name="林晓雯", bio="本报记者，长期关注京津冀协同发展。")
    stories = [
        make_article(
            headline="京津冀三地共建知识产权保护分中心",
            section=section,
            authors=[(author, "reporter")],
            tags=["知识产权"],
            regions=["beijing"],
            themes=["zhishichanquan"],
            hours_ago=5,
        ),
        make_article(
            headline="雄安新区迎来首批疏解企业",
            kicker="协同发展看京津冀",
            summary="首批疏解企业在雄安新区落户，带来上千个岗位。",
            section=section,
            authors=[(author, "reporter")],
            tags=["疏解", "产业转移"],
            regions=["xiongan"],
            themes=["rencai"],
            hours_ago=1,
        ),
    ]
    return {"section": section, "author": author, "stories": stories}


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_reader_goes_from_home_to_article_region_search_and_tag(
    gunicorn_server, new_page, newsroom, device
):
    """Home → a headline → its region → a search from the header → a tag: each page shows
    what was clicked, with no policy violation; a screenshot of every step."""
    story = newsroom["stories"][1]
    page = new_page(**VIEWPORTS[device])
    problems = watch_policy_violations(page)

    page.goto(gunicorn_server + "/")
    page.screenshot(path=artifact(f"reader-{device}-1-home.png"), full_page=True)
    page.get_by_role("link", name=story.headline).first.click()
    page.wait_for_url("**" + story.get_absolute_url())
    assert page.locator("h1").inner_text() == story.headline
    page.screenshot(path=artifact(f"reader-{device}-2-article.png"), full_page=True)

    page.locator(".taxonomy a", has_text="雄安新区").click()
    page.wait_for_url("**/regions/xiongan/")
    assert "雄安新区" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name=story.headline).count() >= 1
    page.screenshot(path=artifact(f"reader-{device}-3-region.png"), full_page=True)

    page.fill("#site-search", "知识产权")
    page.locator(".masthead__search button").click()
    page.wait_for_url("**/search/?q=*")
    results = page.locator("main")
    assert "京津冀三地共建知识产权保护分中心" in results.inner_text()
    page.screenshot(path=artifact(f"reader-{device}-4-search.png"), full_page=True)

    page.get_by_role("link", name="京津冀三地共建知识产权保护分中心").first.click()
    page.locator("a[rel=tag]", has_text="知识产权").click()
    page.wait_for_url("**/tags/**")
    assert "知识产权" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="京津冀三地共建知识产权保护分中心").count() >= 1
    page.screenshot(path=artifact(f"reader-{device}-5-tag.png"), full_page=True)
    assert problems == []


def _desk_user(username: str, group: str, password: str):
    user = get_user_model().objects.create_user(username, "", password, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _log_in(page, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username, password)
    page.wait_for_url(base + "/admin/")


def _pick(page, field_id: str, term: str) -> None:
    """Choose `term` in one of the admin's autocomplete (select2) boxes."""
    page.locator(f"#{field_id} + .select2 .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    page.locator(".select2-results__option", has_text=term).first.click()


def _step(page, label: str) -> None:
    """Run a desk step from the article's page: its link, then the confirmation."""
    page.locator(".desk-action", has_text=label).first.click()
    page.get_by_role("button", name=f"确认{label}").click()
    page.wait_for_selector(".messagelist .success")


def test_a_reporters_draft_is_published_by_the_duty_editor_and_reaches_readers(
    gunicorn_server, new_page, newsroom
):
    """Reporter: write in the body editor, save, submit. Duty editor: approve, publish. The
    story is then on the home page and in the feed; the admin reports no policy violation."""
    base = gunicorn_server
    reporter = _desk_user("jizhe", "记者", "jizhe-mima-2026-xiongan")
    Author.objects.create(name="温若溪", slug="wenruoxi", user=reporter)
    _desk_user("zhiban", "值班主编", "zhiban-mima-2026-xiongan")
    headline = "京津冀三地人才服务窗口同时开放"

    page = new_page(viewport={"width": 1280, "height": 900})
    problems = watch_policy_violations(page)
    _log_in(page, base, "jizhe", "jizhe-mima-2026-xiongan")
    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_headline", headline)
    _pick(page, "id_section", "协同发展")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("三地人才服务窗口今天同时开放，")
    page.keyboard.press("Control+b")
    page.keyboard.type("异地办理")
    page.keyboard.press("Control+b")
    page.keyboard.type("更方便。")
    _pick(page, "id_bylines-0-author", "温若溪")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    page.screenshot(path=artifact("editor-1-draft.png"), full_page=True)
    _step(page, "提交送审")
    article = in_thread(lambda: Article.objects.get(headline=headline))
    assert article.status == Article.Status.REVIEW
    assert article.body == "<p>三地人才服务窗口今天同时开放，<strong>异地办理</strong>更方便。</p>"

    _log_in(page, base, "zhiban", "zhiban-mima-2026-xiongan")
    page.goto(base + f"/admin/articles/article/{article.pk}/change/")
    _step(page, "审核通过")
    _step(page, "发布")
    page.screenshot(path=artifact("editor-2-published.png"), full_page=True)
    assert in_thread(lambda: Article.objects.get(pk=article.pk).status) == "published"

    page.context.clear_cookies()
    page.goto(base + "/")
    assert page.get_by_role("link", name=headline).count() >= 1
    page.screenshot(path=artifact("editor-3-home.png"), full_page=True)
    feed = feedparser.parse(page.request.get(base + "/feed/").body())
    assert feed.entries[0].title == headline
    assert problems == []


AUDITED = {
    "home": lambda n: "/",
    "article": lambda n: n["stories"][1].get_absolute_url(),
    "list": lambda n: n["section"].get_absolute_url(),
    "search": lambda n: "/search/?q=雄安",
    "region": lambda n: "/regions/xiongan/",
}


@pytest.mark.parametrize("name", AUDITED)
def test_axe_finds_no_serious_or_critical_violation(
    gunicorn_server, new_page, newsroom, axe_source, name
):
    """axe-core (WCAG 2.1 A and AA rules) in the page: no serious or critical violation."""
    page = new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(path=str(axe_source))  # injected by the browser, not an inline script
    page.goto(gunicorn_server + AUDITED[name](newsroom))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    assert result["passes"], "axe ran no rule"
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
