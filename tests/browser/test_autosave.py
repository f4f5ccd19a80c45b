"""Autosave in a real browser: what a reporter types (headline, body editor, a region) is kept
while they type, offered back after the tab is closed, restored into the form and saved."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, Author, Autosave
from tests.factories import make_article, make_section

from .conftest import artifact, in_thread, log_in, watch_policy_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def reporter(transactional_db):
    user = get_user_model().objects.create_user("jizhe", "", "mima-jizhe-2026", is_staff=True)
    user.groups.add(Group.objects.get(name="记者"))
    author = Author.objects.create(name="林晓雯", slug="linxiaowen", user=user)
    return user, author


def test_a_closed_tab_loses_nothing(gunicorn_server, new_page, reporter):
    """Typed, autosaved, tab closed; the story reopened offers the draft; 恢复 fills the
    headline, the body editor and the region; saving keeps them and ends the draft."""
    user, author = reporter
    story = make_article(
        headline="雄安新区新建学校开学",
        body="<p>雄安新区三所学校开学。</p>",
        status=Article.Status.DRAFT,
        authors=[(author, "reporter")],
        user=user,
    )
    change = f"{gunicorn_server}/admin/articles/article/{story.pk}/change/"

    page = new_page()
    problems = watch_policy_violations(page)
    page.clock.install()
    log_in(page, gunicorn_server, "jizhe", "mima-jizhe-2026")
    page.goto(change)
    page.fill("#id_headline", "雄安新区三所新建学校同日开学")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type("首批学生两千人。")
    page.get_by_role("button", name="＋ 雄安新区").click()
    page.clock.fast_forward(31_000)
    page.wait_for_selector(".desk-autosave__status:has-text('自动保存（尚未提交）')")

    draft = in_thread(lambda: Autosave.objects.get(user=user, article=story).data["fields"])
    assert draft["headline"] == ["雄安新区三所新建学校同日开学"]
    assert "首批学生两千人。" in draft["body"][0]

    page.close()  # the tab closed (or the browser crashed): a new session, logged in again
    page = new_page()
    problems += watch_policy_violations(page)
    log_in(page, gunicorn_server, "jizhe", "mima-jizhe-2026")
    page.goto(change)
    offer = page.locator(".desk-autosave__offer")
    assert "自动保存但未提交的内容" in offer.inner_text()
    assert page.input_value("#id_headline") == "雄安新区新建学校开学"
    page.wait_for_selector(".ProseMirror[contenteditable=true]")
    page.get_by_role("button", name="恢复").click()
    assert page.input_value("#id_headline") == "雄安新区三所新建学校同日开学"
    assert "首批学生两千人。" in page.locator(".ProseMirror[contenteditable=true]").inner_text()
    assert page.locator("#id_regions option:checked").all_inner_texts() == ["雄安新区"]
    page.screenshot(path=artifact("desk-autosave-restored.png"), full_page=False)

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    saved = in_thread(lambda: Article.objects.get(pk=story.pk))
    assert saved.headline == "雄安新区三所新建学校同日开学"
    assert "首批学生两千人。" in saved.body
    assert in_thread(lambda: list(saved.regions.values_list("slug", flat=True))) == ["xiongan"]
    assert not in_thread(lambda: Autosave.objects.filter(user=user).exists())
    assert page.locator(".desk-autosave__offer").count() == 0
    assert problems == []


def test_a_new_story_draft_can_be_discarded(gunicorn_server, new_page, reporter):
    """On the add page: typed, autosaved, reopened, 丢弃: the draft is gone."""
    make_section(name="协同发展", slug="xietong")
    user, _ = reporter
    page = new_page()
    page.clock.install()
    log_in(page, gunicorn_server, "jizhe", "mima-jizhe-2026")
    page.goto(gunicorn_server + "/admin/articles/article/add/")
    page.fill("#id_headline", "京津冀三地共建人才服务窗口")
    page.clock.fast_forward(31_000)
    page.wait_for_selector(".desk-autosave__status:has-text('自动保存（尚未提交）')")
    assert in_thread(lambda: Autosave.objects.filter(user=user, article=None).count()) == 1

    page.reload()
    page.get_by_role("button", name="丢弃").click()
    page.wait_for_selector(".desk-autosave__status:has-text('已丢弃')")
    assert in_thread(lambda: Autosave.objects.filter(user=user).count()) == 0


def test_nothing_typed_nothing_sent(gunicorn_server, new_page, reporter):
    """A form left as it was opened sends no autosave."""
    user, author = reporter
    story = make_article(status=Article.Status.DRAFT, authors=[(author, "reporter")], user=user)
    page = new_page()
    page.clock.install()
    log_in(page, gunicorn_server, "jizhe", "mima-jizhe-2026")
    page.goto(f"{gunicorn_server}/admin/articles/article/{story.pk}/change/")
    page.wait_for_selector(".ProseMirror[contenteditable=true]")
    page.clock.fast_forward(31_000)
    page.clock.fast_forward(31_000)
    page.wait_for_timeout(500)
    assert in_thread(lambda: Autosave.objects.count()) == 0
