"""Versions: every save and every step is kept, can be compared, and can be brought back."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.models import Article, WorkflowEvent
from regions.models import Region, Theme
from tests.articles.desk import change_form, desk_story, new_article_form, stored
from tests.factories import make_author, make_section

pytestmark = pytest.mark.django_db

S = Article.Status
FIRST_HEADLINE = "雄安新区迎来首批疏解企业"
SECOND_HEADLINE = "雄安新区迎来第二批疏解企业"


def versions(article: Article):
    return Version.objects.get_for_object(article).order_by("revision__date_created", "pk")


def version_named(article: Article, comment: str) -> Version:
    return versions(article).filter(revision__comment=comment).first()


def versions_url(article: Article) -> str:
    return reverse("admin:articles_article_versions", args=[article.pk])


def restore_url(article: Article, version: Version) -> str:
    return reverse("admin:articles_article_restore", args=[article.pk, version.pk])


@pytest.fixture
def edited(client, people):
    """A story the editor added, then rewrote (headline, body, byline, taxonomy), then submitted.

    Returns the article and its first and second versions.
    """
    client.force_login(people["editor"])
    first_author, second_author = make_author(name="雷嘉"), make_author(name="高峰")
    data = new_article_form(
        make_section(),
        first_author,
        headline=FIRST_HEADLINE,
        body="<p>首批企业正式入驻。</p>",
        tags="疏解, 雄安",
        regions=[Region.objects.get(slug="xiongan").pk],
        themes=[Theme.objects.get(slug="zhishichanquan").pk],
    )
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    byline = article.bylines.get()
    data = change_form(
        article,
        headline=SECOND_HEADLINE,
        body="<p>第二批企业正式入驻。</p>",
        tags="专利",
        regions=[Region.objects.get(slug="fengtai").pk],
        themes=[Theme.objects.get(slug="rencai").pk],
    ) | {
        # The first byline deleted, a photographer's added in its place.
        "bylines-TOTAL_FORMS": "2",
        "bylines-INITIAL_FORMS": "1",
        "bylines-0-id": byline.pk,
        "bylines-0-article": article.pk,
        "bylines-0-author": first_author.pk,
        "bylines-0-role": "reporter",
        "bylines-0-order": "0",
        "bylines-0-DELETE": "on",
        "bylines-1-article": article.pk,
        "bylines-1-author": second_author.pk,
        "bylines-1-role": "photographer",
        "bylines-1-order": "0",
    }
    assert (
        client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code
        == 302
    )
    submit = reverse("admin:articles_article_transition", args=[article.pk, "submit"])
    assert client.post(submit, {"note": ""}).status_code == 302
    article.refresh_from_db()
    return article, version_named(article, "新建稿件"), version_named(article, "编辑保存")


# --- Every save is kept ------------------------------------------------------------------


def test_adding_an_article_in_the_admin_stores_a_version(client, people):
    """The first save is kept, saying who added the story."""
    client.force_login(people["reporter"])
    data = new_article_form(make_section(), people["reporter"].author)
    client.post(reverse("admin:articles_article_add"), data)
    version = versions(Article.objects.get()).get()
    assert (version.revision.comment, version.revision.user) == ("新建稿件", people["reporter"])


def test_each_admin_save_stores_a_version(client, people):
    """Two saves of the change form keep two more versions, each with the new headline."""
    article = desk_story(S.DRAFT, by=people["reporter"])
    count = versions(article).count()
    client.force_login(people["reporter"])
    for headline in (FIRST_HEADLINE, SECOND_HEADLINE):
        url = reverse("admin:articles_article_change", args=[article.pk])
        assert client.post(url, change_form(article, headline=headline)).status_code == 302
    saved = list(versions(article))[count:]
    assert [v.revision.comment for v in saved] == ["编辑保存", "编辑保存"]
    assert [v.field_dict["headline"] for v in saved] == [FIRST_HEADLINE, SECOND_HEADLINE]


def test_admin_save_without_changes_still_stores_a_version(client, people):
    """Saving an untouched form is still a save the history shows."""
    article = desk_story(S.DRAFT, by=people["reporter"])
    count = versions(article).count()
    client.force_login(people["reporter"])
    client.post(reverse("admin:articles_article_change", args=[article.pk]), change_form(article))
    assert versions(article).count() == count + 1


def test_each_workflow_step_stores_a_version(client, people):
    """Submitting, approving and publishing each keep a version named after the step."""
    article = desk_story(S.DRAFT, by=people["reporter"])
    count = versions(article).count()
    for user, action, data in [
        ("reporter", "submit", {"note": ""}),
        ("editor", "approve", {"note": ""}),
        ("duty_editor", "publish", {"at_0": "", "at_1": ""}),
    ]:
        client.force_login(people[user])
        url = reverse("admin:articles_article_transition", args=[article.pk, action])
        assert client.post(url, data).status_code == 302
    comments = [v.revision.comment for v in list(versions(article))[count:]]
    assert comments == ["提交送审", "审核通过", "发布"]


def test_versions_page_lists_every_version(client, people, edited):
    """The versions page shows each kept version with its description."""
    article, _, _ = edited
    response = client.get(versions_url(article))
    content = response.content.decode()
    assert response.status_code == 200
    assert [v.pk for v in response.context["versions"]] == [
        v.pk for v in reversed(list(versions(article)))
    ]
    for comment in ("新建稿件", "编辑保存", "提交送审"):
        assert comment in content


# --- Comparing ---------------------------------------------------------------------------


def test_comparing_versions_marks_the_changed_characters(client, people, edited):
    """Only the characters that changed in the headline are struck out and added."""
    article, first, second = edited
    response = client.get(versions_url(article), {"a": first.pk, "b": second.pk})
    assert "雄安新区迎来<del>首</del><ins>第二</ins>批疏解企业" in response.content.decode()


def test_comparing_versions_in_either_order_reads_old_to_new(client, people, edited):
    """Picking the newer version as 'a' still shows what the later save changed."""
    article, first, second = edited
    response = client.get(versions_url(article), {"a": second.pk, "b": first.pk})
    assert (response.context["older"], response.context["newer"]) == (first, second)
    assert "<del>首</del><ins>第二</ins>" in response.content.decode()


def test_comparing_versions_shows_byline_and_tag_changes(client, people, edited):
    """The removed and added byline and tags appear in the comparison."""
    article, first, second = edited
    response = client.get(versions_url(article), {"a": first.pk, "b": second.pk})
    labels = {field.name for field in response.context["diff"]}
    assert {"headline", "body", "bylines", "tags", "regions", "themes"} <= labels


# --- Restoring ---------------------------------------------------------------------------


def restore(client, people, edited, role="editor"):
    article, first, _ = edited
    client.force_login(people[role])
    return client.post(restore_url(article, first))


def test_restoring_lands_on_the_change_page(client, people, edited):
    """After restoring, the editor is back on the story's change page."""
    article, _, _ = edited
    response = restore(client, people, edited)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])


def test_restoring_brings_back_the_old_headline_and_body(client, people, edited):
    """The first version's headline and body are the story's again."""
    article, _, _ = edited
    restore(client, people, edited)
    row = stored(article)
    assert (row["headline"], row["body"]) == (FIRST_HEADLINE, "<p>首批企业正式入驻。</p>")


def test_restoring_brings_back_the_old_bylines(client, people, edited):
    """The first version's byline replaces the one added later."""
    article, _, _ = edited
    restore(client, people, edited)
    assert [(b.author.name, b.role) for b in article.bylines.all()] == [("雷嘉", "reporter")]


def test_restoring_brings_back_the_old_tags(client, people, edited):
    """The first version's tags replace the later ones."""
    article, _, _ = edited
    restore(client, people, edited)
    assert sorted(t.name for t in article.tags.all()) == ["疏解", "雄安"]


def test_restoring_brings_back_the_old_regions_and_themes(client, people, edited):
    """The first version's region and theme replace the later ones."""
    article, _, _ = edited
    restore(client, people, edited)
    assert [r.slug for r in article.regions.all()] == ["xiongan"]
    assert [t.slug for t in article.themes.all()] == ["zhishichanquan"]


def test_restoring_leaves_the_workflow_state_alone(client, people, edited):
    """A story in review stays in review though the version restored was a draft."""
    article, first, _ = edited
    restore(client, people, edited)
    assert first.field_dict["status"] == S.DRAFT
    assert stored(article)["status"] == S.REVIEW


def test_restoring_is_kept_as_a_new_version(client, people, edited):
    """The restore adds a version with the old content; no version is removed."""
    article, _, _ = edited
    count = versions(article).count()
    restore(client, people, edited)
    newest = list(versions(article))[-1]
    assert versions(article).count() == count + 1
    assert newest.field_dict["headline"] == FIRST_HEADLINE
    assert newest.revision.comment.startswith("恢复旧版本")


def test_restoring_bumps_the_lock_version(client, people, edited):
    """A restore is a save: forms opened before it learn they are out of date."""
    article, _, _ = edited
    before = stored(article)["lock_version"]
    restore(client, people, edited)
    assert stored(article)["lock_version"] == before + 1


def test_restoring_is_recorded_as_an_event(client, people, edited):
    """The story's workflow record says who restored a version."""
    article, _, _ = edited
    restore(client, people, edited)
    event = WorkflowEvent.objects.filter(article=article).first()
    assert (event.action, event.actor) == (WorkflowEvent.Action.RESTORED, people["editor"])


def test_restore_by_a_user_who_cannot_edit_is_refused(client, people, edited):
    """A reporter may not edit a story in review, so may not restore its versions either."""
    article, _, _ = edited
    before = stored(article)
    count = versions(article).count()
    response = restore(client, people, edited, role="reporter")
    assert response["Location"] == versions_url(article)
    assert stored(article) == before
    assert versions(article).count() == count
    assert not WorkflowEvent.objects.filter(
        article=article, action=WorkflowEvent.Action.RESTORED
    ).exists()


def test_restore_service_refuses_a_user_who_cannot_edit(people, edited):
    """The service itself refuses, whatever page calls it."""
    article, first, _ = edited
    with pytest.raises(services.TransitionRefused):
        services.article_restore_version(article=article, version=first, user=people["reporter"])
    assert stored(article)["headline"] == SECOND_HEADLINE


def test_versions_page_offers_no_restore_to_a_user_who_cannot_edit(client, people, edited):
    """A reporter reading a story in review sees its history without restore buttons."""
    article, _, _ = edited
    client.force_login(people["reporter"])
    response = client.get(versions_url(article))
    assert response.status_code == 200
    assert "恢复此版本" not in response.content.decode()


@pytest.fixture
def foreign_version(client, people) -> Version:
    """A version of another story, kept by an admin save."""
    other = desk_story(S.DRAFT, by=people["editor"])
    client.force_login(people["editor"])
    url = reverse("admin:articles_article_change", args=[other.pk])
    assert client.post(url, change_form(other, headline="另一篇稿件")).status_code == 302
    return version_named(other, "编辑保存")


def test_restoring_another_articles_version_is_404(client, people, edited, foreign_version):
    """A version id from another story is not found under this story's address."""
    article, _, _ = edited
    before = stored(article)
    response = client.post(restore_url(article, foreign_version))
    assert response.status_code == 404
    assert stored(article) == before


def test_restore_service_refuses_another_articles_version(people, edited, foreign_version):
    """Handed a version of another story, the service refuses rather than copy it over."""
    article, _, _ = edited
    with pytest.raises(services.TransitionRefused):
        services.article_restore_version(
            article=article, version=foreign_version, user=people["duty_editor"]
        )
    assert stored(article)["headline"] == SECOND_HEADLINE


def test_restore_by_get_changes_nothing(client, people, edited):
    """Opening the restore address only leads back to the versions page."""
    article, first, _ = edited
    before = stored(article)
    response = client.get(restore_url(article, first))
    assert response["Location"] == versions_url(article)
    assert stored(article) == before


def test_restore_service_refuses_a_version_over_the_body_limit(people, edited):
    """A version stored before the body limit cannot be brought back past it."""
    article, first, _ = edited
    first.serialized_data = first.serialized_data.replace(
        "首批企业正式入驻。", "首批企业正式入驻。" * 6_000
    )
    first.save()
    with pytest.raises(services.TransitionRefused, match="正文过长：54000 字，上限 50000 字"):
        services.article_restore_version(article=article, version=first, user=people["editor"])
    assert stored(article)["headline"] == SECOND_HEADLINE
