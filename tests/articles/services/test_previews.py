"""Previews of unpublished stories: in the admin for staff, by signed link for outsiders."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import PREVIEW_SALT, Article, PreviewLink
from tests.articles.desk import desk_story

pytestmark = pytest.mark.django_db

S = Article.Status
HEADLINE = "雄安新区首批疏解企业即将入驻"


@pytest.fixture
def draft(people):
    return desk_story(S.DRAFT, by=people["reporter"], headline=HEADLINE)


def share_url(article: Article) -> str:
    return reverse("admin:articles_article_share", args=[article.pk])


def preview_url(article: Article) -> str:
    return reverse("admin:articles_article_preview", args=[article.pk])


def shared_link(client, user, article: Article) -> PreviewLink:
    """Create a 48-hour link through the share page, as `user`."""
    client.force_login(user)
    response = client.post(share_url(article), {"hours": 48})
    assert response.status_code == 302
    return PreviewLink.objects.get(article=article)


def token_of(link: PreviewLink) -> str:
    return link.token


def outsider_get(url: str):
    """A GET by someone who has never logged in."""
    return Client().get(url)


# --- In the admin ------------------------------------------------------------------------


def test_admin_preview_shows_a_draft_with_the_banner(client, people, draft):
    """Staff see the draft's page marked as a preview that is not yet published."""
    client.force_login(people["editor"])
    response = client.get(preview_url(draft))
    content = response.content.decode()
    assert response.status_code == 200
    assert HEADLINE in content
    assert "预览，未发布" in content


def test_admin_preview_is_never_indexed(client, people, draft):
    """The admin preview tells robots to stay away, in the page and in the headers."""
    client.force_login(people["editor"])
    response = client.get(preview_url(draft))
    assert '<meta name="robots" content="noindex' in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]


def test_admin_preview_sends_anonymous_users_to_login(client, draft):
    """Someone not logged in is sent to the admin login, not shown the draft."""
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Creating, using and revoking shared links -------------------------------------------


def test_share_page_creates_a_link_valid_for_the_hours_asked(client, people, draft):
    """POST hours=48 makes one link that runs out in 48 hours."""
    link = shared_link(client, people["editor"], draft)
    assert link.created_by == people["editor"]
    assert link.expires_at - link.created_at == timedelta(hours=48)


def test_share_page_lists_the_link_it_made(client, people, draft):
    """The share page shows the new link's full address for copying."""
    link = shared_link(client, people["editor"], draft)
    response = client.get(share_url(draft))
    assert link.get_absolute_url() in response.content.decode()


def test_shared_link_works_without_logging_in(client, people, draft):
    """An outsider with the link sees the draft, marked as unpublished."""
    link = shared_link(client, people["editor"], draft)
    response = outsider_get(link.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert HEADLINE in content
    assert "预览，未发布" in content


def test_shared_link_page_is_never_indexed(client, people, draft):
    """The shared preview carries noindex in the header and in a robots meta tag."""
    link = shared_link(client, people["editor"], draft)
    response = outsider_get(link.get_absolute_url())
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in response.content.decode()


def test_shared_link_page_is_never_cached(client, people, draft):
    """No shared cache or browser keeps a copy of the preview."""
    link = shared_link(client, people["editor"], draft)
    cache_control = outsider_get(link.get_absolute_url())["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_shared_link_address_is_the_preview_route(client, people, draft):
    """The link lives under /preview/, with the signed token as its last part."""
    link = shared_link(client, people["editor"], draft)
    assert link.get_absolute_url() == f"/preview/{token_of(link)}/"


def test_expired_link_is_404(client, people, draft):
    """Once its time has run out, the link finds nothing."""
    link = shared_link(client, people["editor"], draft)
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert outsider_get(link.get_absolute_url()).status_code == 404


def test_revoked_link_is_404(client, people, draft):
    """A link revoked from the share page stops working at once."""
    link = shared_link(client, people["editor"], draft)
    url = link.get_absolute_url()
    response = client.post(share_url(draft), {"revoke": link.pk})
    assert response.status_code == 302
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is not None
    assert outsider_get(url).status_code == 404


def test_revoking_another_articles_link_is_404(client, people, draft):
    """The share page of one story cannot revoke the links of another."""
    other = desk_story(S.DRAFT, by=people["reporter"])
    link = shared_link(client, people["editor"], other)
    response = client.post(share_url(draft), {"revoke": link.pk})
    assert response.status_code == 404
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is None


def test_link_for_a_withdrawn_story_is_404(client, people):
    """When a story is withdrawn its preview links stop showing it."""
    story = desk_story(S.PUBLISHED, by=people["reporter"])
    link = shared_link(client, people["duty_editor"], story)
    Article.objects.filter(pk=story.pk).update(status=S.WITHDRAWN)
    assert outsider_get(link.get_absolute_url()).status_code == 404


def _change_one_character(token: str, at: int) -> str:
    swapped = "B" if token[at] != "B" else "C"
    return token[:at] + swapped + token[at + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: _change_one_character(t, len(t) // 3), id="payload-character"),
        pytest.param(lambda t: _change_one_character(t, len(t) - 1), id="signature-character"),
        pytest.param(lambda t: t + "abc", id="junk-appended"),
        pytest.param(lambda t: t.rsplit(":", 1)[0], id="signature-removed"),
        pytest.param(lambda t: t[::-1], id="reversed"),
    ],
)
def test_tampered_token_is_404(client, people, draft, tamper):
    """Any change to a signed token makes it worthless."""
    link = shared_link(client, people["editor"], draft)
    forged = tamper(token_of(link))
    assert forged != token_of(link)
    assert outsider_get(reverse("articles:preview", args=[forged])).status_code == 404


def test_token_naming_another_article_is_404(client, people, draft):
    """A correctly signed token pairing one story's link with another story finds nothing."""
    link = shared_link(client, people["editor"], draft)
    other = desk_story(S.DRAFT, by=people["reporter"], headline="另一篇未发布的稿件")
    shared_link(client, people["editor"], other)
    forged = signing.dumps({"link": link.pk, "article": other.pk}, salt=PREVIEW_SALT, compress=True)
    response = outsider_get(reverse("articles:preview", args=[forged]))
    assert response.status_code == 404
    assert "另一篇未发布的稿件" not in response.content.decode()


def test_token_signed_for_another_purpose_is_404(client, people, draft):
    """A payload signed with the site's key but another salt is not a preview token."""
    link = shared_link(client, people["editor"], draft)
    forged = signing.dumps({"link": link.pk, "article": draft.pk}, compress=True)
    assert outsider_get(reverse("articles:preview", args=[forged])).status_code == 404


def test_token_signed_with_another_key_is_404(client, people, draft):
    """A token signed with a guessed key is refused."""
    link = shared_link(client, people["editor"], draft)
    forged = signing.dumps(
        {"link": link.pk, "article": draft.pk}, key="guessed", salt=PREVIEW_SALT, compress=True
    )
    assert outsider_get(reverse("articles:preview", args=[forged])).status_code == 404


# --- Who may share ---------------------------------------------------------------------


def test_reporter_cannot_create_a_link(client, people, draft):
    """A reporter without the share permission makes no link, even by crafting the POST."""
    client.force_login(people["reporter"])
    response = client.post(share_url(draft), {"hours": 48})
    assert response.status_code == 200
    assert "您没有生成预览链接的权限。" in response.content.decode()
    assert not PreviewLink.objects.exists()


def test_reporter_cannot_revoke_a_link(client, people, draft):
    """A reporter's crafted revoke leaves an editor's link working."""
    link = shared_link(client, people["editor"], draft)
    client.force_login(people["reporter"])
    client.post(share_url(draft), {"revoke": link.pk})
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is None


def test_share_page_hides_the_form_from_a_reporter(client, people, draft):
    """A reporter is not offered the button to make a link."""
    client.force_login(people["reporter"])
    response = client.get(share_url(draft))
    assert response.status_code == 200
    assert 'name="hours"' not in response.content.decode()


@pytest.mark.parametrize("hours", [0, 24 * 14 + 1])
def test_share_page_refuses_a_lifetime_out_of_range(client, people, draft, hours):
    """Links last between an hour and two weeks."""
    client.force_login(people["editor"])
    response = client.post(share_url(draft), {"hours": hours})
    assert response.status_code == 200
    assert not PreviewLink.objects.exists()


def test_share_page_hides_live_links_from_users_who_cannot_share(client, people):
    """A reporter sees that a link exists, not the link itself."""
    story = desk_story()
    link = services.preview_link_create(article=story, user=people["editor"])
    client.force_login(people["reporter"])
    response = client.get(reverse("admin:articles_article_share", args=[story.pk]))
    assert response.status_code == 200
    assert link.get_absolute_url() not in response.content.decode()
    assert PreviewLink.objects.filter(pk=link.pk, revoked_at__isnull=True).exists()
