import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, Author
from tests.factories import make_section

from .conftest import in_thread

pytestmark = pytest.mark.browser


def _pick(page, field_id: str, term: str) -> None:
    """Choose `term` in one of the admin's autocomplete (select2) boxes."""
    page.locator(f"#{field_id} + .select2 .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    page.locator(".select2-results__option", has_text=term).first.click()


def test_reporter_writes_in_the_body_editor_and_submits(gunicorn_server, new_page):
    """A reporter types a body with a bold word in the rich-text editor, saves, then submits."""
    make_section(name="协同发展", slug="xietong")
    reporter = get_user_model().objects.create_user("jizhe", "", "mima-jizhe-2026", is_staff=True)
    reporter.groups.add(Group.objects.get(name="记者"))
    Author.objects.create(name="林晓雯", slug="linxiaowen", user=reporter)

    page = new_page()
    page.goto(gunicorn_server + "/admin/login/")
    page.fill("#id_username", "jizhe")
    page.fill("#id_password", "mima-jizhe-2026")
    page.click("input[type=submit]")
    page.goto(gunicorn_server + "/admin/articles/article/add/")

    page.fill("#id_headline", "京津冀三地共建人才服务窗口")
    _pick(page, "id_section", "协同发展")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type("三地人才服务窗口今天同时开放，")
    page.keyboard.press("Control+b")
    page.keyboard.type("异地办理")
    page.keyboard.press("Control+b")
    page.keyboard.type("更方便。")
    _pick(page, "id_bylines-0-author", "林晓雯")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")

    article = in_thread(lambda: Article.objects.get(headline="京津冀三地共建人才服务窗口"))
    assert article.body == "<p>三地人才服务窗口今天同时开放，<strong>异地办理</strong>更方便。</p>"
    assert article.status == Article.Status.DRAFT

    page.get_by_role("link", name="提交送审").click()
    page.get_by_role("button", name="确认提交送审").click()
    page.wait_for_selector(".messagelist .success")
    assert in_thread(lambda: Article.objects.get(pk=article.pk).status) == Article.Status.REVIEW
