"""Hostile markup to type into every field, and a detector for any of it that survived as markup."""

from html.parser import HTMLParser

# Each would run script in a reader's browser if it reached the page unescaped.
PAYLOADS = [
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">点我</a>',
    "</title></script><marquee>未闭合<b>",
    "<iframe src=//evil.example></iframe><!--",
]
ONE_LINE = " ".join(PAYLOADS)


class _Hostile(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            if attrs.get("type") not in ("application/ld+json", "application/json", "importmap"):
                self.found.append("inline <script>")
        if tag in ("marquee", "iframe"):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and "javascript:" in (value or "").lower():
                self.found.append(f"{tag} {name}=javascript:")


def hostile_markup(html: str | bytes) -> list[str]:
    """What in `html` is markup from PAYLOADS rather than text."""
    parser = _Hostile()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser.found
