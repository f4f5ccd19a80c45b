"""Presence: who else has a story open in the admin, shown on its change page, never a lock."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.desk import presence
from articles.models import Article, EditingSession
from tests.articles.desk import desk_story

pytestmark = pytest.mark.django_db

TAB = "tab-aaaaaaaa"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open(user, article) -> str:
    """`user` opens the article's change page; returns the page."""
    response = _client(user).get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _beat(user, article, tab=TAB):
    return _client(user).post(
        reverse("admin:articles_article_presence", args=[article.pk]), {"tab": tab}
    )


def _since(user, article) -> str:
    opened = EditingSession.objects.filter(user=user, article=article).earliest("opened_at")
    return f"{timezone.localtime(opened.opened_at):%H:%M}"


@pytest.fixture
def draft(people):
    return desk_story(headline="雄安新区迎来首批疏解企业", by=people["reporter"])


def test_two_users_on_one_story_each_see_the_other(people, draft):
    """The editor opens the story, then the duty editor: each is told about the other."""
    editor, duty = people["editor"], people["duty_editor"]
    _open(editor, draft)
    page = _open(duty, draft)
    assert f"编辑 editor 自 {_since(editor, draft)} 起也在编辑这篇稿件" in page
    others = _beat(editor, draft).json()["others"]
    assert [o["text"] for o in others] == [
        f"值班主编 dutyeditor 自 {_since(duty, draft)} 起也在编辑这篇稿件"
    ]


def test_the_notice_names_the_byline_and_account(people, draft):
    """A reporter linked to an author reads as 记者 林晓雯（reporter）."""
    _open(people["reporter"], draft)
    page = _open(people["editor"], draft)
    assert f"记者 林晓雯（reporter）自 {_since(people['reporter'], draft)} 起" in page


def test_alone_on_a_story_no_notice_is_shown(people, draft):
    """Nobody else: the notice is there for the script, empty and hidden."""
    page = _open(people["editor"], draft)
    assert "也在编辑这篇稿件" not in page
    assert re.search(r'<div id="desk-presence"[^>]* hidden>', page)


def test_a_stopped_heartbeat_disappears(people, draft):
    """A page not heard from for more than 75 seconds no longer counts as open."""
    editor, duty = people["editor"], people["duty_editor"]
    _beat(duty, draft)
    EditingSession.objects.filter(user=duty).update(
        last_seen=timezone.now() - timedelta(seconds=presence.PRESENT_SECONDS + 1)
    )
    assert _beat(editor, draft).json()["others"] == []
    assert "也在编辑这篇稿件" not in _open(editor, draft)


def test_a_recent_heartbeat_keeps_a_user_present(people, draft):
    """Seen 60 seconds ago (a heartbeat late): still there."""
    editor, duty = people["editor"], people["duty_editor"]
    _beat(duty, draft)
    EditingSession.objects.filter(user=duty).update(
        last_seen=timezone.now() - timedelta(seconds=60)
    )
    assert [o["username"] for o in _beat(editor, draft).json()["others"]] == ["dutyeditor"]


def test_a_reloaded_page_keeps_the_time_first_opened(people, draft):
    """Saving reloads the page under a new tab name; 自 HH:MM stays the first opening."""
    duty = people["duty_editor"]
    _beat(duty, draft, tab="tab-first-one")
    first = EditingSession.objects.get(user=duty).opened_at - timedelta(minutes=20)
    EditingSession.objects.filter(user=duty).update(opened_at=first)
    _beat(duty, draft, tab="tab-second-one")
    others = _beat(people["editor"], draft).json()["others"]
    assert others[0]["since"] == first.isoformat()
    assert len(others) == 1


def test_two_tabs_of_one_user_are_one_entry(people, draft):
    """A colleague with the story open twice is named once."""
    _beat(people["duty_editor"], draft, tab="tab-first-one")
    _beat(people["duty_editor"], draft, tab="tab-second-one")
    assert len(_beat(people["editor"], draft).json()["others"]) == 1


def test_a_viewer_who_may_not_edit_is_shown_as_viewing(people):
    """A reporter reading a published story is 也在查看, not 也在编辑."""
    story = desk_story(Article.Status.PUBLISHED, by=people["duty_editor"])
    _open(people["reporter"], story)
    others = _beat(people["duty_editor"], story).json()["others"]
    assert others[0]["text"].endswith("也在查看这篇稿件")


def test_own_presence_is_not_reported(people, draft):
    """Two tabs of one's own do not warn oneself."""
    _beat(people["editor"], draft, tab="tab-first-one")
    assert _beat(people["editor"], draft).json()["others"] == []


def test_a_user_without_view_permission_is_refused(people, draft):
    """Staff without the article permissions get 403 and leave no trace."""
    assert _beat(people["staff"], draft).status_code == 403
    assert not EditingSession.objects.filter(user=people["staff"]).exists()


def test_anonymous_is_sent_to_login(draft, client):
    """Not logged in: the admin's login page."""
    response = client.post(
        reverse("admin:articles_article_presence", args=[draft.pk]), {"tab": TAB}
    )
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_get_is_refused(people, draft):
    """A heartbeat is a POST."""
    url = reverse("admin:articles_article_presence", args=[draft.pk])
    assert _client(people["editor"]).get(url).status_code == 405


def test_a_heartbeat_needs_a_csrf_token(people, draft):
    """It writes, so it is protected like every admin form."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["editor"])
    url = reverse("admin:articles_article_presence", args=[draft.pk])
    assert client.post(url, {"tab": TAB}).status_code == 403


def test_a_heartbeat_without_a_tab_is_refused(people, draft):
    """400 with a reason, nothing recorded."""
    response = _beat(people["editor"], draft, tab="")
    assert response.status_code == 400 and "error" in response.json()
    assert not EditingSession.objects.exists()


def test_stale_rows_are_deleted_on_the_next_heartbeat(people, draft):
    """The table holds only pages still open, on any story."""
    other = desk_story(by=people["reporter"])
    _beat(people["duty_editor"], other)
    EditingSession.objects.update(last_seen=timezone.now() - timedelta(minutes=10))
    _beat(people["editor"], draft)
    assert list(EditingSession.objects.values_list("user__username", flat=True)) == ["editor"]


def test_an_opening_on_another_day_gives_the_date():
    """Today 21:05; another day 11月20日 21:05 (Beijing time)."""
    from articles.desk.clock import desk_clock

    now = timezone.localtime()
    assert desk_clock(now) == f"{now:%H:%M}"
    earlier = now - timedelta(days=3)
    assert desk_clock(earlier) == f"{earlier.month}月{earlier.day}日 {earlier:%H:%M}"
