"""The workflow through the admin: crafted POSTs meet the same rules as the buttons."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertRedirects

from articles.models import Article, WorkflowEvent
from articles.services.workflow import TRANSITIONS
from regions.models import Region, Theme
from tests.articles.desk import (
    change_form,
    desk_story,
    new_article_form,
    scheduled_story,
    stored,
    trace,
)
from tests.factories import make_section

pytestmark = pytest.mark.django_db

S = Article.Status


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def step_url(article: Article, action: str) -> str:
    return reverse("admin:articles_article_transition", args=[article.pk, action])


def warnings_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if "校对提示" in str(m)]


# --- The change form ---------------------------------------------------------------------


def test_reporter_cannot_set_status_or_publication_time_through_the_form(client, people):
    """Status and publication time in a reporter's POST are ignored; the rest is saved."""
    article = desk_story(S.DRAFT, by=people["reporter"])
    client.force_login(people["reporter"])
    data = change_form(
        article,
        headline="记者改过的标题",
        status=S.PUBLISHED,
        published_at_0="2025-03-01",
        published_at_1="10:00:00",
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    row = stored(article)
    assert (row["headline"], row["status"], row["published_at"]) == (
        "记者改过的标题",
        S.DRAFT,
        None,
    )


@pytest.mark.parametrize(
    ("owner", "status"),
    [
        pytest.param("other_reporter", S.DRAFT, id="colleagues-draft"),
        pytest.param("reporter", S.REVIEW, id="own-story-once-submitted"),
    ],
)
def test_reporter_cannot_post_to_the_change_form(client, people, owner, status):
    """A reporter's POST to a story they may not edit is forbidden and changes nothing."""
    article = desk_story(status, by=people[owner])
    before = stored(article)
    client.force_login(people["reporter"])
    response = client.post(change_url(article), change_form(article, headline="不该保存的标题"))
    assert response.status_code == 403
    assert stored(article) == before


@pytest.mark.parametrize(
    ("owner", "status"),
    [
        pytest.param("other_reporter", S.DRAFT, id="colleagues-draft"),
        pytest.param("reporter", S.REVIEW, id="own-story-once-submitted"),
    ],
)
def test_reporter_opens_a_story_they_may_not_edit_read_only(client, people, owner, status):
    """The change page of a story a reporter may not edit offers no way to save.

    The view permission lets the page open (200, not 403): reporters may read the desk's
    other stories, only not change them.
    """
    article = desk_story(status, by=people[owner])
    client.force_login(people["reporter"])
    response = client.get(change_url(article))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_staff_without_a_desk_role_cannot_open_the_change_form(client, people):
    """A staff account in no desk group is forbidden the article's change page."""
    article = desk_story(S.DRAFT, by=people["reporter"])
    client.force_login(people["staff"])
    assert client.get(change_url(article)).status_code == 403


def test_editor_may_change_a_story_in_review(client, people):
    """An editor's edit to a story waiting for review is saved."""
    article = desk_story(S.REVIEW, by=people["reporter"])
    client.force_login(people["editor"])
    response = client.post(change_url(article), change_form(article, headline="编辑改过的标题"))
    assert response.status_code == 302
    assert stored(article)["headline"] == "编辑改过的标题"


def test_editor_cannot_change_a_published_story(client, people):
    """Once a story is out, an editor's POST is forbidden: corrections go through the desk."""
    article = desk_story(S.PUBLISHED, by=people["reporter"])
    before = stored(article)
    client.force_login(people["editor"])
    response = client.post(change_url(article), change_form(article, headline="编辑改过的标题"))
    assert response.status_code == 403
    assert stored(article) == before


def test_duty_editor_may_change_a_published_story(client, people):
    """The duty editor may still edit a story that is out."""
    article = desk_story(S.PUBLISHED, by=people["reporter"])
    client.force_login(people["duty_editor"])
    response = client.post(change_url(article), change_form(article, headline="主编改过的标题"))
    assert response.status_code == 302
    assert stored(article)["headline"] == "主编改过的标题"


# --- Workflow buttons --------------------------------------------------------------------

# action: (source state, what its form posts, a role refused it, the role that takes it)
BUTTONS = {
    "submit": (S.DRAFT, {"note": ""}, "other_reporter", "reporter"),
    "return": (S.REVIEW, {"note": "请补充数据来源"}, "reporter", "editor"),
    "approve": (S.REVIEW, {"note": ""}, "reporter", "editor"),
    "publish": (S.APPROVED, {"at_0": "", "at_1": ""}, "editor", "duty_editor"),
    "withdraw": (S.PUBLISHED, {"reason": "消息来源撤回说法"}, "editor", "duty_editor"),
    "correct": (S.PUBLISHED, {"kind": "correction", "text": "数字已更正"}, "editor", "duty_editor"),
}
TARGETS = {
    "submit": S.REVIEW,
    "return": S.DRAFT,
    "approve": S.APPROVED,
    "publish": S.PUBLISHED,
    "withdraw": S.WITHDRAWN,
    "correct": S.PUBLISHED,
}


@pytest.mark.parametrize("action", BUTTONS)
def test_step_post_without_permission_changes_nothing(client, people, action):
    """A crafted POST by a role refused the step leaves the story as it was."""
    source, data, refused, _ = BUTTONS[action]
    article = desk_story(source, by=people["reporter"])
    before = trace(article)
    client.force_login(people[refused])
    response = client.post(step_url(article, action), data)
    assert response.status_code == 200
    assert trace(article) == before


@pytest.mark.parametrize("action", BUTTONS)
def test_step_post_without_permission_shows_the_refusal(client, people, action):
    """The page answering a refused POST says why."""
    source, data, refused, _ = BUTTONS[action]
    article = desk_story(source, by=people["reporter"])
    reason = TRANSITIONS[action].refusal(people[refused], article)
    client.force_login(people[refused])
    response = client.post(step_url(article, action), data)
    assert reason
    assert reason in response.content.decode()


@pytest.mark.parametrize("action", BUTTONS)
def test_step_post_by_the_right_role_takes_the_step(client, people, action):
    """The role the step belongs to moves the story on and lands back on its change page."""
    source, data, _, allowed = BUTTONS[action]
    article = desk_story(source, by=people["reporter"])
    client.force_login(people[allowed])
    response = client.post(step_url(article, action), data)
    assertRedirects(response, change_url(article))
    assert stored(article)["status"] == TARGETS[action]
    assert WorkflowEvent.objects.get(article=article).actor == people[allowed]


def test_step_post_by_staff_without_a_desk_role_is_forbidden(client, people):
    """A staff account in no desk group cannot reach the workflow pages at all."""
    article = desk_story(S.APPROVED)
    before = trace(article)
    client.force_login(people["staff"])
    response = client.post(step_url(article, "publish"), {"at_0": "", "at_1": ""})
    assert response.status_code == 403
    assert trace(article) == before


def test_unknown_step_is_404(client, people):
    """A workflow action that does not exist is not found."""
    article = desk_story(S.APPROVED)
    client.force_login(people["superuser"])
    assert client.post(step_url(article, "unpublish"), {}).status_code == 404


@pytest.mark.parametrize("object_id", ["abc", "1x", "-1"])
def test_step_for_a_non_numeric_object_id_is_404(client, people, object_id):
    """An object id that is not a number is not found, rather than an error."""
    client.force_login(people["superuser"])
    url = f"/admin/articles/article/{object_id}/workflow/publish/"
    assert client.post(url, {"at_0": "", "at_1": ""}).status_code == 404


def test_step_for_a_missing_article_is_404(client, people):
    """An id no article has is not found."""
    client.force_login(people["superuser"])
    url = "/admin/articles/article/999999/workflow/publish/"
    assert client.get(url).status_code == 404


def test_publish_page_shows_its_form_in_beijing_time(client, people):
    """The publish page asks for a time and says which clock it is on."""
    article = desk_story(S.APPROVED)
    client.force_login(people["duty_editor"])
    response = client.get(step_url(article, "publish"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="at_0"' in content
    assert "北京时间" in content


def test_step_page_for_a_refused_role_explains_instead_of_offering_the_form(client, people):
    """An editor opening the publish page is told why, with no form to send."""
    article = desk_story(S.APPROVED)
    client.force_login(people["editor"])
    response = client.get(step_url(article, "publish"))
    content = response.content.decode()
    assert "您没有“发布”的权限。" in content
    assert 'name="at_0"' not in content


def test_publishing_at_a_past_time_is_a_form_error(client, people):
    """A scheduled time already gone is refused in the form, and the story stays approved."""
    article = desk_story(S.APPROVED)
    before = trace(article)
    client.force_login(people["duty_editor"])
    response = client.post(step_url(article, "publish"), {"at_0": "2020-01-01", "at_1": "08:00:00"})
    assert response.status_code == 200
    assert "at" in response.context["form"].errors
    assert trace(article) == before


def test_publishing_at_a_future_time_schedules_the_story(client, people):
    """A time ahead, typed in Beijing time, becomes the story's publication time."""
    article = desk_story(S.APPROVED)
    when = timezone.localtime() + timedelta(days=1)
    client.force_login(people["duty_editor"])
    client.post(
        step_url(article, "publish"),
        {"at_0": when.strftime("%Y-%m-%d"), "at_1": when.strftime("%H:%M:%S")},
    )
    assert stored(article)["published_at"] == when.replace(microsecond=0)
    assert not Article.objects.published().filter(pk=article.pk).exists()


# --- The desk board ----------------------------------------------------------------------


@pytest.fixture
def board(people):
    """Stories in every state the board lists, each with a headline saying where it belongs."""
    return {
        "mine": desk_story(S.DRAFT, by=people["reporter"], headline="林晓雯的草稿"),
        "colleague": desk_story(S.DRAFT, by=people["other_reporter"], headline="温若溪的草稿"),
        "review": desk_story(S.REVIEW, by=people["reporter"], headline="等待审稿的稿件"),
        "scheduled": scheduled_story(hours=3, headline="明早定时发布的稿件"),
        "live": desk_story(S.PUBLISHED, headline="已经见报的稿件"),
    }


def board_lists(client, user) -> dict[str, list[str]]:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {
        title: [a.headline for a in articles] for title, _, articles in response.context["desk"]
    }


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        pytest.param("reporter", "林晓雯的草稿", "温若溪的草稿", id="reporter"),
        pytest.param("other_reporter", "温若溪的草稿", "林晓雯的草稿", id="other-reporter"),
    ],
)
def test_desk_board_lists_the_users_own_drafts(client, people, board, role, own, other):
    """我的草稿 holds the user's drafts and not a colleague's."""
    drafts = board_lists(client, people[role])["我的草稿"]
    assert own in drafts
    assert other not in drafts


def test_desk_board_lists_stories_waiting_for_review(client, people, board):
    """待审稿件 holds the submitted story and no drafts."""
    assert board_lists(client, people["editor"])["待审稿件"] == ["等待审稿的稿件"]


def test_desk_board_lists_scheduled_stories(client, people, board):
    """定时发布 holds the story waiting for its time, not the one already out."""
    assert board_lists(client, people["duty_editor"])["定时发布"] == ["明早定时发布的稿件"]


def test_desk_board_shows_its_lists_on_the_page(client, people, board):
    """The board's captions and the user's draft appear in the admin's front page."""
    client.force_login(people["reporter"])
    content = client.get(reverse("admin:index")).content.decode()
    for text in ("我的草稿", "待审稿件", "定时发布", "林晓雯的草稿", "明早定时发布的稿件"):
        assert text in content


# --- Copy-desk warnings ------------------------------------------------------------------


def test_saving_an_ascii_comma_between_chinese_warns(client, people):
    """A half-width comma in a Chinese headline earns a copy-desk warning after saving."""
    client.force_login(people["reporter"])
    data = new_article_form(
        make_section(), people["reporter"].author, headline="京津冀,协同发展迈出新步伐"
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert any(w.startswith("校对提示：主题有英文标点夹在中文里") for w in warnings_of(response))


def test_saving_without_a_region_warns(client, people):
    """A story saved with no region earns a reminder to tag one."""
    client.force_login(people["reporter"])
    data = new_article_form(make_section(), people["reporter"].author)
    response = client.post(reverse("admin:articles_article_add"), data)
    assert "校对提示：还没有标注地区。" in warnings_of(response)


def test_saving_a_clean_story_gives_no_warnings(client, people):
    """Full-width punctuation, a byline, a region and a theme: nothing to warn about."""
    client.force_login(people["reporter"])
    data = new_article_form(
        make_section(),
        people["reporter"].author,
        headline="京津冀协同发展迈出新步伐",
        body="<p>三地签署合作协议，共同推进产业协同。</p>",
        regions=[Region.objects.get(slug="xiongan").pk],
        themes=[Theme.objects.get(slug="zhishichanquan").pk],
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert warnings_of(response) == []


def test_warnings_are_shown_on_the_page_after_saving(client, people):
    """The redirected page carries the warning to the reporter."""
    client.force_login(people["reporter"])
    data = new_article_form(make_section(), people["reporter"].author)
    response = client.post(reverse("admin:articles_article_add"), data, follow=True)
    assert "还没有标注地区" in response.content.decode()
