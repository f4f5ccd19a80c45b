"""Chinese full-text search over articles, the same on PostgreSQL and SQLite.

Words come from `segment.py`. On PostgreSQL the stored words become a weighted tsvector
(array_to_tsvector: our words as they are, no parser re-splitting them) behind a GIN index,
matched with a tsquery of the query's terms ANDed. On SQLite each term must be one of the
stored words, whole. Ranking is bounded: only the newest RANK_WINDOW matches are ranked.
"""

import html
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import segment
from .models import Article, SearchEntry

MAX_QUERY_CHARS = 100
MAX_TERMS = 12
RANK_WINDOW = 1000
COUNT_CAP = 1000

_VECTOR = (
    "(setweight(array_to_tsvector(string_to_array({title}, ' ')), 'A') || "
    "setweight(array_to_tsvector(string_to_array({body}, ' ')), 'D'))"
)
_QUOTED = re.compile(r"[\"“”「」『』]([^\"“”「」『』]+)[\"“”「」『』]")
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class ParsedQuery:
    text: str
    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    truncated: bool = False

    def __bool__(self):
        return bool(self.terms)


def parse(text: str) -> ParsedQuery:
    """A reader's query: its terms (ANDed) and any quoted phrases that must appear as typed."""
    text = (text or "").replace("\x00", "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    phrases = [p.strip() for p in _QUOTED.findall(text) if len(p.strip()) > 1]
    terms = segment.query_terms(text)
    truncated = truncated or len(terms) > MAX_TERMS
    return ParsedQuery(text=text, terms=terms[:MAX_TERMS], phrases=phrases, truncated=truncated)


# --- Keeping the index current ---------------------------------------------------------------


def plain_text(body_html: str) -> str:
    return html.unescape(_TAGS.sub(" ", body_html or ""))


def _words(*parts: str) -> str:
    return " ".join(segment.document_words(" ".join(p for p in parts if p)))


def entry_values(article: Article) -> dict:
    """The words to store for an article: title words, and everything else a reader may search."""
    names = [f"{b.author.name}" for b in article.bylines.select_related("author")]
    names += [t.name for t in article.tags.all()]
    names += [r.name for r in article.regions.all()]
    names += [t.name for t in article.themes.all()]
    return {
        "title_words": _words(article.kicker, article.headline, article.deck),
        "body_words": _words(
            article.summary, plain_text(article.body), article.dateline, " ".join(names)
        ),
        "dictionary": segment.fingerprint(),
    }


def index_article(article: Article) -> None:
    """(Re)build one article's entry; called by the services after every save and step."""
    SearchEntry.objects.update_or_create(article_id=article.pk, defaults=entry_values(article))


def rebuild(*, stale_only: bool = False, batch: int = 500, progress=None) -> int:
    """Re-index every article (or only those built with another dictionary). Returns the count."""
    segment.reset()
    current = segment.fingerprint()
    queryset = Article.objects.order_by("pk")
    if stale_only:
        queryset = queryset.exclude(search_entry__dictionary=current)
    done, last = 0, 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last)
            .select_related("section")
            .prefetch_related("bylines__author", "tags", "regions", "themes")[:batch]
        )
        if not chunk:
            return done
        with transaction.atomic():
            entries = [SearchEntry(article_id=a.pk, **entry_values(a)) for a in chunk]
            SearchEntry.objects.filter(article_id__in=[a.pk for a in chunk]).delete()
            SearchEntry.objects.bulk_create(entries)
        done += len(chunk)
        last = chunk[-1].pk
        if progress:
            progress(done)


# --- Matching and ranking ----------------------------------------------------------------------


def _tsquery(terms: list[str]) -> str:
    quoted = ("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)
    return " & ".join(quoted)


class _WordsMatch(Func):
    """PostgreSQL: the stored words' weighted vector @@ the query's terms (uses the GIN index)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        (title, title_params), (body, body_params), (query, query_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        vector = _VECTOR.format(title=title, body=body)
        return f"{vector} @@ CAST({query} AS tsquery)", [*title_params, *body_params, *query_params]


class _WordsRank(_WordsMatch):
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        (title, title_params), (body, body_params), (query, query_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        vector = _VECTOR.format(title=title, body=body)
        return (
            f"ts_rank({vector}, CAST({query} AS tsquery))",
            [*title_params, *body_params, *query_params],
        )


def _padded(name: str):
    return Concat(Value(" "), F(f"search_entry__{name}"), Value(" "), output_field=TextField())


def matching(queryset, query: ParsedQuery):
    """Articles of `queryset` whose words contain every term (and every quoted phrase)."""
    if not query.terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        queryset = queryset.alias(
            _match=_WordsMatch(
                F("search_entry__title_words"),
                F("search_entry__body_words"),
                Value(_tsquery(query.terms)),
            )
        ).filter(_match=True)
    else:
        queryset = queryset.alias(_title=_padded("title_words"), _body=_padded("body_words"))
        for term in query.terms:
            queryset = queryset.filter(
                Q(_title__contains=f" {term} ") | Q(_body__contains=f" {term} ")
            )
    for phrase in query.phrases:
        queryset = queryset.filter(
            Q(headline__icontains=phrase)
            | Q(kicker__icontains=phrase)
            | Q(deck__icontains=phrase)
            | Q(summary__icontains=phrase)
            | Q(body__icontains=phrase)
        )
    return queryset


def with_rank(queryset, query: ParsedQuery):
    if connection.vendor == "postgresql":
        return queryset.annotate(
            rank=_WordsRank(
                F("search_entry__title_words"),
                F("search_entry__body_words"),
                Value(_tsquery(query.terms)),
            )
        )
    score = Value(0.0)
    queryset = queryset.alias(_title=_padded("title_words"), _body=_padded("body_words"))
    for term in query.terms:
        score = (
            score
            + Case(
                When(_title__contains=f" {term} ", then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            + Case(
                When(_body__contains=f" {term} ", then=Value(0.1)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    return queryset.annotate(rank=score)


def search(queryset, query: ParsedQuery, *, order: str = "rank"):
    """Matching articles ordered by relevance (newest first among equals) or by date.

    Ranking looks only at the newest RANK_WINDOW matches, which keeps a common word fast.
    """
    matches = matching(queryset, query)
    newest_first = matches.order_by("-published_at", "-pk")
    if order == "date":
        return newest_first
    window = list(newest_first.values_list("pk", flat=True)[:RANK_WINDOW])
    return with_rank(queryset.filter(pk__in=window), query).order_by(
        "-rank", "-published_at", "-pk"
    )


def capped_count(queryset) -> int:
    """How many match, counting at most COUNT_CAP + 1 (a common word must not count a million)."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


# --- Showing results ---------------------------------------------------------------------------


def _pattern(terms: list[str]):
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(escape(w)) for w in words), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> str:
    """Escaped text with every term wrapped in <mark>."""
    escaped = escape(text or "")
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escaped)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))


def snippet(text: str, terms: list[str], *, width: int = 110) -> str:
    """About `width` characters of `text` around the first term found, highlighted."""
    text = re.sub(r"\s+", " ", text or "").strip()
    lowered = segment.normalise(text)
    positions = [lowered.find(t) for t in terms if t and lowered.find(t) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(f"{prefix}{highlight(piece, terms)}{suffix}")
