"""Presence in a real browser: two people on one story see each other, the page's heartbeat
keeping the notice current (Chromium's clock run forward instead of waiting 30 seconds)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article
from tests.factories import make_article, make_author

from .conftest import artifact, log_in, watch_policy_violations

pytestmark = pytest.mark.browser


def test_two_editors_on_one_story_see_each_other(gunicorn_server, new_page):
    """The editor opens the story, then the duty editor, who is told at once; the editor's
    page learns of the duty editor at its next heartbeat."""
    users = get_user_model().objects
    editor = users.create_user("bianji", "", "mima-bianji-2026", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    duty = users.create_user("zhuban", "", "mima-zhuban-2026", is_staff=True)
    duty.groups.add(Group.objects.get(name="值班主编"))
    story = make_article(
        headline="雄安新区新建学校开学",
        status=Article.Status.DRAFT,
        authors=[(make_author(name="周子健"), "reporter")],
    )
    change = f"{gunicorn_server}/admin/articles/article/{story.pk}/change/"

    first = new_page()
    first_problems = watch_policy_violations(first)
    first.clock.install()
    log_in(first, gunicorn_server, "bianji", "mima-bianji-2026")
    first.goto(change)
    assert first.locator("#desk-presence").is_hidden()

    second = new_page()
    second_problems = watch_policy_violations(second)
    log_in(second, gunicorn_server, "zhuban", "mima-zhuban-2026")
    second.goto(change)
    notice = second.locator("#desk-presence")
    assert notice.is_visible()
    assert "编辑 bianji 自" in notice.inner_text()
    assert "起也在编辑这篇稿件" in notice.inner_text()

    first.clock.fast_forward(31_000)
    first.wait_for_selector("#desk-presence li")
    assert "值班主编 zhuban 自" in first.locator("#desk-presence").inner_text()
    first.screenshot(path=artifact("desk-presence.png"), full_page=False)
    assert first_problems == [] and second_problems == []


def test_two_editors_saving_one_story_keep_both_edits(gunicorn_server, new_page):
    """Two editors in two browsers on one story, each told of the other: the duty editor saves a
    new deck, the editor then saves a new headline from the older page. The editor's save is
    merged, says so, and the story holds both; when both then change the headline, the second
    is shown the conflict, chooses the other's, and loses nothing else."""
    users = get_user_model().objects
    editor = users.create_user("bianji", "", "mima-bianji-2026", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    duty = users.create_user("zhuban", "", "mima-zhuban-2026", is_staff=True)
    duty.groups.add(Group.objects.get(name="值班主编"))
    story = make_article(
        headline="京津冀职业院校联合招生",
        deck="三地二十所院校参与",
        status=Article.Status.DRAFT,
        authors=[(make_author(name="高婉宁"), "reporter")],
    )
    change = f"{gunicorn_server}/admin/articles/article/{story.pk}/change/"
    first, second = new_page(), new_page()
    first_problems, second_problems = (
        watch_policy_violations(first),
        watch_policy_violations(second),
    )
    log_in(first, gunicorn_server, "bianji", "mima-bianji-2026")
    log_in(second, gunicorn_server, "zhuban", "mima-zhuban-2026")
    first.goto(change)
    second.goto(change)
    assert "编辑 bianji" in second.locator("#desk-presence").inner_text()

    second.fill("#id_deck", "三地二十二所院校参与")
    second.click("input[name=_continue]")
    second.wait_for_selector(".messagelist")
    first.fill("#id_headline", "京津冀职业院校首次联合招生")
    first.click("input[name=_continue]")
    first.wait_for_selector(".messagelist")
    assert "已合并 zhuban" in first.locator(".messagelist").inner_text()
    assert first.input_value("#id_headline") == "京津冀职业院校首次联合招生"
    assert first.input_value("#id_deck") == "三地二十二所院校参与"
    first.screenshot(path=artifact("desk-merged.png"), full_page=False)

    second.reload()
    first.fill("#id_headline", "职业院校联合招生启动")
    first.click("input[name=_continue]")
    first.wait_for_selector(".messagelist")
    second.fill("#id_headline", "三地职业院校联合招生")
    second.fill("#id_summary", "招生计划向雄安新区倾斜。")
    second.click("input[name=_continue]")
    second.wait_for_selector(".desk-conflict-field")
    assert "职业院校联合招生启动" in second.locator(".desk-conflict-theirs").inner_text()
    second.screenshot(path=artifact("desk-conflict.png"), full_page=True)
    second.check("input[name=resolve_headline][value=theirs]")
    second.click("input[name=_continue]")
    second.wait_for_selector(".messagelist")

    first.reload()
    assert first.input_value("#id_headline") == "职业院校联合招生启动"
    assert first.input_value("#id_summary") == "招生计划向雄安新区倾斜。"
    assert first.input_value("#id_deck") == "三地二十二所院校参与"
    assert first_problems == [] and second_problems == []
