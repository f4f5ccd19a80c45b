"""Tagging help on the article's admin page: regions and themes its text names."""

import pytest
from django.urls import reverse

from articles.desk import selectors
from articles.models import Article, body_length
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


def test_a_story_longer_than_the_limit_still_gets_its_suggestions():
    """A 120,000-character body stored before the limit: a place named once at its end counts."""
    story = make_article(headline="协同发展综述", body="<p>综述。</p>")
    filler = "<p>这一段叙述与具体地区无关，只是把稿件拉得很长很长。</p>" * 5_000
    Article.objects.filter(pk=story.pk).update(body=filler + "<p>丽泽金融商务区同步推进。</p>")
    story.refresh_from_db()
    assert body_length(story.body) > 120_000
    assert [r.slug for r in selectors.tagging_suggestions(story)["regions"]] == ["fengtai"]
