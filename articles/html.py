"""The body's HTML: what a news story may contain, and nothing else."""

from html.parser import HTMLParser

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


# Elements that stand as blocks of their own: the end of one never touches the next.
BLOCK_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "figure",
    "figcaption",
    "div",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "aside",
    "header",
    "footer",
}
# Where plain text breaks a line: blocks, and the empty elements that separate text.
LINE_BREAK_TAGS = BLOCK_TAGS | {"br", "hr", "img"}
_SKIPPED_TAGS = {"script", "style"}


class _BodyText(HTMLParser):
    """The words a reader sees: tags and attributes dropped, entities unescaped.

    Blocks end in a newline so that the end of one paragraph never reads as the
    neighbour of the next.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in LINE_BREAK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in LINE_BREAK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def body_text(html: str) -> str:
    """`<p>合作&quot;共赢&quot;</p>` → `合作"共赢"`, one line per block."""
    parser = _BodyText()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts)
