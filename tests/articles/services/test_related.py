"""Related stories, stored by the services when a story is published or edited."""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles import services
from articles.models import Article, RelatedArticle
from articles.services import related
from regions.models import Region, Theme
from tests.articles.services import assert_scored, stored
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def story(hours_ago: float = 1, **fields) -> Article:
    return make_article(hours_ago=hours_ago, **fields)


@pytest.fixture
def trademarks():
    """A story on 知识产权 tagged 商标 in 丰台区."""
    return story(themes=["zhishichanquan"], tags=["商标"], regions=["fengtai"], hours_ago=5)


def test_publishing_stores_the_list_best_first(trademarks):
    """A shared tag (3) outranks a shared theme (2), which outranks a shared region (1); a
    story sharing nothing is left out."""
    by_region = story(regions=["fengtai"], hours_ago=4)
    by_theme = story(themes=["zhishichanquan"], hours_ago=3)
    by_tag = story(tags=["商标"], hours_ago=2)
    story(themes=["rencai"], regions=["heping"], hours_ago=1)
    services.article_related_refresh(trademarks)
    assert stored(trademarks) == [by_tag.pk, by_theme.pk, by_region.pk]
    scores = RelatedArticle.objects.filter(article=trademarks).values_list("score", flat=True)
    assert list(scores.order_by("rank")) == [3, 2, 1]


def test_equal_scores_list_the_newest_first(trademarks):
    """Among stories scoring the same, the newer comes first."""
    older = story(themes=["zhishichanquan"], hours_ago=30)
    newer = story(themes=["zhishichanquan"], hours_ago=20)
    services.article_related_refresh(trademarks)
    assert stored(trademarks) == [newer.pk, older.pk]


def test_a_new_story_joins_the_lists_of_the_stories_it_names(trademarks):
    """Publishing a story on the same subject puts it into the earlier story's list at once,
    without recomputing that list from its candidates."""
    follow_up = story(tags=["商标"], hours_ago=1)
    assert stored(follow_up) == [trademarks.pk]
    assert stored(trademarks) == [follow_up.pk]


def test_a_withdrawn_story_leaves_every_list_at_once(trademarks, people):
    """Withdrawing a story removes it from the lists naming it, and its own list goes."""
    follow_up = story(tags=["商标"], hours_ago=1)
    services.article_withdraw(article=follow_up, user=people["duty_editor"], reason="来源有误")
    assert stored(trademarks) == []
    assert not RelatedArticle.objects.filter(article=follow_up).exists()


def test_a_withdrawn_story_leaves_the_page_at_once(client, trademarks, people):
    """The page of a story that listed the withdrawn one no longer links it."""
    follow_up = story(headline="商标品牌指导站揭牌", tags=["商标"], hours_ago=1)
    assert "商标品牌指导站揭牌" in client.get(trademarks.get_absolute_url()).text
    services.article_withdraw(article=follow_up, user=people["duty_editor"], reason="来源有误")
    assert "商标品牌指导站揭牌" not in client.get(trademarks.get_absolute_url()).text


def test_an_edit_refreshes_the_list(trademarks, people):
    """Changing a story's tags scores its list afresh."""
    on_talent = story(tags=["人才"], hours_ago=2)
    assert stored(trademarks) == []
    services.article_save_edit(
        article=trademarks,
        base_version=trademarks.lock_version,
        user=people["editor"],
        tags=["商标", "人才"],
    )
    assert stored(trademarks) == [on_talent.pk]


def test_a_scheduled_story_is_listed_but_shown_only_from_its_time(client, trademarks):
    """A scheduled story joins the lists it belongs in, and the visibility rule keeps it off
    their pages until its time: no worker needed when it goes live."""
    scheduled = story(headline="商标便利化改革试点启动", tags=["商标"], hours_ago=-2)
    assert stored(trademarks) == [scheduled.pk]
    assert "商标便利化改革试点启动" not in client.get(trademarks.get_absolute_url()).text
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    assert "商标便利化改革试点启动" in client.get(trademarks.get_absolute_url()).text


def test_a_story_taken_off_the_schedule_leaves_the_lists(trademarks, people):
    """A scheduled story returned to the desk is no longer in anyone's list."""
    scheduled = story(tags=["商标"], hours_ago=-2)
    assert stored(trademarks) == [scheduled.pk]
    services.article_return(article=scheduled, user=people["editor"], note="推迟发布")
    assert stored(trademarks) == []


def test_a_draft_is_never_in_another_storys_list(trademarks):
    """A draft gets its own list (for its preview) but is not offered to anyone else."""
    draft = story(tags=["商标"], status=Article.Status.DRAFT)
    assert stored(draft) == [trademarks.pk]
    services.article_related_refresh(trademarks)
    assert stored(trademarks) == []


def test_bulk_tagging_refreshes_the_tagged_stories_lists(trademarks, people):
    """A tag added in bulk scores the tagged stories' lists afresh."""
    other = story(tags=["人才"], hours_ago=2)
    services.articles_bulk_tag(
        articles=Article.objects.filter(pk=trademarks.pk), operation="add", tag="人才"
    )
    assert stored(trademarks) == [other.pk]


def test_a_list_keeps_twice_what_the_page_shows(trademarks):
    """Ten stories are kept, so a withdrawal still leaves five to show."""
    for hours in range(12):
        story(tags=["商标"], hours_ago=hours + 6)
    services.article_related_refresh(trademarks)
    assert len(stored(trademarks)) == related.RELATED_KEPT == 10


def test_candidates_are_the_newest_and_those_just_before(monkeypatch):
    """Only the newest stories and those published just before a story are scored, as the page
    did per request: a matching story in between is not considered."""
    monkeypatch.setattr(related, "RELATED_CANDIDATES", 2)
    old = story(tags=["商标"], hours_ago=100)
    just_before = story(tags=["商标"], hours_ago=99)
    middle = story(tags=["商标"], hours_ago=50)
    for hours in range(2):
        story(themes=["rencai"], hours_ago=hours)  # the newest two share nothing
    target = story(tags=["商标"], hours_ago=98)
    services.article_related_refresh(target)
    assert middle.pk not in stored(target)
    assert stored(target) == [just_before.pk, old.pk]


# The one-pass refresh (command, demo loader, migration)


def random_desk(count: int, *, seed: int) -> list[Article]:
    """Published stories with random subjects, some published at the same moment, drafts among
    them."""
    rng = random.Random(seed)
    regions = list(Region.objects.values_list("slug", flat=True)[:6])
    themes = list(Theme.objects.values_list("slug", flat=True)[:4])
    tags = ["商标", "人才", "雄安", "冬奥", "交通"]
    now = timezone.now()
    stories = []
    for index in range(count):
        moment = now - timedelta(hours=rng.choice([index, index, 3]))  # ties at 3 hours ago
        stories.append(
            make_article(
                published_at=moment,
                tags=rng.sample(tags, rng.randint(0, 2)),
                regions=rng.sample(regions, rng.randint(0, 2)),
                themes=rng.sample(themes, rng.randint(0, 1)),
                status=rng.choice([Article.Status.PUBLISHED] * 8 + [Article.Status.DRAFT]),
            )
        )
    return stories


@pytest.mark.parametrize("candidates", [3, 500], ids=["bounded", "all"])
def test_the_one_pass_refresh_scores_as_the_service_does(monkeypatch, candidates):
    """Every story's list after the one-pass refresh is the one the service scores for it,
    with the candidate bound reached (ties in time included) and not."""
    monkeypatch.setattr(related, "RELATED_CANDIDATES", candidates)
    stories = random_desk(40, seed=candidates)
    RelatedArticle.objects.all().delete()
    assert related.articles_related_refresh_all(batch=7) == len(stories)
    for article in Article.objects.all():
        assert_scored(article)


def test_the_one_pass_refresh_lists_a_scheduled_story_where_it_belongs(trademarks):
    """A scheduled story is scored and merged into the lists it belongs in, as its service
    would, so that it shows there once its time comes."""
    scheduled = story(tags=["商标"], hours_ago=-2)
    RelatedArticle.objects.all().delete()
    related.articles_related_refresh_all()
    assert stored(scheduled) == [trademarks.pk]
    assert stored(trademarks) == [scheduled.pk]


def test_the_one_pass_refresh_since_a_day_leaves_older_lists(trademarks):
    """With `since`, stories published before then keep their lists as they were."""
    Article.objects.filter(pk=trademarks.pk).update(
        published_at=timezone.now() - timedelta(days=10)
    )
    newer = story(tags=["商标"], hours_ago=1)
    RelatedArticle.objects.all().delete()
    related.articles_related_refresh_all(since=timezone.now() - timedelta(days=2))
    assert stored(newer) == [trademarks.pk]
    assert stored(trademarks) == []


def test_refresh_related_fills_every_list_and_reports_progress(trademarks, capsys):
    """The command scores every story, printing progress and a summary."""
    follow_up = story(tags=["商标"], hours_ago=1)
    RelatedArticle.objects.all().delete()
    call_command("refresh_related", "--batch", "1")
    out = capsys.readouterr().out
    assert stored(trademarks) == [follow_up.pk]
    assert stored(follow_up) == [trademarks.pk]
    assert "  1 篇" in out and "  2 篇" in out
    assert "已重新计算 2 篇稿件的相关报道" in out


def test_refresh_related_since_a_day(trademarks, capsys):
    """--since takes a Beijing date and refreshes the stories published from then on."""
    follow_up = story(tags=["商标"], hours_ago=1)
    RelatedArticle.objects.all().delete()
    today = timezone.localdate().isoformat()
    call_command("refresh_related", "--since", today, verbosity=0)
    assert stored(follow_up) == [trademarks.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "--since 须为日期 YYYY-MM-DD"),
        (["--since", "昨天"], "--since 须为日期 YYYY-MM-DD"),
        (["--batch", "0"], "--batch 必须是正整数"),
        (["--batch", "十"], "--batch 必须是正整数"),
    ],
    ids=["month-13", "not-a-date", "batch-0", "batch-not-a-number"],
)
def test_refresh_related_refuses_bad_input_in_one_line(trademarks, args, message):
    """Bad input stops the command with one line saying why, before anything is written."""
    story(tags=["商标"], hours_ago=1)
    RelatedArticle.objects.all().delete()
    with pytest.raises(CommandError) as refused:
        call_command("refresh_related", *args)
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)
    assert not RelatedArticle.objects.exists()
