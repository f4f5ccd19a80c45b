"""The Content Security Policy, with the exceptions the admin needs."""

from csp.constants import NONCE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.forms import Media
from js_asset import Media as NoncedMedia


def admin_prefix() -> str:
    return "/" + settings.ADMIN_URL


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """CONTENT_SECURITY_POLICY everywhere. In the admin two exceptions: Django's widgets,
    select2 and the body editor write style="" attributes from their scripts, so styles may
    be inline; and the body editor loads its modules through an inline import map, which gets
    this request's nonce. No other inline script runs anywhere."""

    def process_template_response(self, request, response):
        media = (response.context_data or {}).get("media")
        if request.path_info.startswith(admin_prefix()) and isinstance(media, Media):
            response.context_data["media"] = NoncedMedia.from_media(
                media, nonce=str(request.csp_nonce)
            )
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(admin_prefix()):
            parts.update = {
                **(parts.update or {}),
                "style-src": [UNSAFE_INLINE],
                "script-src": [NONCE],
            }
        return parts
