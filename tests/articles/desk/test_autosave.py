"""Autosave: what a user typed is kept while they type and offered back after a crash; it is
never a version, and a real save ends it."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.desk import autosave
from articles.models import Article, Autosave
from tests.articles.desk import change_form, desk_story, new_article_form

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(article=None) -> str:
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def _keep(client, article=None, **fields):
    """Send a draft as autosave.js does: the form's fields as lists, chosen options' texts."""
    payload = {
        "fields": {name: [value] for name, value in fields.items()},
        "labels": {"section": {"1": "协同发展"}},
    }
    return client.post(_url(article), json.dumps(payload), content_type="application/json")


def _change_page(client, article) -> str:
    return client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()


@pytest.fixture
def draft(people):
    return desk_story(headline="雄安新区迎来首批疏解企业", by=people["reporter"])


@pytest.fixture
def editor(people):
    return _client(people["editor"])


def test_a_draft_is_kept_and_offered_back(people, draft, editor):
    """Typed, autosaved, tab closed: the change page offers it back with its time."""
    response = _keep(editor, draft, headline="雄安新区迎来第二批疏解企业")
    assert response.status_code == 200
    saved = Autosave.objects.get(user=people["editor"], article=draft)
    page = _change_page(editor, draft)
    clock = f"{timezone.localtime(saved.saved_at):%H:%M}"
    assert f"您有 {clock} 自动保存但未提交的内容" in page
    assert "恢复" in page and "丢弃" in page
    data = page.split('id="desk-autosave-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data)["fields"]["headline"] == ["雄安新区迎来第二批疏解企业"]
    assert response.json()["text"] == f"已于 {clock} 自动保存（尚未提交）"


def test_a_draft_is_overwritten_not_appended(people, draft, editor):
    """One row per user and story, holding the latest text."""
    _keep(editor, draft, headline="第一稿")
    _keep(editor, draft, headline="第二稿")
    drafts = Autosave.objects.filter(user=people["editor"])
    assert drafts.count() == 1
    assert drafts.get().data["fields"]["headline"] == ["第二稿"]


def test_each_user_keeps_a_draft_of_their_own(people, draft, editor):
    """Two people typing in one story do not overwrite each other's draft."""
    _keep(editor, draft, headline="编辑的稿")
    _keep(_client(people["duty_editor"]), draft, headline="主编的稿")
    assert Autosave.objects.filter(article=draft).count() == 2
    assert "主编的稿" not in _change_page(editor, draft)


def test_autosaving_creates_no_version(draft, editor):
    """Drafts stay out of the history: no reversion Version is made."""
    before = Version.objects.count()
    _keep(editor, draft, headline="第一稿")
    _keep(editor, draft, headline="第二稿")
    assert Version.objects.count() == before


def test_autosaving_leaves_the_article_as_it_was(draft, editor):
    """Nothing of the story changes, not even its updated time."""
    before = Article.objects.filter(pk=draft.pk).values().get()
    _keep(editor, draft, headline="第一稿")
    assert Article.objects.filter(pk=draft.pk).values().get() == before


def test_a_real_save_discards_the_draft(people, draft, editor):
    """Saving the form ends the user's draft of that story."""
    _keep(editor, draft, headline="雄安新区迎来第二批疏解企业")
    response = editor.post(
        reverse("admin:articles_article_change", args=[draft.pk]),
        change_form(draft, headline="雄安新区迎来第二批疏解企业"),
    )
    assert response.status_code == 302
    assert not Autosave.objects.filter(user=people["editor"]).exists()
    assert "自动保存但未提交" not in _change_page(editor, draft)


def test_a_refused_save_keeps_the_draft(people, draft, editor):
    """A save that did not go through (an empty headline) is no reason to forget the draft."""
    _keep(editor, draft, headline="雄安")
    response = editor.post(
        reverse("admin:articles_article_change", args=[draft.pk]), change_form(draft, headline="")
    )
    assert response.status_code == 200
    assert Autosave.objects.filter(user=people["editor"], article=draft).exists()


def test_adding_a_story_discards_the_new_story_draft(people, editor):
    """On the add page the draft belongs to no story yet; adding one ends it."""
    from articles.models import Author, Section

    section = Section.objects.create(name="协同发展", slug="xietong")
    author = Author.objects.get(name="林晓雯")
    _keep(editor, None, headline="雄安新区迎来首批疏解企业")
    assert Autosave.objects.filter(user=people["editor"], article=None).exists()
    page = editor.get(reverse("admin:articles_article_add")).content.decode()
    assert "自动保存但未提交的内容" in page
    response = editor.post(reverse("admin:articles_article_add"), new_article_form(section, author))
    assert response.status_code == 302
    assert not Autosave.objects.filter(user=people["editor"]).exists()


def test_a_draft_older_than_the_last_save_is_not_offered(people, draft, editor):
    """Someone saved the story after the draft was typed: the draft is out of date."""
    _keep(editor, draft, headline="旧的草稿")
    Autosave.objects.update(saved_at=timezone.now() - timedelta(minutes=5))
    assert "自动保存但未提交" not in _change_page(editor, draft)


def test_a_draft_can_be_discarded(people, draft, editor):
    """丢弃 forgets it."""
    _keep(editor, draft, headline="不要了")
    response = editor.post(
        _url(draft), json.dumps({"discard": True}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["discarded"] is True
    assert not Autosave.objects.exists()


def test_a_too_large_draft_is_refused_with_413(draft, editor):
    """More than 300 KB: refused in JSON, nothing kept."""
    response = _keep(editor, draft, body="<p>" + "京" * (autosave.MAX_BYTES // 3 + 10) + "</p>")
    assert response.status_code == 413
    assert "300 KB" in response.json()["error"]
    assert not Autosave.objects.exists()


@pytest.mark.parametrize(
    "body", ["不是 JSON", json.dumps([1, 2]), json.dumps({"fields": {"headline": "不是列表"}})]
)
def test_a_malformed_draft_is_refused_with_400(draft, editor, body):
    """Anything but the form's fields as lists of strings is refused in JSON."""
    response = editor.post(_url(draft), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]
    assert not Autosave.objects.exists()


def test_a_reader_who_may_not_edit_cannot_autosave(people):
    """A reporter viewing a published story has nothing to autosave: 403."""
    story = desk_story(Article.Status.PUBLISHED, by=people["duty_editor"])
    response = _keep(_client(people["reporter"]), story, headline="改一改")
    assert response.status_code == 403
    assert not Autosave.objects.exists()


def test_staff_without_permissions_cannot_autosave_a_new_story(people):
    """No add permission, no draft of a new story."""
    assert _keep(_client(people["staff"]), None, headline="新稿").status_code == 403


def test_anonymous_is_sent_to_login(draft, client):
    response = _keep(client, draft, headline="匿名")
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_get_is_refused(draft, editor):
    assert editor.get(_url(draft)).status_code == 405
