from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import services
from articles.models import Article, Author, Correction
from tests.factories import HIDDEN, make_article, make_section

pytestmark = pytest.mark.django_db


def test_published_includes_a_published_article_from_the_past():
    """A published article whose time has come is visible to readers."""
    article = make_article(hours_ago=2)
    assert list(Article.objects.published()) == [article]


@pytest.mark.parametrize("state", HIDDEN.values(), ids=HIDDEN.keys())
def test_published_excludes_articles_readers_may_not_see(state):
    """Drafts, review copies, withdrawn and future-dated stories are not visible."""
    make_article(headline="尚未公开的稿件", **state)
    assert not Article.objects.published().exists()


def test_slug_is_filled_from_a_chinese_headline():
    """An article saved without a slug gets the pinyin of its headline."""
    article = make_article(headline="雄安新区迎来首批疏解企业")
    assert article.slug == "xiong-an-xin-qu-ying-lai-shou-pi-shu-jie-qi-ye"


def test_slug_set_by_hand_is_kept():
    """An editor's own slug is not overwritten by the headline's pinyin."""
    article = make_article(headline="雄安新区迎来首批疏解企业", slug="xiongan-first-firms")
    article.refresh_from_db()
    assert article.slug == "xiongan-first-firms"


def test_author_slug_is_the_pinyin_of_the_name():
    """An author's slug is the name in pinyin, without hyphens."""
    assert Author.objects.create(name="雷嘉").slug == "leijia"


def test_namesake_author_gets_a_numbered_slug():
    """A second author with the same name gets the next free slug."""
    Author.objects.create(name="雷嘉")
    assert Author.objects.create(name="雷嘉").slug == "leijia2"


def test_author_get_or_create_returns_the_author_on_file():
    """Asking for an existing name returns that author instead of a namesake."""
    first = services.author_get_or_create(name="雷嘉")
    again = services.author_get_or_create(name=" 雷嘉 ")
    assert (again.pk, Author.objects.count()) == (first.pk, 1)


def test_absolute_url_carries_the_beijing_date():
    """A story published 17:30 UTC on 1 March is dated 2 March in Beijing."""
    article = make_article(
        headline="京津冀商标有效注册量达478.92万件",
        published_at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC),
    )
    assert article.get_absolute_url() == (
        f"/articles/2026/03/02/{article.pk}-jing-jin-ji-shang-biao-you-xiao-zhu-ce-liang-da-478-92-wan-jian/"
    )


def test_published_without_time_fails_validation():
    """full_clean rejects a published article that has no publication time."""
    article = Article(headline="没有发布时间", section=make_section(), status="published")
    with pytest.raises(ValidationError, match="已发布的稿件必须有发布时间"):
        article.full_clean()


def test_published_without_time_is_refused_by_the_database():
    """The check constraint holds even when validation is skipped."""
    section = make_section()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(headline="绕过校验", section=section, status="published")


def test_modified_at_of_a_scheduled_story_is_its_publication():
    """Saved before its time, a scheduled story first changes for readers when it appears."""
    when = timezone.now() + timedelta(hours=3)
    story = make_article(published_at=when)
    assert story.modified_at == when


def test_modified_at_follows_a_correction_dated_after_the_last_save():
    """A correction later than the last save is the story's last change."""
    story = make_article()
    later = timezone.now() + timedelta(minutes=5)
    Correction.objects.create(article=story, text="更正。", created_at=later)
    assert Article.objects.get(pk=story.pk).modified_at == later


def test_description_is_the_summary():
    assert make_article(summary="三地联合发布数据。").description == "三地联合发布数据。"


def test_description_without_a_summary_is_the_bodys_opening():
    """No summary: the body's text, tags gone, cut to 150 characters."""
    story = make_article(summary="", body="<p>" + "京津冀" * 60 + "</p>")
    assert story.description.startswith("京津冀京津冀")
    assert "<" not in story.description
    assert len(story.description) == 150
