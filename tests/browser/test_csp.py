"""The Content Security Policy as Chromium enforces it: reader pages break none of it."""

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.browser


def _watch(page) -> list[str]:
    """Every policy violation the page reports, as Chromium logs it to the console."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


@pytest.fixture
def reader_pages(transactional_db):
    article = make_article(
        headline="雄安新区迎来首批疏解企业", tags=["疏解"], regions=["xiongan"], themes=["rencai"]
    )
    return [
        "/",
        article.get_absolute_url(),
        "/regions/xiongan/",
        "/themes/rencai/",
        "/jingjinji/",
        f"/tags/{article.tags.get().slug}/",
        article.bylines.first().author.get_absolute_url(),
        "/search/?q=雄安",
    ]


def test_reader_pages_cause_no_policy_violation(gunicorn_server, new_page, reader_pages):
    """Home, article, region, theme, overview, tag, author and search pages load cleanly."""
    page = new_page()
    violations = _watch(page)
    for path in reader_pages:
        page.goto(gunicorn_server + path, wait_until="load")
    assert violations == []


def test_an_injected_inline_script_is_blocked(gunicorn_server, new_page, reader_pages):
    """The policy is enforced: a script written into the page does not run, and is reported."""
    page = new_page()
    violations = _watch(page)
    page.goto(gunicorn_server + reader_pages[1])
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.injected = true'; document.body.append(s); }"""
    )
    assert page.evaluate("() => window.injected === true") is False
    assert any("script-src" in text for text in violations)
