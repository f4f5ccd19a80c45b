"""The two PostgreSQL search plans find the same stories; the choice follows word frequency."""

import pytest
from django.db import connection

from articles.models import Article
from articles.search import engine as search
from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans are PostgreSQL's; SQLite has one"
    ),
]


@pytest.fixture
def archive(monkeypatch):
    """90 stories: 人才 in every one, 辛集 in three, 雄安 in every other; fresh statistics."""
    for n in range(90):
        place = "辛集" if n % 30 == 0 else "保定"
        extra = "雄安新区" if n % 2 else "廊坊"
        make_article(
            headline=f"{place}人才工作第{n}期",
            body=f"<p>{extra}举办人才服务活动。</p>",
            hours_ago=n + 1,
            status=Article.Status.DRAFT if n == 7 else Article.Status.PUBLISHED,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_searchentry")
    monkeypatch.setattr(search, "PLAN_MIN_ROWS", 10)
    monkeypatch.setitem(search._stats_cache, "at", 0.0)


def _ids(query_text: str, *, strategy: str, order: str) -> list[int]:
    query = search.parse(query_text)
    found = search.search(Article.objects.published(), query, order=order, strategy=strategy)
    return list(found.values_list("pk", flat=True))


@pytest.mark.parametrize("order", ["date", "rank"])
@pytest.mark.parametrize("text", ["人才", "辛集", "雄安", "人才 雄安", "辛集 雄安", "火星"])
def test_both_plans_return_the_same_stories(archive, text, order):
    """Walking newest-first and listing from the index agree, in order, for any query."""
    assert _ids(text, strategy="walk", order=order) == _ids(text, strategy="index", order=order)


def test_a_word_in_every_story_is_walked(archive):
    """人才 is everywhere: test stories newest first rather than list all matches."""
    assert search.plan(search.parse("人才"), order="date").strategy == "walk"


def test_a_rare_word_is_listed_from_the_index(archive):
    """辛集 is in three stories: the index lists them, no walk through the archive."""
    assert search.plan(search.parse("辛集"), order="date").strategy == "index"


def test_a_word_unknown_to_the_statistics_is_listed_from_the_index(archive):
    """A word ANALYZE never saw is as rare as can be."""
    assert search.plan(search.parse("火星"), order="date").strategy == "index"


@pytest.mark.parametrize("order", ["date", "rank"])
def test_the_draft_is_found_by_neither_plan(archive, order):
    """The visibility rule holds on both plans and both orders: story 7 is a draft."""
    draft = Article.objects.get(headline__endswith="第7期")
    for strategy in ("walk", "index"):
        assert draft.pk not in _ids("人才", strategy=strategy, order=order)
