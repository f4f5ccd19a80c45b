"""The article page's reads: the story and everything beside it in a fixed, small number of
queries, holding what prefetch_related would."""

import pytest
from django.db.models import Prefetch

from articles import services
from articles.models import Article, Byline, Correction
from articles.site import selectors
from regions.models import Region, Theme
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def dressed(story):
    """The readers' story with three regions, two themes, two tags and two corrections."""
    services.article_save_edit(
        article=story,
        base_version=story.lock_version,
        user=None,
        tags=["商标", "知识产权", "白皮书"],
        regions=Region.objects.filter(slug__in=["fengtai", "beijing", "xiongan"]),
        themes=Theme.objects.filter(slug__in=["zhishichanquan", "yingshanghuanjing"]),
    )
    for text in ("第二段数字有误，已更正。", "补充了天津的数据。"):
        services.article_add_correction(article=story, kind="correction", text=text)
    return story


def prefetched(pk: int) -> Article:
    """The article as prefetch_related reads it, to compare with."""
    return Article.objects.prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        "tags",
        "regions",
        "themes",
        Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "pk")),
    ).get(pk=pk)


def test_the_article_and_all_beside_it_take_two_queries(django_assert_num_queries, dressed):
    """The story with its section, then bylines, tags, regions, themes and corrections in one
    UNION; reading them afterwards costs nothing more."""
    with django_assert_num_queries(2):
        article = selectors.article_for_reader(dressed.pk)
        assert article.section.name == "协同发展"
        assert len(article.bylines.all()) == 2
        assert [b.author.name for b in article.bylines.all()] == ["雷嘉", "高峰"]
        assert len(article.tags.all()) == 3
        assert len(article.regions.all()) == 3
        assert len(article.themes.all()) == 2
        assert len(article.corrections.all()) == 2
        assert article.last_corrected_at is not None


def test_the_union_holds_what_prefetch_related_holds(dressed):
    """Same rows in the same order, with the fields the page and its JSON-LD read."""
    article, expected = selectors.article_for_reader(dressed.pk), prefetched(dressed.pk)

    def fields(items, *names):
        return [tuple(getattr(item, name) for name in names) for item in items]

    assert fields(article.bylines.all(), "pk", "role", "order", "author_id") == fields(
        expected.bylines.order_by("order", "pk"), "pk", "role", "order", "author_id"
    )
    assert [(b.author.name, b.author.get_absolute_url()) for b in article.bylines.all()] == [
        (b.author.name, b.author.get_absolute_url()) for b in expected.bylines.all()
    ]
    assert fields(article.tags.all(), "pk", "name", "slug") == sorted(
        fields(expected.tags.all(), "pk", "name", "slug")
    )
    for name in ("regions", "themes"):
        assert [(r.name, r.get_absolute_url()) for r in getattr(article, name).all()] == [
            (r.name, r.get_absolute_url()) for r in getattr(expected, name).all()
        ]
    assert fields(article.corrections.all(), "pk", "kind", "text", "created_at") == fields(
        expected.corrections.all(), "pk", "kind", "text", "created_at"
    )
    assert article.modified_at == expected.modified_at


def test_a_field_not_read_is_fetched_not_made_up(django_assert_num_queries, dressed):
    """An author's bio is not part of the page: asking for it reads it, never a blank."""
    author = selectors.article_for_reader(dressed.pk).bylines.all()[0].author
    author_row = make_author(name="雷嘉")
    author_row.bio = "跑知识产权口的记者。"
    author_row.save()
    with django_assert_num_queries(1):
        assert author.bio == "跑知识产权口的记者。"


def test_a_story_with_nothing_beside_it(django_assert_num_queries):
    """No bylines, tags, regions, themes or corrections: empty lists, the same two queries."""
    bare = make_article(authors=[])
    with django_assert_num_queries(2):
        article = selectors.article_for_reader(bare.pk)
        assert not any(
            getattr(article, name).all()
            for name in ("bylines", "tags", "regions", "themes", "corrections")
        )


def test_an_unpublished_story_is_not_read_for_readers(story):
    """The reader's read passes the visibility rule; the preview's does not."""
    draft = make_article(status=Article.Status.DRAFT, tags=["商标"])
    assert selectors.article_for_reader(draft.pk) is None
    assert selectors.article_for_preview(draft.pk).tags.all()[0].name == "商标"


def test_related_stories_are_read_in_one_query(django_assert_num_queries, story):
    """The stored list, best first, joined to the visible stories in one query."""
    by_theme = make_article(themes=["zhishichanquan"], hours_ago=2)
    by_tag = make_article(tags=["商标"], hours_ago=3)
    services.article_related_refresh(story)
    with django_assert_num_queries(1):
        assert selectors.related_articles(story) == [by_tag, by_theme]
