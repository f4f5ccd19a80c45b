import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from articles import services
from articles.models import Article, Author, Byline
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def test_article_create_refuses_a_slug_that_is_not_url_safe():
    """A hand-set slug with Chinese or spaces is refused, and no article is left behind."""
    section = make_section()
    with pytest.raises(ValidationError) as error:
        services.article_create(headline="雄安新区迎来新企业", section=section, slug="雄安 新区")
    assert "slug" in error.value.message_dict
    assert not Article.objects.exists()


def test_article_create_saves_bylines_in_the_given_order():
    """Bylines keep the order and roles the caller gave."""
    reporter, intern = make_author(name="林晓雯"), make_author(name="温若溪")
    article = make_article(authors=[(reporter, "reporter"), (intern, "intern")])
    assert [(b.author.name, b.role) for b in article.bylines.all()] == [
        ("林晓雯", "reporter"),
        ("温若溪", "intern"),
    ]


def test_article_create_is_all_or_nothing():
    """A byline that cannot be saved (its author was never stored) rolls back the article too."""
    author = make_author(name="周启航")
    with pytest.raises(IntegrityError):
        services.article_create(
            headline="重复署名的稿件",
            section=make_section(),
            bylines=[(author, "reporter"), (Author(name="未存档的作者"), "reporter")],
        )
    assert not Article.objects.filter(headline="重复署名的稿件").exists()
    assert not Byline.objects.exists()


def test_author_get_or_create_refuses_a_chinese_slug():
    """An author slug must be ASCII, or every page with the byline would break."""
    with pytest.raises(ValidationError):
        services.author_get_or_create(name="雷嘉", slug="雷嘉")
    assert not Author.objects.exists()


def test_article_add_correction_touches_the_updated_time():
    """A correction moves the article's updated time forward."""
    article = make_article()
    before = Article.objects.get(pk=article.pk).updated_at
    services.article_add_correction(article=article, kind="correction", text="数字有误，已更正。")
    assert Article.objects.get(pk=article.pk).updated_at > before
