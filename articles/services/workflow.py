"""The desk's workflow: each step written once (who may take it, from which states, what it asks
for, what it records, which service carries it out), and the services that enforce it. The
admin reads `TRANSITIONS` for its buttons and forms and calls `article_apply_transition`."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from articles.models import Article, Correction, WorkflowEvent

from .base import TransitionRefused, apply_changes, locked, record_step, required, sync_state
from .editing import article_add_correction
from .permissions import is_own_article

S = Article.Status
A = WorkflowEvent.Action


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    permission: str
    sources: frozenset
    # What the step asks the user for: the desk's forms are looked up by it (desk/forms.py).
    asks: str
    service: Callable = field(repr=False, compare=False)
    own_only_without: str | None = None  # reporters may act only on their own articles

    def allowed_from(self, article: Article) -> bool:
        scheduled = (
            article.status == S.PUBLISHED
            and article.published_at is not None
            and article.published_at > timezone.now()
        )
        if self.name in {"publish", "return"} and scheduled:
            # A story waiting for its time may be rescheduled, or taken back to the desk.
            return True
        if self.name in {"withdraw", "correct"}:
            # Only what readers have seen is withdrawn or corrected; a withdrawn URL says 410.
            return article.is_published_now
        return article.status in self.sources

    def refusal(self, user, article: Article) -> str | None:
        """Why `user` may not do this to `article` now, or None when they may."""
        if not (user.is_active and user.has_perm(f"articles.{self.permission}")):
            return f"您没有“{self.label}”的权限。"
        if (
            self.own_only_without
            and not user.has_perm(f"articles.{self.own_only_without}")
            and not is_own_article(user, article)
        ):
            return f"只能对自己的稿件执行“{self.label}”。"
        if not self.allowed_from(article):
            return f"稿件当前状态为“{article.get_status_display()}”，不能执行“{self.label}”。"
        return None


def _checked(article: Article, user, name: str) -> Article:
    """The article's row, locked, after checking that `user` may take step `name` on it now."""
    current = locked(article)
    refusal = TRANSITIONS[name].refusal(user, current)
    if refusal:
        raise TransitionRefused(refusal)
    return current


def _move(article: Article, user, name: str, status: str, action: str, note: str = "") -> Article:
    """One workflow step: check it, change the status, record who and when, keep a version."""
    current = _checked(article, user, name)
    apply_changes(current, user=user, status=status)
    record_step(current, user, action, note)
    sync_state(article, current)
    return article


@transaction.atomic
def article_submit(*, article: Article, user, note: str = "") -> Article:
    """A reporter sends a draft to the editors."""
    return _move(article, user, "submit", S.REVIEW, A.SUBMITTED, note)


@transaction.atomic
def article_return(*, article: Article, user, note: str) -> Article:
    """An editor sends a story back to its reporter (or a scheduled one off the schedule)."""
    note = required(note, "退回时请写明需要修改的地方。")
    return _move(article, user, "return", S.DRAFT, A.RETURNED, note)


@transaction.atomic
def article_approve(*, article: Article, user, note: str = "") -> Article:
    """An editor passes a story for publication."""
    return _move(article, user, "approve", S.APPROVED, A.APPROVED, note)


@transaction.atomic
def article_publish(*, article: Article, user, at=None) -> Article:
    """The duty editor publishes now, or at `at`: the visibility rule does the rest, no worker."""
    current = _checked(article, user, "publish")
    now = timezone.now()
    when = at or now
    apply_changes(current, user=user, status=S.PUBLISHED, published_at=when)
    if when > now:
        local = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
        record_step(current, user, A.SCHEDULED, f"定于北京时间 {local} 发布")
    else:
        record_step(current, user, A.PUBLISHED)
    sync_state(article, current)
    return article


@transaction.atomic
def article_withdraw(*, article: Article, user, reason: str) -> Article:
    """The duty editor takes a story down; its URL answers 410 from now on."""
    reason = required(reason, "撤稿时请写明原因。")
    return _move(article, user, "withdraw", S.WITHDRAWN, A.WITHDRAWN, reason)


@transaction.atomic
def article_correct(*, article: Article, user, kind: str, text: str) -> Correction:
    """The duty editor appends a correction or an update, shown on the article page."""
    text = required(text, "请写明更正或更新的内容。")
    current = _checked(article, user, "correct")
    correction = article_add_correction(article=current, kind=kind, text=text, user=user)
    note = f"{correction.get_kind_display()}：{correction.text}"
    record_step(current, user, A.CORRECTED, note)
    sync_state(article, current)
    return correction


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            "提交送审",
            "submit_article",
            frozenset({S.DRAFT}),
            "note",
            article_submit,
            own_only_without="review_article",
        ),
        Transition(
            "return",
            "退回修改",
            "review_article",
            frozenset({S.REVIEW, S.APPROVED}),
            "return_note",
            article_return,
        ),
        Transition(
            "approve", "审核通过", "review_article", frozenset({S.REVIEW}), "note", article_approve
        ),
        Transition(
            "publish",
            "发布",
            "publish_article",
            frozenset({S.APPROVED}),
            "schedule",
            article_publish,
        ),
        Transition(
            "withdraw",
            "撤稿",
            "withdraw_article",
            frozenset({S.PUBLISHED}),
            "reason",
            article_withdraw,
        ),
        Transition(
            "correct",
            "更正或更新",
            "correct_article",
            frozenset({S.PUBLISHED}),
            "correction",
            article_correct,
        ),
    ]
}


def available_transitions(user, article: Article) -> list[Transition]:
    """The transitions `user` may apply to `article` now, for the admin's buttons."""
    return [t for t in TRANSITIONS.values() if t.refusal(user, article) is None]


def article_apply_transition(*, name: str, article: Article, user, **options):
    """Take step `name` (the admin's buttons): the same service a command or a test calls."""
    return TRANSITIONS[name].service(article=article, user=user, **options)
