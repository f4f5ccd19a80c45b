"""Bulk actions on the article list: add or remove a region, theme or tag."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article
from regions.models import Region, Theme
from tests.articles.desk import desk_story
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


def _apply(client, articles, **choice):
    data = {"action": "bulk_tag", "apply": "1", "operation": "add", **choice}
    data[ACTION_CHECKBOX_NAME] = [a.pk for a in articles]
    return client.post(reverse(CHANGELIST), data)


def test_the_action_asks_what_to_change_first(client, people):
    """Choosing the action shows a page listing the selected stories and the choices."""
    stories = [make_article(headline="保定人才公寓交付"), make_article(headline="保定专利快审")]
    client.force_login(people["superuser"])
    response = client.post(
        reverse(CHANGELIST),
        {"action": "bulk_tag", ACTION_CHECKBOX_NAME: [s.pk for s in stories]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "保定人才公寓交付" in page and "保定专利快审" in page and "应用" in page


def test_adding_a_region_to_selected_stories(client, people):
    """Both selected stories gain 保定市; an unselected one does not."""
    chosen = [make_article(headline="甲"), make_article(headline="乙")]
    other = make_article(headline="丙")
    client.force_login(people["superuser"])
    _apply(client, chosen, region=Region.objects.get(slug="baoding").pk)
    assert [a.regions.filter(slug="baoding").exists() for a in chosen] == [True, True]
    assert not other.regions.exists()


def test_removing_a_theme(client, people):
    """Removing 人才 takes it off the selected stories and keeps their other themes."""
    story = make_article(themes=["rencai", "zhishichanquan"])
    client.force_login(people["superuser"])
    _apply(client, [story], operation="remove", theme=Theme.objects.get(slug="rencai").pk)
    assert list(story.themes.values_list("slug", flat=True)) == ["zhishichanquan"]


def test_adding_a_tag_makes_it_searchable(client, people):
    """A tag added in bulk is in the search index at once."""
    story = make_article(headline="产业园区动态")
    client.force_login(people["superuser"])
    _apply(client, [story], tag="专利导航")
    assert list(story.tags.names()) == ["专利导航"]
    found = search.matching(Article.objects.all(), search.parse("专利导航"))
    assert list(found.values_list("pk", flat=True)) == [story.pk]


def test_exactly_one_choice_is_required(client, people):
    """Choosing nothing, or two things at once, is a form error and changes nothing."""
    story = make_article()
    client.force_login(people["superuser"])
    response = _apply(
        client,
        [story],
        region=Region.objects.get(slug="baoding").pk,
        theme=Theme.objects.get(slug="rencai").pk,
    )
    assert "只选一项" in response.content.decode()
    assert not story.regions.exists()


def test_stories_the_user_may_not_edit_are_left_alone(client, people):
    """A reporter's bulk change skips other people's drafts and says how many."""
    own = desk_story(by=people["reporter"], headline="自己的草稿")
    others = desk_story(by=people["other_reporter"], headline="别人的草稿")
    client.force_login(people["reporter"])
    response = _apply(client, [own, others], region=Region.objects.get(slug="baoding").pk)
    assert own.regions.filter(slug="baoding").exists()
    assert not others.regions.exists()
    assert response.status_code == 302


def test_bulk_change_moves_the_stories_updated_time(client, people):
    """Stories that gained a region changed for readers: their updated time moves, and so does
    their lock version, so an edit form opened before merges with the change."""
    story = make_article()
    earlier = timezone.now() - timedelta(hours=5)
    Article.objects.filter(pk=story.pk).update(updated_at=earlier)
    client.force_login(people["superuser"])
    _apply(client, [story], region=Region.objects.get(slug="baoding").pk)
    stored = Article.objects.get(pk=story.pk)
    assert stored.updated_at > earlier
    assert stored.lock_version == story.lock_version + 1
