"""Reading a page as a crawler or a chat app does: its head's links, meta tags and JSON-LD."""

import json
from html.parser import HTMLParser


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.anchors: list[dict] = []
        self._script: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs["name"], attrs.get("content", "")))
        elif tag == "script":
            self._script, self._text = attrs, []
        elif tag == "a":
            self.anchors.append(attrs)

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def read(html: str | bytes) -> _Head:
    parser = _Head()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser


def json_ld(html) -> dict[str, dict]:
    """The page's JSON-LD objects by @type (each must parse as JSON)."""
    found = {}
    for attrs, text in read(html).scripts:
        if attrs.get("type") == "application/ld+json":
            data = json.loads(text)
            found[data["@type"]] = data
    return found


def meta(html) -> dict[str, list[str]]:
    """OpenGraph, Twitter and other meta tags: name or property → every content given."""
    found: dict[str, list[str]] = {}
    for name, content in read(html).meta:
        found.setdefault(name, []).append(content)
    return found


def links(html, rel: str) -> list[dict]:
    return [link for link in read(html).links if link.get("rel") == rel]


def anchors(html) -> list[dict]:
    return read(html).anchors
