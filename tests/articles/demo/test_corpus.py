"""The synthetic archive for benchmarks: complete rows, searchable, counted, reproducible."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles import search
from articles.demo import corpus
from articles.models import Article, RelatedArticle, SearchEntry
from articles.search import segment
from regions.models import CoverageCount
from tests.articles.services import assert_scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    call_command("load_demo", verbosity=0)
    return Article.objects.count()


def test_every_generated_article_has_its_relations_and_search_entry(desk):
    """Each new article has a byline, a region, a theme, a tag and a search entry."""
    made = corpus.generate(articles=40, batch=15)
    new = Article.objects.order_by("-pk")[:40]
    assert made == 40 and Article.objects.count() == desk + 40
    assert all(a.bylines.exists() and a.regions.exists() and a.themes.exists() for a in new)
    assert all(a.tags.exists() for a in new)
    assert SearchEntry.objects.filter(article__in=new).count() == 40


def test_generated_articles_are_found_by_search(desk):
    """Their words are indexed: a word of a generated headline finds that article."""
    corpus.generate(articles=20, batch=20)
    article = Article.objects.published().order_by("-pk").first()
    word = max(segment.query_terms(article.headline), key=len)
    found = search.search(Article.objects.published(), search.parse(word), order="date")
    assert article in found


def test_generated_stories_are_counted_for_the_coverage_dashboard(desk):
    """The generator recounts the coverage summary after its bulk load."""
    corpus.generate(articles=30, batch=30)
    counted = sum(
        CoverageCount.objects.filter(region__slug="jingjinji", theme__isnull=True).values_list(
            "stories", flat=True
        )
    )
    assert counted == Article.objects.filter(status=Article.Status.PUBLISHED).count()


def test_generated_stories_get_their_related_stories(desk):
    """The generator scores every story's related stories after its bulk load, as the
    services would."""
    corpus.generate(articles=30, batch=30)
    for article in Article.objects.published():
        assert_scored(article)
    assert RelatedArticle.objects.filter(article__in=Article.objects.published()).exists()


def test_the_same_seed_gives_the_same_archive_whatever_the_batch(desk):
    """Chunks have their own random streams: batch size does not change the corpus."""
    corpus.generate(articles=24, batch=24, seed=7)
    first = list(Article.objects.order_by("-pk").values_list("headline", "published_at")[:24])
    Article.objects.filter(pk__gt=Article.objects.order_by("pk")[desk - 1].pk).delete()
    corpus.generate(articles=24, batch=24, seed=7)
    second = list(Article.objects.order_by("-pk").values_list("headline", "published_at")[:24])
    assert [h for h, _ in first] == [h for h, _ in second]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_worker_processes_load_every_article_once():
    """On PostgreSQL the chunks go to worker processes; every id is loaded exactly once."""
    call_command("load_demo", verbosity=0)
    before = Article.objects.count()
    made = corpus.generate(articles=50, batch=10, workers=2)
    assert made == 50 and Article.objects.count() == before + 50
    assert SearchEntry.objects.count() == Article.objects.count()
    assert connection.vendor == "postgresql"


def test_command_refuses_a_zero_count_with_one_line():
    """`generate_corpus --articles 0` exits with a clear reason."""
    with pytest.raises(CommandError, match="必须是正整数"):
        call_command("generate_corpus", articles=0)


def test_command_refuses_an_empty_desk():
    """Without sections (no load_demo yet) the command says what to run first."""
    with pytest.raises(CommandError, match="load_demo"):
        call_command("generate_corpus", articles=5)
