"""The body's HTML: what a news story may contain, and nothing else."""

import nh3

BODY_TAGS = {
    "p",
    "h2",
    "h3",
    "strong",
    "b",
    "em",
    "i",
    "a",
    "blockquote",
    "ul",
    "ol",
    "li",
    "figure",
    "figcaption",
    "img",
    "br",
}
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
}


def clean_body(html: str) -> str:
    """Sanitise a body: scripts, handlers, styles, `javascript:` URLs and unknown tags go."""
    return nh3.clean(
        html or "",
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()
