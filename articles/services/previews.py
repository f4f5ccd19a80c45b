"""Shareable preview links for unpublished articles."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article, PreviewLink

from .base import TransitionRefused

PREVIEW_HOURS = 48


def preview_link_create(*, article: Article, user, hours: int = PREVIEW_HOURS) -> PreviewLink:
    """A shareable preview link for an unpublished article, valid for `hours`."""
    if not user.has_perm("articles.share_preview"):
        raise TransitionRefused("您没有生成预览链接的权限。")
    if not 1 <= hours <= 24 * 14:
        raise TransitionRefused("预览链接的有效期应在 1 小时到 14 天之间。")
    now = timezone.now()
    return PreviewLink.objects.create(
        article=article, created_by=user, created_at=now, expires_at=now + timedelta(hours=hours)
    )


def preview_link_revoke(*, link: PreviewLink, user) -> PreviewLink:
    if not user.has_perm("articles.share_preview"):
        raise TransitionRefused("您没有撤销预览链接的权限。")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
