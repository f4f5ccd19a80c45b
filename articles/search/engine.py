"""Chinese full-text search over articles, the same on PostgreSQL and SQLite.

Words come from `segment.py`. On PostgreSQL the stored words become a stored, weighted tsvector
(array_to_tsvector: our words as they are, no parser re-splitting them) behind a GIN index,
matched with a tsquery of the query's terms ANDed. On SQLite each term must be one of the
stored words, whole. Ranking is bounded: only the newest RANK_WINDOW matches are ranked.
"""

import math
import re
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Lookup,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.html import body_text
from articles.models import Article, SearchEntry, WordVectorField
from articles.search import segment
from newsroom import pagecache
from newsroom.pagecache.tags import EVERY_STORY

MAX_QUERY_CHARS = 100
MAX_TERMS = 12
RANK_WINDOW = 200
RANK_WINDOW_WALK = 100
COUNT_CAP = 1000

MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS_PER_WORD = 64  # enough for ranking; PostgreSQL keeps at most 256
_QUOTED = re.compile(r"[\"“”「」『』]([^\"“”「」『』]+)[\"“”「」『』]")


@dataclass
class ParsedQuery:
    text: str
    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    truncated: bool = False
    ids: list[int] | None = field(default=None, repr=False)  # filled by the "index" plan

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
    """A body's text as a reader reads it: inline tags gone (<strong>雄安</strong>新区 is one
    word), blocks apart, entities decoded."""
    return body_text(body_html)


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
        "published_at": article.published_at,
    }


# The GIN index over the stored vectors (made by migration 0005; the corpus generator drops it
# for a large load and builds it again with this statement).
GIN_INDEX = "articles_searchentry_vector"
GIN_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON articles_searchentry USING GIN (vector)"


def vector_literal(title_words: str, body_words: str) -> str:
    """The words as PostgreSQL tsvector input: our words as they are (no parser re-splits
    them), with positions, title words weighted A and the rest D, so ts_rank can tell them apart.
    """
    positions: dict[str, list[str]] = {}
    position = 0
    for words, weight in ((title_words, "A"), (body_words, "D")):
        for word in words.split():
            position = min(position + 1, MAX_POSITION)
            held = positions.setdefault(word, [])
            if len(held) < MAX_POSITIONS_PER_WORD:
                held.append(f"{position}{weight}")
    return " ".join(
        "'" + word.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(held)
        for word, held in positions.items()
    )


def index_article(article: Article) -> None:
    """(Re)build one article's entry; called by the services after every save and step."""
    values = entry_values(article)
    if connection.vendor == "postgresql":
        values["vector"] = Cast(
            Value(vector_literal(values["title_words"], values["body_words"])), WordVectorField()
        )
    SearchEntry.objects.update_or_create(article_id=article.pk, defaults=values)


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
            if done:
                pagecache.invalidate({EVERY_STORY})  # what searches find may differ now
            return done
        with transaction.atomic():
            for article in chunk:
                index_article(article)
        done += len(chunk)
        last = chunk[-1].pk
        if progress:
            progress(done)


# --- Matching and ranking ----------------------------------------------------------------------


def _tsquery(terms: list[str]) -> str:
    quoted = ("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)
    return " & ".join(quoted)


class _WordsRank(Func):
    """PostgreSQL: ts_rank of the stored vector against the query's terms."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        (vector, vector_params), (query, query_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        return f"ts_rank({vector}, CAST({query} AS tsquery))", [*vector_params, *query_params]


IDS_CAP = 20_000  # the most matches the "index" plan hands to the article query
MATCHING_IDS_SQL = (
    "SELECT article_id FROM articles_searchentry WHERE vector @@ CAST(%s AS tsquery) LIMIT %s"
)


def _matching_ids(query: ParsedQuery) -> list[int]:
    """Ids of every entry matching (up to IDS_CAP + 1), straight from the GIN index; cached on
    the query, as the page and the count both need them."""
    if query.ids is None:
        with connection.cursor() as cursor:
            cursor.execute(MATCHING_IDS_SQL, [_tsquery(query.terms), IDS_CAP + 1])
            query.ids = [row[0] for row in cursor.fetchall()]
    return query.ids


@WordVectorField.register_lookup
class _Matches(Lookup):
    """`search_entry__vector__matches=tsquery`: tested row by row, newest first."""

    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ CAST({rhs} AS tsquery)", [*lhs_params, *rhs_params]


@dataclass
class Plan:
    """How to run one query on PostgreSQL, from the words' frequencies in the index.

    "index": the GIN index lists every match (up to IDS_CAP), then the visible, newest ones are
    picked by primary key: right for rare words.
    "walk": newest stories first, each tested, until a page is full: right for common words,
    which a few dozen rows satisfy, while listing all their matches would cost far more.
    PostgreSQL's own planner cannot tell the two apart well (a rare word looks like any other),
    so the choice is made here from the word frequencies ANALYZE keeps.
    """

    strategy: str
    estimated: int | None = None


_stats_cache: dict = {"at": 0.0, "freqs": {}, "rows": 0}
STATS_SECONDS = 300
PLAN_MIN_ROWS = 5000  # below this every plan is fast: keep the simplest


def _word_stats() -> tuple[dict, int]:
    """Lexeme frequencies PostgreSQL's ANALYZE keeps for the vector column (cached)."""
    now = time.monotonic()
    if now - _stats_cache["at"] > STATS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT u.e, u.f FROM pg_stats, unnest(most_common_elems::text::text[],"
                " most_common_elem_freqs) AS u(e, f) WHERE tablename = 'articles_searchentry'"
                " AND attname = 'vector' AND u.e IS NOT NULL"
            )
            freqs = dict(cursor.fetchall())
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname = 'articles_searchentry'"
            )
            row = cursor.fetchone()
        _stats_cache.update(at=now, freqs=freqs, rows=max(int(row[0]) if row else 0, 0))
    return _stats_cache["freqs"], _stats_cache["rows"]


def plan(query: ParsedQuery, *, filtered: bool = False, order: str = "date") -> Plan:
    """Choose between listing all matches (rare words) and walking newest-first (common ones)."""
    if connection.vendor != "postgresql" or not query.terms:
        return Plan("index")
    freqs, rows = _word_stats()
    if rows < PLAN_MIN_ROWS or any(term not in freqs for term in query.terms):
        return Plan("index")  # a word rarer than every word ANALYZE kept
    # Words of one story travel together (478.92 and 万件): between independent (the product)
    # and always together (the rarest word's frequency).
    product = math.prod(freqs[term] for term in query.terms)
    density = math.sqrt(product * min(freqs[term] for term in query.terms))
    if filtered:
        density *= 0.2  # a section, region or date filter thins what a walk finds
    matches = int(density * rows)
    if matches > IDS_CAP:
        return Plan("walk", estimated=matches)
    wanted = 20 if order == "date" else RANK_WINDOW_WALK
    # Measured per row: a walk tests ~40 µs a story; the index plan ~10 µs a match.
    walk_cost = wanted / max(density, 1e-9) * 40
    return Plan("walk" if walk_cost < matches * 10 else "index", estimated=matches)


def _padded(name: str):
    return Concat(Value(" "), F(f"search_entry__{name}"), Value(" "), output_field=TextField())


def matching(queryset, query: ParsedQuery, strategy: str = "index"):
    """Articles of `queryset` whose words contain every term (and every quoted phrase)."""
    if not query.terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        ids = _matching_ids(query) if strategy == "index" else []
        if strategy == "walk" or len(ids) > IDS_CAP:
            # Common words (or more matches than the statistics said): test newest first.
            queryset = queryset.filter(search_entry__vector__matches=_tsquery(query.terms))
        else:
            table = connection.ops.quote_name(Article._meta.db_table)
            queryset = queryset.filter(
                RawSQL(f"{table}.id = ANY(%s)", [ids], output_field=BooleanField())
            )
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
            | Q(body__icontains=escape(phrase))  # the body is stored as HTML: R&D is R&amp;D
        )
    return queryset


def with_rank(queryset, query: ParsedQuery):
    if connection.vendor == "postgresql":
        return queryset.annotate(
            rank=_WordsRank(F("search_entry__vector"), Value(_tsquery(query.terms)))
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


NEWEST_MATCHES_SQL = (
    "SELECT article_id FROM articles_searchentry WHERE vector @@ CAST(%s AS tsquery)"
    " ORDER BY published_at DESC NULLS LAST, article_id DESC LIMIT %s"
)


def search(
    queryset,
    query: ParsedQuery,
    *,
    order: str = "rank",
    strategy: str = "index",
    narrowed: bool = False,
):
    """Matching articles ordered by relevance (newest first among equals) or by date.

    Ranking looks only at the newest matches (RANK_WINDOW of them, fewer for a common word),
    which keeps it bounded however many stories match. With no filter narrowing the search,
    PostgreSQL picks those newest matches inside the search table itself (it keeps a copy of
    the publication time), without visiting each matching article.
    """
    newest_first = matching(queryset, query, strategy).order_by("-published_at", "-pk")
    if order == "date":
        return newest_first
    if connection.vendor == "postgresql" and strategy == "index" and not narrowed:
        with connection.cursor() as cursor:
            # Twice the window: some of the newest matches may be drafts or scheduled.
            cursor.execute(NEWEST_MATCHES_SQL, [_tsquery(query.terms), RANK_WINDOW * 2])
            window = [row[0] for row in cursor.fetchall()]
        return with_rank(queryset.filter(pk__in=window), query).order_by(
            "-rank", "-published_at", "-pk"
        )
    size = RANK_WINDOW_WALK if strategy == "walk" else RANK_WINDOW
    window = list(newest_first.values_list("pk", flat=True)[:size])
    return with_rank(queryset.filter(pk__in=window), query).order_by(
        "-rank", "-published_at", "-pk"
    )


def count(queryset, query: ParsedQuery, chosen: Plan) -> int:
    """How many match, at most COUNT_CAP + 1; a common word's count is PostgreSQL's estimate."""
    estimated = chosen.estimated or 0
    if (chosen.strategy == "walk" and estimated > COUNT_CAP) or estimated > 5 * COUNT_CAP:
        return COUNT_CAP + 1  # ANALYZE's estimate is plenty to say "more than 1000"
    if connection.vendor == "postgresql" and len(_matching_ids(query)) > IDS_CAP:
        return COUNT_CAP + 1
    return matching(queryset, query).order_by()[: COUNT_CAP + 1].count()


# --- Showing results ---------------------------------------------------------------------------


def _pattern(terms: list[str]):
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> str:
    """`text` escaped, with every term wrapped in <mark> (terms are found before escaping)."""
    text = text or ""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for found in pattern.finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(found.group(0))}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece escaped above


def snippet(text: str, terms: list[str], *, width: int = 110) -> str:
    """About `width` characters of `text` around the first term found, highlighted."""
    text = re.sub(r"\s+", " ", text or "").strip()
    pattern = _pattern(terms)
    found = pattern.search(text) if pattern else None
    start = max(0, found.start() - width // 3) if found else 0
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(f"{prefix}{highlight(piece, terms)}{suffix}")  # escaped by highlight
