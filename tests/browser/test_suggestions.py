import pytest
from django.contrib.auth import get_user_model

from articles.models import Article
from tests.factories import make_article, make_author

from .conftest import in_thread

pytestmark = pytest.mark.browser


def test_one_click_adds_a_suggested_region_and_saving_keeps_it(gunicorn_server, new_page):
    """An editor clicks the suggested 雄安新区, saves, and the article carries it."""
    get_user_model().objects.create_superuser("zhubian", "", "mima-zhubian-2026")
    story = make_article(
        headline="雄安新区新建学校开学",
        body="<p>雄安新区三所学校开学。</p>",
        status=Article.Status.DRAFT,
        authors=[(make_author(name="周子健"), "reporter")],
    )

    page = new_page()
    page.goto(gunicorn_server + "/admin/login/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "mima-zhubian-2026")
    page.click("input[type=submit]")
    page.goto(f"{gunicorn_server}/admin/articles/article/{story.pk}/change/")
    page.get_by_role("button", name="＋ 雄安新区").click()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")

    regions = in_thread(
        lambda: list(Article.objects.get(pk=story.pk).regions.values_list("slug", flat=True))
    )
    assert regions == ["xiongan"]
