from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import services
from articles.models import BODY_MAX_CHARS, Article, body_length
from regions.models import Region, Theme
from tests.articles.desk import change_form, new_article_form, stored
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    """A logged-in superuser: the admin's everyday user on a small desk."""
    user = get_user_model().objects.create_superuser("bianji", "bianji@example.cn", "mima")
    client.force_login(user)
    return user


@pytest.fixture
def story():
    """A published story with two bylines and a correction."""
    article = make_article(
        headline="京津冀商标有效注册量达478.92万件",
        section=make_section(name="协同发展", slug="xietong"),
        authors=[
            (make_author(name="雷嘉"), "reporter"),
            (make_author(name="高峰"), "photographer"),
        ],
        tags=["商标"],
        regions=["xiongan"],
        themes=["zhishichanquan"],
        published_at=datetime(2025, 3, 1, 2, 0, tzinfo=UTC),
    )
    services.article_add_correction(article=article, kind="correction", text="数字已更正。")
    return article


def add_form(section, author, **overrides) -> dict:
    """The add page's POST, with a hostile body, tags, and a status it may not set."""
    hostile = {
        "body": '<p onclick="steal()">首批企业正式入驻。</p><script>alert("x")</script>',
        "tags": "疏解, 雄安",
        "status": Article.Status.PUBLISHED,
        "published_at_0": "2025-03-01",
        "published_at_1": "10:00:00",
    }
    return new_article_form(section, author, **hostile) | overrides


def test_article_changelist_answers(client, editor, story):
    """The article list opens for an editor."""
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200


def test_article_add_page_answers(client, editor):
    """The empty article form opens for an editor."""
    assert client.get(reverse("admin:articles_article_add")).status_code == 200


def test_article_change_page_shows_bylines_and_corrections(client, editor, story):
    """An article with bylines and a correction opens with both inlines filled."""
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.initial_form_count() == 2
    assert "数字已更正。" in response.content.decode()


def test_article_changelist_filters_and_searches(client, editor, story):
    """Every filter and a search term together narrow the list to the story."""
    make_article(headline="天津人才招聘会提供岗位两万个", themes=["rencai"])
    query = {
        "status__exact": "published",
        "section__id__exact": story.section_id,
        "regions__id__exact": Region.objects.get(slug="xiongan").pk,
        "themes__id__exact": Theme.objects.get(slug="zhishichanquan").pk,
        "published_at__year": "2025",
        "q": "商标",
    }
    response = client.get(reverse("admin:articles_article_changelist"), query)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [story]


def test_article_changelist_searches_byline_names(client, editor, story):
    """Searching for a reporter's name finds their story once."""
    response = client.get(reverse("admin:articles_article_changelist"), {"q": "雷嘉"})
    assert list(response.context["cl"].result_list) == [story]


@pytest.mark.parametrize(
    "model",
    [
        "regions_region",
        "regions_theme",
        "articles_section",
        "articles_author",
        "articles_correction",
    ],
)
def test_other_changelists_answer(client, editor, story, model):
    """Regions, themes, sections, authors and corrections lists open for an editor."""
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_adding_an_article_stores_a_sanitised_body(client, editor):
    """Scripts and event handlers typed into the body are stripped before saving."""
    data = add_form(make_section(), make_author(name="雷嘉"))
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert Article.objects.get().body == "<p>首批企业正式入驻。</p>"


def test_adding_an_article_records_who_did_it(client, editor):
    """The editor who adds an article is recorded as its creator and last editor."""
    data = add_form(make_section(), make_author(name="雷嘉"))
    client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get()
    assert (article.created_by, article.updated_by) == (editor, editor)


def test_changing_an_article_keeps_its_creator(client, editor, story):
    """Another editor's change updates the last editor and leaves the creator alone."""
    other = get_user_model().objects.create_superuser("fuze", "fuze@example.cn", "mima")
    Article.objects.filter(pk=story.pk).update(created_by=other)
    data = add_form(story.section, make_author(name="雷嘉"), headline=story.headline)
    data |= {"bylines-TOTAL_FORMS": "0", "tags": "商标", "opened_version": story.lock_version}
    client.post(reverse("admin:articles_article_change", args=[story.pk]), data)
    story.refresh_from_db()
    assert (story.created_by, story.updated_by) == (other, editor)


def test_tag_autocomplete_finds_a_matching_tag(client, editor, story):
    """The tags box's autocomplete endpoint offers the tag that matches what is typed."""
    response = client.get(
        "/admin/autocomplete/",
        {"term": "商", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["商标"]


def long_body(chars: int) -> str:
    """A body of `chars` characters of text, in paragraphs of 100 (markup and spaces aside)."""
    sentence = "京津冀三地协同推进产业转移和公共服务共建共享，"  # 23 characters
    text = (sentence * (chars // len(sentence) + 1))[:chars]
    return "".join(f"<p>{text[at : at + 100]}</p>\n" for at in range(0, chars, 100))


def test_adding_a_body_over_the_limit_is_refused_on_the_field(client, editor):
    """A body of 50,001 characters comes back as the body's own error, and nothing is saved."""
    data = add_form(make_section(), make_author(name="雷嘉"), body=long_body(BODY_MAX_CHARS + 1))
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        "正文过长：50001 字，上限 50000 字；请拆分为多篇稿件。"
    ]
    assert "正文过长：50001 字" in response.content.decode()
    assert not Article.objects.exists()


def test_a_body_at_the_limit_is_saved(client, editor):
    """Exactly 50,000 characters of text (tags and line breaks not counted) is accepted."""
    body = long_body(BODY_MAX_CHARS)
    data = add_form(make_section(), make_author(name="雷嘉"), body=body)
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert body_length(Article.objects.get().body) == BODY_MAX_CHARS


def test_editing_a_body_over_the_limit_keeps_the_stored_version(client, editor, story):
    """Pasting 120,000 characters into a story answers with the field error, promptly, and
    the story keeps its body and lock version."""
    before = stored(story)
    data = change_form(story, body=long_body(120_000))
    response = client.post(reverse("admin:articles_article_change", args=[story.pk]), data)
    assert response.status_code == 200
    assert (
        "正文过长：120000 字，上限 50000 字" in response.context["adminform"].form.errors["body"][0]
    )
    assert stored(story) == before


def test_services_refuse_a_body_over_the_limit_too(story):
    """article_create's full_clean applies the same check, with its code."""
    with pytest.raises(ValidationError) as error:
        services.article_create(
            headline="超长稿件", section=story.section, body=long_body(BODY_MAX_CHARS + 1)
        )
    assert error.value.error_dict["body"][0].code == "body_too_long"
