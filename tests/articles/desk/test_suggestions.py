"""Tagging help on the article's admin page: regions and themes its text names."""

import pytest
from django.urls import reverse

from articles.desk import selectors
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_suggests_the_most_specific_region_and_the_themes_named():
    """丰台 in the text suggests 丰台区 (北京市 is implied, not offered) and 人才."""
    story = make_article(
        headline="丰台发布人才机会清单", body="<p>丰台区面向青年人才开放岗位。</p>"
    )
    found = selectors.tagging_suggestions(story)
    assert [r.slug for r in found["regions"]] == ["fengtai"]
    assert "rencai" in [t.slug for t in found["themes"]]


def test_does_not_suggest_what_the_article_already_has():
    """A region or theme already tagged is not offered again."""
    story = make_article(headline="丰台发布人才机会清单", regions=["fengtai"], themes=["rencai"])
    found = selectors.tagging_suggestions(story)
    assert "fengtai" not in [r.slug for r in found["regions"]]
    assert "rencai" not in [t.slug for t in found["themes"]]


def test_change_page_shows_one_click_buttons(admin_client):
    """The change page offers each suggestion as a button that fills the field."""
    story = make_article(headline="雄安新区新建学校开学", body="<p>雄安新区三所学校开学。</p>")
    page = admin_client.get(reverse("admin:articles_article_change", args=[story.pk])).content
    page = page.decode()
    assert 'data-field="id_regions"' in page and 'data-text="雄安新区"' in page
