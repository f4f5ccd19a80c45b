import pytest

from tests.factories import make_article

pytestmark = pytest.mark.browser


def test_reader_opens_an_article_from_the_home_page(gunicorn_server, new_page):
    """Home page → click a headline → the article page shows that headline."""
    make_article(headline="京津冀三地共建知识产权保护分中心", hours_ago=3)
    lead = make_article(
        headline="雄安新区迎来首批疏解企业",
        kicker="协同发展看京津冀",
        hours_ago=1,
        regions=["xiongan"],
    )

    page = new_page()
    page.goto(gunicorn_server + "/")
    assert "京津冀" in page.title()
    page.get_by_role("link", name=lead.headline).first.click()
    page.wait_for_url("**" + lead.get_absolute_url())

    assert page.locator("h1").inner_text() == lead.headline
    assert page.locator(".story__kicker").inner_text() == "协同发展看京津冀"
    page.screenshot(path=_artifact("article.png"), full_page=True)


def _artifact(name: str) -> str:
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / name)
