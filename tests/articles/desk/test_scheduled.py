"""Scheduled stories read 定时发布（北京时间 …） on the desk, never 已发布: list, filter, change
page and the message after scheduling."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.desk import desk_story, scheduled_story

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def _beijing(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@pytest.fixture
def scheduled(people):
    return scheduled_story(hours=3, headline="雄安新区新建学校开学", by=people["duty_editor"])


def test_the_list_shows_a_scheduled_story_as_scheduled(people, scheduled):
    """The status column says when it goes out, not 已发布."""
    response = _client(people["duty_editor"]).get(LIST)
    page = response.content.decode()
    assert f"定时发布（北京时间 {_beijing(scheduled.published_at)}）" in page
    row = page[page.index("雄安新区新建学校开学") :][:600]
    assert "已发布" not in row


def test_the_status_filter_separates_scheduled_from_published(people, scheduled):
    """定时发布 lists the waiting story; 已发布 only what readers can see now."""
    live = desk_story(Article.Status.PUBLISHED, by=people["duty_editor"])
    client = _client(people["duty_editor"])
    waiting = client.get(LIST, {"status": "scheduled"}).context["cl"].result_list
    published = client.get(LIST, {"status": "published"}).context["cl"].result_list
    assert list(waiting) == [scheduled]
    assert list(published) == [live]
    assert "定时发布" in client.get(LIST).content.decode().split('id="changelist-filter"')[1]


def test_the_status_filter_keeps_the_other_states(people, scheduled):
    """草稿 still means drafts."""
    draft = desk_story(by=people["reporter"])
    client = _client(people["duty_editor"])
    assert list(client.get(LIST, {"status": "draft"}).context["cl"].result_list) == [draft]


def test_the_change_page_says_scheduled(people, scheduled):
    """当前状态 and the 状态 field name the time in Beijing."""
    page = _client(people["duty_editor"]).get(_change(scheduled)).content.decode()
    label = f"定时发布（北京时间 {_beijing(scheduled.published_at)}）"
    assert f"当前状态：<strong>{label}</strong>" in page
    assert "<strong>已发布</strong>" not in page


def test_scheduling_says_when_in_its_message(people):
    """The duty editor schedules a story: the message gives the time, not 已发布."""
    story = desk_story(Article.Status.APPROVED, by=people["reporter"])
    at = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    client = _client(people["duty_editor"])
    response = client.post(
        reverse("admin:articles_article_transition", args=[story.pk, "publish"]),
        {"at_0": f"{at:%Y-%m-%d}", "at_1": f"{at:%H:%M:%S}"},
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [f"已定时发布（北京时间 {at:%Y-%m-%d %H:%M}）：{story.headline}"]


def test_publishing_now_still_says_published(people):
    """Without a time, the message stays 已发布."""
    story = desk_story(Article.Status.APPROVED, by=people["reporter"])
    response = _client(people["duty_editor"]).post(
        reverse("admin:articles_article_transition", args=[story.pk, "publish"]), {}
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [f"已发布：{story.headline}"]


def test_a_published_story_reads_published(people):
    """Visible now: 已发布 on the change page."""
    story = desk_story(Article.Status.PUBLISHED, by=people["duty_editor"])
    page = _client(people["duty_editor"]).get(_change(story)).content.decode()
    assert "当前状态：<strong>已发布</strong>" in page
