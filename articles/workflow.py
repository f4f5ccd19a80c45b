"""The desk's workflow as data: each transition, the permission it needs, and the states it
starts from. The services in `services.py` enforce it; the admin reads it to offer buttons."""

from dataclasses import dataclass

from django.utils import timezone

from .models import Article, WorkflowEvent
from .permissions import is_own_article

S = Article.Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    permission: str
    sources: frozenset
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


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "提交送审", "submit_article", frozenset({S.DRAFT}), "review_article"),
        Transition("return", "退回修改", "review_article", frozenset({S.REVIEW, S.APPROVED})),
        Transition("approve", "审核通过", "review_article", frozenset({S.REVIEW})),
        Transition("publish", "发布", "publish_article", frozenset({S.APPROVED})),
        Transition("withdraw", "撤稿", "withdraw_article", frozenset({S.PUBLISHED})),
        Transition("correct", "更正或更新", "correct_article", frozenset({S.PUBLISHED})),
    ]
}

EVENT_FOR = {
    "submit": WorkflowEvent.Action.SUBMITTED,
    "return": WorkflowEvent.Action.RETURNED,
    "approve": WorkflowEvent.Action.APPROVED,
    "withdraw": WorkflowEvent.Action.WITHDRAWN,
    "correct": WorkflowEvent.Action.CORRECTED,
}


def available_transitions(user, article: Article) -> list[Transition]:
    """The transitions `user` may apply to `article` now, for the admin's buttons."""
    return [t for t in TRANSITIONS.values() if t.refusal(user, article) is None]
