"""The article's change page: the body rendered when read-only, and where 在站点上查看 leads."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.articles.desk import desk_story, scheduled_story

pytestmark = pytest.mark.django_db

BODY = '<p>首批企业<strong>正式入驻</strong>。</p><h2>下一步</h2><p><a href="https://example.cn/">详情</a></p>'


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


# --- the read-only page shows the body rendered ---------------------------------------------


def test_a_read_only_page_renders_the_body(people):
    """A reporter viewing a published story reads the body as HTML, not its source."""
    story = desk_story(Article.Status.PUBLISHED, by=people["duty_editor"], body=BODY)
    page = _client(people["reporter"]).get(_change(story)).content.decode()
    assert "<strong>正式入驻</strong>" in page and "<h2>下一步</h2>" in page
    assert "&lt;strong&gt;" not in page


def test_the_read_only_body_is_sanitised_again(people):
    """A body that somehow holds a script (written behind the services' back) shows none."""
    story = desk_story(Article.Status.PUBLISHED, by=people["duty_editor"])
    Article.objects.filter(pk=story.pk).update(
        body='<p onclick="steal()">正文</p><script>alert("x")</script>'
    )
    page = _client(people["reporter"]).get(_change(story)).content.decode()
    assert "<p>正文</p>" in page
    assert 'alert("x")' not in page and "steal()" not in page


def test_an_editable_page_keeps_the_body_editor(people):
    """Who may edit gets the body's editor (its textarea), not the rendered body."""
    story = desk_story(by=people["reporter"], body=BODY)
    page = _client(people["reporter"]).get(_change(story)).content.decode()
    assert 'name="body"' in page and 'class="desk-body"' not in page


# --- 在站点上查看 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.APPROVED, Article.Status.WITHDRAWN]
)
def test_view_on_site_of_an_unpublished_story_is_its_preview(people, status):
    """Not visible to readers: the link leads to the admin preview, which answers."""
    story = desk_story(status, by=people["reporter"])
    client = _client(people["duty_editor"])
    preview = reverse("admin:articles_article_preview", args=[story.pk])
    assert f'href="{preview}"' in _view_link(client.get(_change(story)).content.decode())
    assert client.get(preview).status_code == 200


def test_view_on_site_of_a_scheduled_story_is_its_preview(people):
    """Waiting for its time: readers would get a 404, so the preview."""
    story = scheduled_story(by=people["duty_editor"])
    page = _client(people["duty_editor"]).get(_change(story)).content.decode()
    assert reverse("admin:articles_article_preview", args=[story.pk]) in _view_link(page)


def test_view_on_site_of_a_published_story_is_its_public_page(people, client):
    """Visible: the readers' URL, which answers."""
    story = desk_story(Article.Status.PUBLISHED, by=people["duty_editor"])
    page = _client(people["duty_editor"]).get(_change(story)).content.decode()
    assert story.get_absolute_url() in _view_link(page)
    assert client.get(story.get_absolute_url()).status_code == 200


def _view_link(page: str) -> str:
    """The 在站点上查看 link's tag."""
    end = page.index("在站点上查看")
    return page[page.rindex("<a ", 0, end) : end]
