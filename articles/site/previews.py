"""Signed preview links, read back: the signature stops guessing and tampering; the row decides
expiry and revocation, so a link can be withdrawn before it runs out."""

from django.core import signing
from django.utils import timezone

from articles.models import PREVIEW_SALT, PreviewLink


def active_link_for_token(token: str):
    """The live PreviewLink a token names, or None if it is forged, expired or revoked."""
    try:
        payload = signing.loads(token, salt=PREVIEW_SALT)
        link_id, article_id = int(payload["link"]), int(payload["article"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (
        PreviewLink.objects.select_related("article")
        .filter(
            pk=link_id,
            article_id=article_id,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
