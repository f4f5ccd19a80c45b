"""A synthetic archive for benchmarks: realistic Chinese news articles made by recombining the
sentences of the project's own demo stories, with skewed sections, bylines, regions, themes and
tags, published over ten years. Bulk-loaded (COPY on PostgreSQL) and indexed for search.

Search words are built per sentence and cached: jieba segments each run of Han characters
between punctuation on its own, so a body's words are exactly its sentences' words joined.
"""

import itertools
import random
import re
from datetime import timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag

from regions.models import Region, Theme

from . import demo_content, search, segment
from .demo import body_html
from .models import Article, Author, Byline, Section, TaggedArticle
from .slugs import pinyin_slug

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


def _ensure_people_and_tags(corpus: Corpus, *, authors: int, tags: int):
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
    return list(Author.objects.all()), list(Tag.objects.all()[:tags])


def generate(*, articles: int, seed: int = 2026, batch: int = 20_000, progress=None) -> int:
    """Add `articles` synthetic articles with their relations and search entries."""
    corpus = Corpus(seed)
    if not corpus.sections:
        raise ValueError("没有栏目：请先运行 load_demo。")
    rng = corpus.rng
    authors, tags = _ensure_people_and_tags(corpus, authors=300, tags=3000)
    author_weights = _zipf_weights(len(authors), 1.0)
    tag_weights = _zipf_weights(len(tags), 1.05)
    now = timezone.now()
    span = timedelta(days=3650).total_seconds()
    start_id = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    dictionary = segment.fingerprint()
    postgres = connection.vendor == "postgresql"
    made = 0
    while made < articles:
        size = min(batch, articles - made)
        rows = {"article": [], "byline": [], "region": [], "theme": [], "tag": [], "search": []}
        for offset in range(size):
            pk = start_id + made + offset
            region = rng.choices(corpus.regions, cum_weights=corpus.region_weights)[0]
            theme = rng.choices(corpus.themes, cum_weights=corpus.theme_weights)[0]
            headline = rng.choice([region.name, *region.alias_list]) + rng.choice(ACTIONS).format(
                theme=rng.choice([theme.name, *theme.keyword_list])
            )
            picks = rng.sample(range(len(corpus.sentences)), rng.randint(14, 26))
            paragraphs = [
                "".join(corpus.sentences[i] for i in picks[k : k + 3])
                for k in range(0, len(picks), 3)
            ]
            body = body_html(paragraphs)
            summary = corpus.sentences[picks[0]]
            # Newer years carry more stories, as an archive that grows.
            age = span * (1 - rng.random() ** 0.6)
            published = now - timedelta(seconds=age)
            status = rng.choices(["published", "draft", "review", "withdrawn"], [970, 12, 8, 10])[0]
            section = rng.choices(corpus.sections, cum_weights=corpus.section_weights)[0]
            slug = corpus.slug(headline)
            rows["article"].append(
                (
                    pk,
                    "",
                    headline,
                    "",
                    slug,
                    summary,
                    body,
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
                rng.choices(authors, cum_weights=author_weights)[0].pk
                for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))
            }
            for order, author_id in enumerate(chosen):
                role = rng.choices([r for r, _ in ROLE_WEIGHTS], [w for _, w in ROLE_WEIGHTS])[0]
                rows["byline"].append((pk, author_id, role, order))
            region_ids = {region.pk}
            if region.parent_id:
                region_ids.add(region.parent_id)
            for region_id in region_ids:
                rows["region"].append((pk, region_id))
            theme_ids = {theme.pk} | (
                {rng.choice(corpus.themes).pk} if rng.random() < 0.3 else set()
            )
            for theme_id in theme_ids:
                rows["theme"].append((pk, theme_id))
            tag_ids = {
                rng.choices(tags, cum_weights=tag_weights)[0].pk for _ in range(rng.randint(1, 4))
            }
            for tag_id in tag_ids:
                rows["tag"].append((pk, tag_id))
            body_words = " ".join(
                [corpus.words(summary)]
                + [corpus.sentence_words[i] for i in picks]
                + [corpus.words(region.name), corpus.words(theme.name)]
            )
            title_words = corpus.words(headline)
            vector = search.vector_literal(title_words, body_words) if postgres else None
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
        _load(rows)
        made += size
        if progress:
            progress(made)
    _reset_sequences()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics for the planner and search.plan()
    return made


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
