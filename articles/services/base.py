"""What every write action shares: the errors it raises for the user, the row lock, the one
UPDATE that bumps the lock version, and the record (workflow event and version) of a step."""

import reversion
from django.db.models import F
from django.utils import timezone

from articles.models import Article, WorkflowEvent

from .derived import article_derived_refresh


class TransitionRefused(Exception):
    """A workflow step the user may not take, or not now. The message is for the user."""


class EditConflict(Exception):
    """Someone saved the article after the form was opened, changing fields the user changed
    too (`conflicts`). Nothing was written; `result` is the merge with the conflicting fields
    as the user had them, `base`, `theirs` and `mine` what it was made from."""

    def __init__(
        self,
        current: Article,
        *,
        conflicts=(),
        result=None,
        base=None,
        mine=None,
        theirs=None,
        base_row=None,
    ):
        self.current = current
        self.conflicts = tuple(conflicts)
        self.result, self.base, self.mine, self.theirs = result, base, mine, theirs
        self.base_row = base_row  # the kept version the form was opened at, if there is one
        super().__init__("稿件已被他人修改")


def locked(article: Article) -> Article:
    """The article's row, locked for the rest of the transaction, as it is now."""
    return Article.objects.select_for_update().get(pk=article.pk)


def apply_changes(article: Article, *, user, **changes) -> None:
    """Write `changes` and bump the lock version in one UPDATE; keep `article` in step."""
    now = timezone.now()
    changes |= {"updated_at": now, "updated_by": user}
    Article.objects.filter(pk=article.pk).update(lock_version=F("lock_version") + 1, **changes)
    for name, value in changes.items():
        setattr(article, name, value)
    article.lock_version += 1


def record_step(article: Article, user, action: str, note: str = "", at=None) -> WorkflowEvent:
    article_derived_refresh(article)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            f"{WorkflowEvent.Action(action).label}{('：' + note) if note else ''}"
        )
        reversion.add_to_revision(article)
    return WorkflowEvent.objects.create(
        article=article, action=action, actor=user, note=note, at=at or timezone.now()
    )


def sync_state(target: Article, source: Article) -> None:
    for name in ("status", "published_at", "updated_at", "updated_by", "lock_version"):
        setattr(target, name, getattr(source, name))


def required(text: str, message: str) -> str:
    if not text.strip():
        raise TransitionRefused(message)
    return text.strip()
