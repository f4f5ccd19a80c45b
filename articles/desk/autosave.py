"""Unsaved drafts: what a user typed in an article's form, kept while they type so that a
crash or a closed tab loses nothing, and offered back when they open the form again.

One row per user and article (per user for a story not yet saved), overwritten each time. It
is not article content: no version, no history, no index, so it is written here and not
through the article services. A real save discards the user's draft (`autosave_discard`).
"""

import json

from django.http import JsonResponse
from django.utils import timezone

from articles.desk.clock import desk_clock
from articles.models import Article, Autosave

AUTOSAVE_SECONDS = 30
MAX_BYTES = 300 * 1024
_MAX_NAMES = 500
_MAX_VALUES = 500


class AutosaveRefused(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _strings(value, what: str) -> list[str]:
    if not isinstance(value, list) or len(value) > _MAX_VALUES:
        raise AutosaveRefused(f"自动保存的内容格式不对：{what}")
    if not all(isinstance(item, str) for item in value):
        raise AutosaveRefused(f"自动保存的内容格式不对：{what}")
    return value


def _checked(data) -> dict:
    """The form's fields as {name: [values]} and the chosen options' texts as {name: {value:
    text}} (autocomplete boxes show only what is chosen), nothing else."""
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise AutosaveRefused("自动保存的内容格式不对：缺少表单字段。")
    fields, labels = data["fields"], data.get("labels") or {}
    if not isinstance(labels, dict) or len(fields) + len(labels) > _MAX_NAMES:
        raise AutosaveRefused("自动保存的内容格式不对：字段过多。")
    for name, texts in labels.items():
        if not isinstance(texts, dict):
            raise AutosaveRefused(f"自动保存的内容格式不对：{name}")
        _strings(list(texts.values()), name)
    return {
        "fields": {str(name): _strings(values, name) for name, values in fields.items()},
        "labels": labels,
    }


def autosave_store(*, user, article: Article | None, data: dict) -> Autosave:
    """Keep `data` as `user`'s draft of `article` (None: a new story), replacing the last one."""
    draft, _ = Autosave.objects.update_or_create(
        user=user, article=article, defaults={"data": _checked(data), "saved_at": timezone.now()}
    )
    return draft


def autosave_discard(user, article: Article | None) -> int:
    """Forget `user`'s draft of `article` (None: of a new story): after a real save, or when
    they choose 丢弃. Returns how many were forgotten (0 or 1)."""
    return Autosave.objects.filter(user=user, article=article).delete()[0]


def autosave_offered(*, user, article: Article | None) -> Autosave | None:
    """The draft to offer back: one typed after the article was last saved (by anyone), or any
    draft of a new story."""
    drafts = Autosave.objects.filter(user=user, article=article)
    if article is not None:
        drafts = drafts.filter(saved_at__gt=article.updated_at)
    return drafts.first()


def _payload(request) -> dict:
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
        raise AutosaveRefused(_too_big(), status=413)
    body = request.body
    if len(body) > MAX_BYTES:
        raise AutosaveRefused(_too_big(), status=413)
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise AutosaveRefused("自动保存的内容无法读取。") from None


def _too_big() -> str:
    return f"内容超过 {MAX_BYTES // 1024} KB，未能自动保存；请及时手动保存。"


def autosave_answer(request, *, article: Article | None) -> JsonResponse:
    """The autosave endpoint: `{"fields": …, "labels": …}` keeps a draft, `{"discard": true}`
    forgets it. JSON either way; a refusal says why with 400 (or 413: too big)."""
    try:
        payload = _payload(request)
        if isinstance(payload, dict) and payload.get("discard") is True:
            autosave_discard(request.user, article)
            return JsonResponse({"discarded": True, "text": "已丢弃自动保存的内容。"})
        draft = autosave_store(user=request.user, article=article, data=payload)
    except AutosaveRefused as refused:
        return JsonResponse({"error": str(refused)}, status=refused.status)
    clock = desk_clock(draft.saved_at)
    return JsonResponse(
        {
            "saved_at": draft.saved_at.isoformat(),
            "clock": clock,
            "text": f"已于 {clock} 自动保存（尚未提交）",
        }
    )


def autosave_context(*, user, article: Article | None, url: str, offer: bool) -> dict:
    """What the form's template needs: where to send drafts, and the draft to offer back."""
    offered = autosave_offered(user=user, article=article) if offer else None
    return {
        "url": url,
        "seconds": AUTOSAVE_SECONDS,
        "offered": offered,
        "clock": desk_clock(offered.saved_at) if offered else "",
    }
