"""A synthetic archive for benchmarks: realistic Chinese news articles made by recombining the
sentences of the project's own demo stories, with skewed sections, bylines, regions, themes and
tags, published over ten years. Bulk-loaded (COPY on PostgreSQL), indexed for search, counted
for coverage and given related stories.

Search words are built per sentence and cached: jieba segments each run of Han characters
between punctuation on its own, so a body's words are exactly its sentences' words joined.
"""

import itertools
import multiprocessing
import random
import re
from datetime import timedelta

from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.utils import timezone
from taggit.models import Tag

from articles import search, services
from articles.demo import content as demo_content
from articles.demo.loader import body_html
from articles.models import Article, Author, Byline, RelatedArticle, Section, TaggedArticle
from articles.search import segment
from articles.slugs import pinyin_slug
from regions import coverage
from regions.models import Region, Theme

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "晓雯启航婉宁东野佳禾立川若溪家屹知远思远嘉怡子涵浩然雨桐欣怡梓萱一鸣俊杰文博明轩静怡海峰建华春燕志强丽娜国庆玉兰振宇晨阳"
ACTIONS = [
    "推进{theme}协同合作",
    "发布{theme}新举措",
    "{theme}工作取得新进展",
    "签署{theme}合作协议",
    "举办{theme}专题培训",
    "启动{theme}试点",
    "{theme}一体化再提速",
    "出台支持{theme}的若干措施",
    "召开{theme}工作交流会",
    "{theme}项目集中落地",
]
ROLE_WEIGHTS = [("reporter", 80), ("correspondent", 10), ("intern", 6), ("photographer", 4)]


def _sentences() -> list[str]:
    pool = []
    for item in demo_content.ARTICLES:
        for paragraph in item["body"]:
            if paragraph.startswith("## "):
                continue
            pool += [s for s in re.findall(r"[^。！？]+[。！？]", paragraph) if len(s) > 8]
    return pool


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    """Cumulative weights of a Zipf-like law: the first few items are drawn most often."""
    return list(itertools.accumulate(1 / (rank**s) for rank in range(1, n + 1)))


class Corpus:
    """Everything the generator draws from, prepared once."""

    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.sentences = _sentences()
        self.sentence_words = [" ".join(segment.document_words(s)) for s in self.sentences]
        self.sections = list(Section.objects.all())
        self.regions = list(Region.objects.exclude(kind=Region.Kind.AREA))
        self.region_weights = list(
            itertools.accumulate(
                {"province": 30, "new_area": 12, "city": 6, "district": 4, "county": 2}[r.kind]
                for r in self.regions
            )
        )
        self.themes = list(Theme.objects.all())
        self.theme_weights = _zipf_weights(len(self.themes), 0.8)
        self.section_weights = _zipf_weights(len(self.sections), 0.7)
        self.words_cache: dict[str, str] = {}
        self.slugs: dict[str, str] = {}

    def slug(self, headline: str) -> str:
        cached = self.slugs.get(headline)
        if cached is None:
            cached = self.slugs[headline] = pinyin_slug(headline)
        return cached

    def words(self, text: str) -> str:
        cached = self.words_cache.get(text)
        if cached is None:
            cached = self.words_cache[text] = " ".join(segment.document_words(text))
        return cached


def _ensure_people_and_tags(corpus: Corpus, *, authors: int, tags: int) -> tuple[list, list]:
    """Authors and tags to draw from (made when missing); returns their ids in a fixed order."""
    rng = corpus.rng
    existing = list(Author.objects.all())
    names = {a.name for a in existing}
    new = []
    while len(existing) + len(new) < authors:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
        if name not in names:
            names.add(name)
            new.append(Author(name=name, slug=f"corpus-{len(existing) + len(new)}"))
    Author.objects.bulk_create(new)
    pool = [f"{kw}" for theme in corpus.themes for kw in theme.keyword_list] + [
        f"{r.name}{suffix}" for r in corpus.regions for suffix in ("发展", "项目", "动态")
    ]
    for n in range(len(pool), tags):
        pool.append(f"专题{n}")
    Tag.objects.bulk_create(
        [
            Tag(name=name, slug=f"t-{pinyin_slug(name, max_length=60)}-{n}")
            for n, name in enumerate(pool[:tags])
        ],
        ignore_conflicts=True,
    )
    author_ids = list(Author.objects.order_by("pk").values_list("pk", flat=True))
    tag_ids = list(Tag.objects.order_by("pk").values_list("pk", flat=True)[:tags])
    return author_ids, tag_ids


def _chunk_rows(corpus: Corpus, plan: dict, chunk: int) -> dict:
    """The rows of one chunk of articles. Each chunk has its own random stream, so the corpus
    is the same whichever process makes which chunk."""
    rng = random.Random(f"{plan['seed']}-{chunk}")
    first = plan["start_id"] + chunk * plan["batch"]
    size = min(plan["batch"], plan["articles"] - chunk * plan["batch"])
    author_ids, author_weights = plan["author_ids"], plan["author_weights"]
    tag_ids, tag_weights = plan["tag_ids"], plan["tag_weights"]
    now, span, dictionary = plan["now"], plan["span"], plan["dictionary"]
    rows = {"article": [], "byline": [], "region": [], "theme": [], "tag": [], "search": []}
    for pk in range(first, first + size):
        region = rng.choices(corpus.regions, cum_weights=corpus.region_weights)[0]
        theme = rng.choices(corpus.themes, cum_weights=corpus.theme_weights)[0]
        place = rng.choice([region.name, *region.alias_list])
        action = rng.choice(ACTIONS).format(theme=rng.choice([theme.name, *theme.keyword_list]))
        headline = place + action
        picks = rng.sample(range(len(corpus.sentences)), rng.randint(14, 26))
        paragraphs = [
            "".join(corpus.sentences[i] for i in picks[k : k + 3]) for k in range(0, len(picks), 3)
        ]
        summary = corpus.sentences[picks[0]]
        # Newer years carry more stories, as an archive that grows.
        published = now - timedelta(seconds=span * (1 - rng.random() ** 0.6))
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        section = rng.choices(corpus.sections, cum_weights=corpus.section_weights)[0]
        rows["article"].append(
            (
                pk,
                "",
                headline,
                "",
                corpus.slug(headline),
                summary,
                body_html(paragraphs),
                "本报讯",
                region.name[:2],
                section.pk,
                status,
                None if status == "draft" else published,
                published,
                published,
                0,
            )
        )
        chosen = {
            rng.choices(author_ids, cum_weights=author_weights)[0]
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))
        }
        for order, author_id in enumerate(chosen):
            role = rng.choices(ROLES, ROLE_SHARES)[0]
            rows["byline"].append((pk, author_id, role, order))
        for region_id in {region.pk, region.parent_id} - {None}:
            rows["region"].append((pk, region_id))
        theme_ids = {theme.pk} | ({rng.choice(corpus.themes).pk} if rng.random() < 0.3 else set())
        for theme_id in theme_ids:
            rows["theme"].append((pk, theme_id))
        for tag_id in {
            rng.choices(tag_ids, cum_weights=tag_weights)[0] for _ in range(rng.randint(1, 4))
        }:
            rows["tag"].append((pk, tag_id))
        body_words = " ".join(
            [corpus.words(summary)]
            + [corpus.sentence_words[i] for i in picks]
            + [corpus.words(region.name), corpus.words(theme.name)]
        )
        title_words = corpus.words(headline)
        vector = search.vector_literal(title_words, body_words) if plan["postgres"] else None
        rows["search"].append(
            (
                pk,
                title_words,
                body_words,
                dictionary,
                vector,
                None if status == "draft" else published,
            )
        )
    return rows


STATUSES = ["published", "draft", "review", "withdrawn"]
STATUS_WEIGHTS = [970, 12, 8, 10]
ROLES = [role for role, _ in ROLE_WEIGHTS]
ROLE_SHARES = [share for _, share in ROLE_WEIGHTS]

# Set in each worker process before it makes chunks (a fork inherits the module).
_worker: dict = {}


def _worker_start(plan: dict) -> None:
    connections.close_all()  # never share the parent's connection across a fork
    _worker["corpus"] = Corpus(plan["seed"])
    _worker["plan"] = plan


def _worker_chunk(chunk: int) -> int:
    rows = _chunk_rows(_worker["corpus"], _worker["plan"], chunk)
    _load(rows)
    return len(rows["article"])


def generate(
    *, articles: int, seed: int = 2026, batch: int = 20_000, workers: int = 1, progress=None
) -> int:
    """Add `articles` synthetic articles with their relations and search entries.

    On PostgreSQL, `workers` processes make and COPY chunks side by side, and a large load
    drops the search GIN index first and builds it once at the end (faster than keeping it
    up to date row by row). SQLite has one writer, so it always loads in this process.
    """
    corpus = Corpus(seed)
    if not corpus.sections:
        raise ValueError("没有栏目：请先运行 load_demo。")
    author_ids, tag_ids = _ensure_people_and_tags(corpus, authors=300, tags=3000)
    postgres = connection.vendor == "postgresql"
    plan = {
        "seed": seed,
        "articles": articles,
        "batch": batch,
        "start_id": (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1,
        "author_ids": author_ids,
        "author_weights": _zipf_weights(len(author_ids), 1.0),
        "tag_ids": tag_ids,
        "tag_weights": _zipf_weights(len(tag_ids), 1.05),
        "now": timezone.now(),
        "span": timedelta(days=3650).total_seconds(),
        "dictionary": segment.fingerprint(),
        "postgres": postgres,
    }
    chunks = range((articles + batch - 1) // batch)
    rebuild_index = postgres and articles >= REBUILD_INDEX_FROM
    if rebuild_index:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {search.GIN_INDEX}")
    made = 0
    try:
        if postgres and workers > 1:
            connections.close_all()
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, initializer=_worker_start, initargs=(plan,)) as pool:
                for size in pool.imap_unordered(_worker_chunk, chunks):
                    made += size
                    if progress:
                        progress(made)
        else:
            for chunk in chunks:
                rows = _chunk_rows(corpus, plan, chunk)
                _load(rows)
                made += len(rows["article"])
                if progress:
                    progress(made)
    finally:
        if rebuild_index:
            with connection.cursor() as cursor:
                cursor.execute(f"SET maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
                cursor.execute(search.GIN_INDEX_SQL)
    _reset_sequences()
    coverage.rebuild()
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics for the planner and search.plan()
    services.articles_related_refresh_all()  # every story's list, the archive's included
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {RelatedArticle._meta.db_table}")
    return made


# From this many articles, dropping the GIN index and building it afresh beats upkeep per row.
REBUILD_INDEX_FROM = 50_000
INDEX_BUILD_MEMORY = "1GB"


ARTICLE_COLUMNS = (
    "id",
    "kicker",
    "headline",
    "deck",
    "slug",
    "summary",
    "body",
    "source_line",
    "dateline",
    "section_id",
    "status",
    "published_at",
    "created_at",
    "updated_at",
    "lock_version",
)
TABLES = {
    "article": ("articles_article", ARTICLE_COLUMNS),
    "byline": ("articles_byline", ("article_id", "author_id", "role", "order")),
    "region": ("articles_article_regions", ("article_id", "region_id")),
    "theme": ("articles_article_themes", ("article_id", "theme_id")),
    "tag": ("articles_taggedarticle", ("content_object_id", "tag_id")),
    "search": (
        "articles_searchentry",
        ("article_id", "title_words", "body_words", "dictionary", "vector", "published_at"),
    ),
}
DEFAULTS = {
    "articles_article": {"lead_image": "", "lead_image_caption": "", "lead_image_credit": ""}
}


@transaction.atomic
def _load(rows: dict) -> None:
    """Write one batch of rows (COPY on PostgreSQL) and build its search vectors."""
    for key, (table, columns) in TABLES.items():
        extra = DEFAULTS.get(table, {})
        names = [*columns, *extra]
        values = [(*row, *extra.values()) for row in rows[key]]
        quoted = ", ".join(connection.ops.quote_name(c) for c in names)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", values)


def _reset_sequences() -> None:
    models = [Article, Article.regions.through, Article.themes.through, Byline, TaggedArticle]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
