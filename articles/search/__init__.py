"""Chinese word search: segmentation (`segment.py`), the index and the query engine
(`engine.py`), and the readers' search page (`forms.py`, `views.py`)."""

from .engine import (
    COUNT_CAP,
    GIN_INDEX,
    GIN_INDEX_SQL,
    ParsedQuery,
    Plan,
    count,
    highlight,
    index_article,
    matching,
    parse,
    plain_text,
    plan,
    rebuild,
    search,
    snippet,
    vector_literal,
)

__all__ = [
    "COUNT_CAP",
    "GIN_INDEX",
    "GIN_INDEX_SQL",
    "ParsedQuery",
    "Plan",
    "count",
    "highlight",
    "index_article",
    "matching",
    "parse",
    "plain_text",
    "plan",
    "rebuild",
    "search",
    "snippet",
    "vector_literal",
]
