"""The desk's workflow through the services: who may take which step, from which state."""

import time
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import Article, Correction, WorkflowEvent
from tests.articles.conftest import ROLES
from tests.articles.desk import desk_story, scheduled_story, stored, trace
from tests.factories import make_author, make_section

pytestmark = pytest.mark.django_db

S = Article.Status
A = WorkflowEvent.Action


@dataclass(frozen=True)
class Step:
    transition: str  # the service's name for it
    source: str  # the state the step starts from
    target: str  # the state it leaves the article in
    action: str  # the workflow event it records
    comment: str  # how the stored version describes it
    options: dict = field(default_factory=dict)


STEPS = {
    "submit": Step("submit", S.DRAFT, S.REVIEW, A.SUBMITTED, "提交送审"),
    "return": Step(
        "return",
        S.REVIEW,
        S.DRAFT,
        A.RETURNED,
        "退回修改：导语缺少数据来源",
        {"note": "导语缺少数据来源"},
    ),
    "approve": Step("approve", S.REVIEW, S.APPROVED, A.APPROVED, "审核通过"),
    "publish": Step("publish", S.APPROVED, S.PUBLISHED, A.PUBLISHED, "发布"),
    # The time is filled in when the test runs: always an hour ahead.
    "schedule": Step("publish", S.APPROVED, S.PUBLISHED, A.SCHEDULED, "定时发布：定于北京时间 "),
    "withdraw": Step(
        "withdraw",
        S.PUBLISHED,
        S.WITHDRAWN,
        A.WITHDRAWN,
        "撤稿：消息来源撤回说法",
        {"reason": "消息来源撤回说法"},
    ),
    "correct": Step(
        "correct",
        S.PUBLISHED,
        S.PUBLISHED,
        A.CORRECTED,
        "更正或更新：更正：注册量应为478.92万件",
        {"kind": "correction", "text": "注册量应为478.92万件"},
    ),
}

DESK_EDITORS = {"editor", "duty_editor", "superuser"}
DUTY_EDITORS = {"duty_editor", "superuser"}
ALLOWED = {
    "submit": {"reporter"} | DESK_EDITORS,
    "return": DESK_EDITORS,
    "approve": DESK_EDITORS,
    "publish": DUTY_EDITORS,
    "schedule": DUTY_EDITORS,
    "withdraw": DUTY_EDITORS,
    "correct": DUTY_EDITORS,
}

MAY = [
    pytest.param(role, step, id=f"{role}-may-{step}")
    for step in STEPS
    for role in ROLES
    if role in ALLOWED[step]
]
MAY_NOT = [
    pytest.param(role, step, id=f"{role}-may-not-{step}")
    for step in STEPS
    for role in ROLES
    if role not in ALLOWED[step]
]

# A step from a state it does not start from; a published story here is already live.
WRONG_STATES = [
    ("submit", S.REVIEW),
    ("submit", S.PUBLISHED),
    ("return", S.DRAFT),
    ("return", S.PUBLISHED),
    ("approve", S.DRAFT),
    ("approve", S.APPROVED),
    ("approve", S.PUBLISHED),
    ("publish", S.DRAFT),
    ("publish", S.REVIEW),
    ("publish", S.PUBLISHED),
    ("publish", S.WITHDRAWN),
    ("withdraw", S.DRAFT),
    ("withdraw", S.APPROVED),
    ("withdraw", S.WITHDRAWN),
    ("correct", S.DRAFT),
    ("correct", S.WITHDRAWN),
]
WRONG = [
    pytest.param(role, step, status, id=f"{role}-may-not-{step}-from-{status}")
    for step, status in WRONG_STATES
    for role in ROLES
    if role in ALLOWED[step]
]


def take(step_name: str, *, article: Article, user, **overrides):
    """Take a step through the services, as the admin's buttons do."""
    step = STEPS[step_name]
    options = dict(step.options)
    if step_name == "schedule":
        options["at"] = timezone.now() + timedelta(hours=1)
    options |= overrides
    return services.article_apply_transition(
        name=step.transition, article=article, user=user, **options
    )


def newest_version(article: Article) -> Version:
    return Version.objects.get_for_object(article).order_by("-revision__date_created", "-pk")[0]


# --- The matrix: role × step from its own source state ---------------------------------


@pytest.mark.parametrize(("role", "step"), MAY)
def test_role_may_take_step_to_the_target_state(people, role, step):
    """The step moves the article to its target state."""
    article = desk_story(STEPS[step].source, by=people["reporter"])
    take(step, article=article, user=people[role])
    assert Article.objects.get(pk=article.pk).status == STEPS[step].target


@pytest.mark.parametrize(("role", "step"), MAY)
def test_role_taking_step_is_recorded_as_an_event(people, role, step):
    """One workflow event names the step and who took it."""
    article = desk_story(STEPS[step].source, by=people["reporter"])
    take(step, article=article, user=people[role])
    event = WorkflowEvent.objects.get(article=article)
    assert (event.action, event.actor) == (STEPS[step].action, people[role])


@pytest.mark.parametrize(("role", "step"), MAY)
def test_role_taking_step_bumps_the_lock_version(people, role, step):
    """The step counts as one save: an editor's open form learns it is out of date."""
    article = desk_story(STEPS[step].source, by=people["reporter"])
    before = stored(article)["lock_version"]
    take(step, article=article, user=people[role])
    assert stored(article)["lock_version"] == before + 1


@pytest.mark.parametrize(("role", "step"), MAY)
def test_role_taking_step_stores_a_version(people, role, step):
    """The step keeps a version saying what was done and by whom."""
    article = desk_story(STEPS[step].source, by=people["reporter"])
    count = Version.objects.get_for_object(article).count()
    take(step, article=article, user=people[role])
    assert Version.objects.get_for_object(article).count() == count + 1
    version = newest_version(article)
    assert version.revision.comment.startswith(STEPS[step].comment)
    assert version.revision.user == people[role]
    assert version.field_dict["status"] == STEPS[step].target


@pytest.mark.parametrize(("role", "step"), MAY_NOT)
def test_role_is_refused_step_and_nothing_changes(people, role, step):
    """A step the role may not take raises and leaves no trace."""
    article = desk_story(STEPS[step].source, by=people["reporter"])
    before = trace(article)
    with pytest.raises(services.TransitionRefused):
        take(step, article=article, user=people[role])
    assert trace(article) == before


@pytest.mark.parametrize(("role", "step", "status"), WRONG)
def test_step_from_the_wrong_state_is_refused(people, role, step, status):
    """Even a role allowed the step cannot take it from a state it does not start from."""
    article = desk_story(status, by=people["reporter"])
    before = trace(article)
    with pytest.raises(services.TransitionRefused, match="稿件当前状态为"):
        take(step, article=article, user=people[role])
    assert trace(article) == before


# --- What each step needs and does -----------------------------------------------------


@pytest.mark.parametrize(
    ("step", "blank"),
    [
        pytest.param("return", {"note": "  "}, id="return-without-note"),
        pytest.param("withdraw", {"reason": ""}, id="withdraw-without-reason"),
        pytest.param("correct", {"text": " \n "}, id="correct-without-text"),
    ],
)
def test_step_without_its_explanation_is_refused(people, step, blank):
    """Returning, withdrawing and correcting must say why, even for a superuser."""
    article = desk_story(STEPS[step].source)
    before = trace(article)
    with pytest.raises(services.TransitionRefused):
        take(step, article=article, user=people["superuser"], **blank)
    assert trace(article) == before


def test_reporter_may_submit_a_draft_bylined_to_them(people):
    """A draft someone else typed in but carrying the reporter's byline is theirs to submit."""
    own_byline = people["reporter"].author
    article = desk_story(by=people["editor"], authors=[(own_byline, "reporter")])
    services.article_submit(article=article, user=people["reporter"])
    assert Article.objects.get(pk=article.pk).status == S.REVIEW


def test_reporter_may_not_submit_a_colleagues_draft(people):
    """A reporter is told the draft is not theirs, not that they lack the permission."""
    colleague = people["other_reporter"]
    article = desk_story(by=colleague, authors=[(colleague.author, "reporter")])
    with pytest.raises(services.TransitionRefused, match="只能对自己的稿件"):
        services.article_submit(article=article, user=people["reporter"])
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_publishing_now_sets_the_publication_time_to_now(people):
    """Publishing without a time makes the story visible at once."""
    article = desk_story(S.APPROVED)
    services.article_publish(article=article, user=people["duty_editor"])
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_correction_is_stored_with_the_text_given(people):
    """Correcting appends one correction of the kind and text given."""
    article = desk_story(S.PUBLISHED)
    services.article_correct(
        article=article, user=people["duty_editor"], kind="update", text="记者追踪了后续进展。"
    )
    correction = Correction.objects.get(article=article)
    assert (correction.kind, correction.text) == ("update", "记者追踪了后续进展。")


def test_correction_moves_the_updated_time(people):
    """A correction touches the article's updated time."""
    article = desk_story(S.PUBLISHED)
    before = stored(article)["updated_at"]
    take("correct", article=article, user=people["duty_editor"])
    assert stored(article)["updated_at"] > before


def test_correction_is_shown_on_the_story_page(client, people):
    """Readers see the correction's text on the article page."""
    article = desk_story(S.PUBLISHED, headline="京津冀商标有效注册量达478.92万件")
    take("correct", article=article, user=people["duty_editor"])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "注册量应为478.92万件" in response.content.decode()


# --- Scheduling ------------------------------------------------------------------------


def test_scheduled_story_is_not_published_before_its_time(people):
    """A story scheduled an hour ahead is not yet in the visibility rule."""
    article = desk_story(S.APPROVED)
    take("schedule", article=article, user=people["duty_editor"])
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_scheduled_story_page_is_404_before_its_time(client, people):
    """Readers who guess a scheduled story's address find nothing."""
    article = desk_story(S.APPROVED)
    take("schedule", article=article, user=people["duty_editor"])
    article.refresh_from_db()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:shortlink", args=[article.pk])).status_code == 404


def test_scheduled_story_appears_once_its_time_has_passed(client, people):
    """When the clock passes the scheduled time the story is visible, with no worker involved."""
    article = desk_story(S.APPROVED)
    take("schedule", article=article, user=people["duty_editor"])
    # The clock passing, simulated: the scheduled time is now a minute ago.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    article.refresh_from_db()
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_scheduled_story_goes_live_on_the_real_clock(client, people):
    """A story scheduled two seconds ahead is hidden at first and visible within five."""
    article = desk_story(S.APPROVED)
    services.article_publish(
        article=article,
        user=people["duty_editor"],
        at=timezone.now() + timedelta(seconds=2),
    )
    assert not Article.objects.published().filter(pk=article.pk).exists()
    deadline = time.monotonic() + 5
    while not Article.objects.published().filter(pk=article.pk).exists():
        assert time.monotonic() < deadline, "the scheduled story never became visible"
        time.sleep(0.2)
    article.refresh_from_db()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_duty_editor_may_reschedule_a_scheduled_story(people):
    """A story waiting for its time may be given a later one."""
    article = scheduled_story(hours=1)
    later = timezone.now() + timedelta(hours=5)
    services.article_publish(article=article, user=people["duty_editor"], at=later)
    assert stored(article)["published_at"] == later
    assert WorkflowEvent.objects.get(article=article).action == A.SCHEDULED


def test_duty_editor_may_publish_a_scheduled_story_at_once(people):
    """A story waiting for its time may be published now instead."""
    article = scheduled_story(hours=1)
    services.article_publish(article=article, user=people["duty_editor"])
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_editor_may_not_reschedule_a_scheduled_story(people):
    """Rescheduling is publishing: an editor without that permission is refused."""
    article = scheduled_story(hours=1)
    before = trace(article)
    with pytest.raises(services.TransitionRefused):
        services.article_publish(
            article=article, user=people["editor"], at=timezone.now() + timedelta(hours=5)
        )
    assert trace(article) == before


# --- Withdrawing -----------------------------------------------------------------------


@pytest.fixture
def withdrawn_setup(people):
    """A live story with a section, region and tag, and a function that withdraws it."""
    article = desk_story(
        S.PUBLISHED,
        headline="雄安新区首批疏解企业正式入驻",
        section=make_section(name="协同发展", slug="xietong"),
        authors=[(make_author(name="雷嘉"), "reporter")],
        regions=["xiongan"],
        tags=["疏解"],
    )

    def withdraw():
        take("withdraw", article=article, user=people["duty_editor"])

    return article, withdraw


@pytest.mark.parametrize("page", ["detail", "shortlink"])
def test_withdrawn_story_answers_410(client, withdrawn_setup, page):
    """The story's addresses say it is gone for good, not that it never existed."""
    article, withdraw = withdrawn_setup
    url = {
        "detail": article.get_absolute_url(),
        "shortlink": reverse("articles:shortlink", args=[article.pk]),
    }[page]
    withdraw()
    assert client.get(url).status_code == 410


@pytest.mark.parametrize("page", ["home", "section", "region", "tag"])
def test_withdrawn_story_leaves_the_lists(client, withdrawn_setup, page):
    """The story was listed before it was withdrawn and is not listed after."""
    article, withdraw = withdrawn_setup
    url = {
        "home": reverse("articles:home"),
        "section": article.section.get_absolute_url(),
        "region": reverse("regions:region", kwargs={"slug": "xiongan"}),
        "tag": reverse("articles:tag", kwargs={"slug": article.tags.get().slug}),
    }[page]
    assert article.headline in client.get(url).content.decode()
    withdraw()
    response = client.get(url)
    assert response.status_code == 200
    assert article.headline not in response.content.decode()


@pytest.mark.parametrize("step", ["withdraw", "correct"])
def test_a_scheduled_story_cannot_be_withdrawn_or_corrected(people, step):
    """Readers have not seen it yet: withdrawing (a 410) or correcting it is refused."""
    story = scheduled_story()
    options = {
        "withdraw": {"reason": "信息有误"},
        "correct": {"kind": "correction", "text": "更正"},
    }
    with pytest.raises(services.TransitionRefused):
        services.article_apply_transition(
            name=step, article=story, user=people["duty_editor"], **options[step]
        )
    assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED


def test_an_editor_can_take_a_scheduled_story_back_to_the_desk(people):
    """Returning a scheduled story makes it a draft again, so it never goes out."""
    story = scheduled_story()
    services.article_return(article=story, user=people["editor"], note="数据待核实，暂缓发布")
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT
