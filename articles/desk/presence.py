"""Who else has a story open in the admin, so that two people do not edit it unawares.

A notice, never a lock: each open change page sends a heartbeat every `HEARTBEAT_SECONDS`,
and a page not heard from for `PRESENT_SECONDS` (closed, crashed, asleep) is forgotten. The
rows are the desk's own bookkeeping, not article content, so they are written here and not
through the article services; the database holds them, so every gunicorn worker sees them.
"""

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db.models import Min
from django.http import JsonResponse
from django.utils import timezone

from articles.desk.clock import desk_clock
from articles.models import Article, EditingSession

HEARTBEAT_SECONDS = 30
PRESENT_SECONDS = 75

_TAB = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
# The desk's roles, most senior first: a user is named by the first of their groups found here.
_ROLES = ["值班主编", "编辑", "记者"]


def new_tab_id() -> str:
    """A name for one open page, so that two tabs of one user are two sessions."""
    return secrets.token_urlsafe(12)


def is_tab_id(value: str) -> bool:
    return bool(_TAB.match(value or ""))


def _cutoff() -> datetime:
    return timezone.now() - timedelta(seconds=PRESENT_SECONDS)


def presence_heartbeat(*, article: Article, user, tab: str, editing: bool) -> EditingSession:
    """`user` has `article` open in `tab` now. A reloaded page (a new tab name) keeps the time
    the user first opened the story, as long as the old page was still alive."""
    now = timezone.now()
    cutoff = _cutoff()
    # Every page that stopped beating is forgotten, on any story: one indexed range delete.
    EditingSession.objects.filter(last_seen__lt=cutoff).delete()
    session = EditingSession.objects.filter(article=article, user=user, tab=tab).first()
    if session is not None:
        session.last_seen, session.editing = now, editing
        session.save(update_fields=["last_seen", "editing"])
        return session
    earlier = EditingSession.objects.filter(article=article, user=user).aggregate(
        first=Min("opened_at")
    )["first"]
    session, _ = EditingSession.objects.update_or_create(
        article=article,
        user=user,
        tab=tab,
        defaults={"last_seen": now, "editing": editing},
        create_defaults={"opened_at": earlier or now, "last_seen": now, "editing": editing},
    )
    return session


@dataclass(frozen=True)
class Colleague:
    """Another user with the story open: who, since when, and whether they may edit it."""

    username: str
    name: str
    role: str
    since: datetime
    editing: bool

    @property
    def text(self) -> str:
        """编辑 张三（demo-editor）自 21:05 起也在编辑这篇稿件"""
        # No space after a full-width bracket, one after a bare account name.
        who = f"{self.name}（{self.username}）" if self.name else f"{self.username} "
        doing = "编辑" if self.editing else "查看"
        return f"{self.role} {who}自 {desk_clock(self.since)} 起也在{doing}这篇稿件"

    def as_json(self) -> dict:
        return {
            "username": self.username,
            "name": self.name,
            "role": self.role,
            "since": self.since.isoformat(),
            "editing": self.editing,
            "text": self.text,
        }


def _role(user) -> str:
    groups = {group.name for group in user.groups.all()}
    role = next((name for name in _ROLES if name in groups), None)
    return role or ("管理员" if user.is_superuser else "同事")


def _name(user) -> str:
    """The byline name linked to the account, else the account's full name, else nothing."""
    author = getattr(user, "author", None)
    return author.name if author is not None else user.get_full_name()


def present_others(*, article: Article, user) -> list[Colleague]:
    """Everyone but `user` whose page on `article` beat in the last `PRESENT_SECONDS`, one entry
    per person (several tabs: the earliest opened), in the order they opened it."""
    sessions = (
        EditingSession.objects.filter(article=article, last_seen__gte=_cutoff())
        .exclude(user=user)
        .select_related("user__author")
        .prefetch_related("user__groups")
        .order_by("opened_at", "pk")
    )
    people: dict[int, Colleague] = {}
    for session in sessions:
        seen = people.get(session.user_id)
        if seen is None:
            people[session.user_id] = Colleague(
                username=session.user.get_username(),
                name=_name(session.user),
                role=_role(session.user),
                since=session.opened_at,
                editing=session.editing,
            )
        elif session.editing and not seen.editing:
            people[session.user_id] = replace(seen, editing=True)
    return list(people.values())


def heartbeat_answer(request, *, article: Article, editing: bool) -> JsonResponse:
    """The heartbeat endpoint: records this tab as open and answers who else is there."""
    tab = request.POST.get("tab", "")
    if not is_tab_id(tab):
        return JsonResponse({"error": "缺少浏览器标签页标识。"}, status=400)
    presence_heartbeat(article=article, user=request.user, tab=tab, editing=editing)
    others = present_others(article=article, user=request.user)
    return JsonResponse(
        {"others": [colleague.as_json() for colleague in others], "seconds": HEARTBEAT_SECONDS}
    )
