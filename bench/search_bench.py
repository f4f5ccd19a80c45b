"""Search benchmark on PostgreSQL: fills a database of its own with a synthetic archive, then
prints p50/p95 latency of typical desk queries, the GIN index's size and build time.

    .venv/bin/python bench/search_bench.py --articles 100000
    .venv/bin/python bench/search_bench.py --articles 1000000 --runs 30

The database (default postgres://root@127.0.0.1:5432/newsroom_bench) is created if missing and
kept between runs, so a second run only tops it up. A Markdown table is printed and written to
bench/results/search-<N>.md. Figures are medians of the runs; compare within one run.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    # (label, query, filters, order)
    ("稀有词", "辛集", {}, "date"),
    ("稀有词·相关度", "辛集", {}, "rank"),
    ("两字词", "雄安", {}, "date"),
    ("常见词", "人才", {}, "date"),
    ("常见词·相关度", "人才", {}, "rank"),
    ("极常见词", "协同", {}, "date"),
    ("极常见词·相关度", "协同", {}, "rank"),
    ("复合词内的词", "知识产权", {}, "rank"),
    ("中英混合", "IPv6 京津冀", {}, "rank"),
    ("数字", "478.92万件", {}, "date"),
    ("多词+地区+主题", "人才 服务", {"region": "hebei", "theme": "rencai"}, "rank"),
    ("多词+栏目+日期", "产业 集群", {"section": "chanye", "start": "2020-01-01"}, "date"),
    ("无结果", "火星基地", {}, "rank"),
]


def setup(database_url: str, articles: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
    os.environ.setdefault("DEBUG", "false")
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    missing = articles - Article.objects.count()
    if missing > 0:
        print(f"生成 {missing} 篇稿件……", flush=True)
        started = time.monotonic()
        call_command("generate_corpus", articles=missing, batch=20000, verbosity=0)
        print(f"生成用时 {time.monotonic() - started:.0f} 秒", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def index_figures(rebuild: bool) -> dict:
    from django.db import connection

    figures = {}
    with connection.cursor() as cursor:
        if rebuild:
            cursor.execute("DROP INDEX IF EXISTS articles_searchentry_vector")
            started = time.monotonic()
            cursor.execute(
                "CREATE INDEX articles_searchentry_vector ON articles_searchentry USING GIN (vector)"
            )
            figures["build_s"] = time.monotonic() - started
        cursor.execute("SELECT pg_relation_size('articles_searchentry_vector')")
        figures["index_mb"] = cursor.fetchone()[0] / 2**20
        cursor.execute("SELECT pg_total_relation_size('articles_searchentry')")
        figures["table_mb"] = cursor.fetchone()[0] / 2**20
    return figures


def run_query(query_text: str, filters: dict, order: str) -> tuple[float, int]:
    from articles import search
    from articles.models import Article
    from articles.search.views import search_filters

    started = time.perf_counter()
    data = dict(filters)
    if "start" in data:
        data["start"] = date.fromisoformat(data["start"])
    articles = search_filters(Article.objects.published(), data)
    query = search.parse(query_text)
    chosen = search.plan(query, filtered=bool(filters), order=order)
    page = list(
        search.search(
            articles, query, order=order, strategy=chosen.strategy, narrowed=bool(filters)
        ).select_related("section")[:20]
    )
    found = search.count(articles, query, chosen)
    del page  # fetched for the timing: the reader sees it
    return (time.perf_counter() - started) * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/newsroom_bench")
    parser.add_argument("--rebuild-index", action="store_true", help="time a fresh GIN build")
    args = parser.parse_args()

    setup(args.database_url, args.articles)
    from articles.models import Article

    total = Article.objects.count()
    figures = index_figures(args.rebuild_index)
    lines = [
        f"## 搜索基准：{total} 篇稿件（PostgreSQL）",
        "",
        f"- GIN 索引 {figures['index_mb']:.0f} MB；搜索表连同 TOAST {figures['table_mb']:.0f} MB"
        + (f"；索引重建 {figures['build_s']:.1f} 秒" if "build_s" in figures else ""),
        f"- 每个查询先预热 3 次，再测 {args.runs} 次（第一页 20 条 + 上限 1001 的计数）",
        "",
        "| 查询 | 条件 | 排序 | 命中 | p50 ms | p95 ms |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for label, text, filters, order in QUERIES:
        for _ in range(3):
            run_query(text, filters, order)
        times, found = [], 0
        for _ in range(args.runs):
            elapsed, found = run_query(text, filters, order)
            times.append(elapsed)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        where = "，".join(f"{k}={v}" for k, v in filters.items()) or "—"
        shown = f"{found}" if found <= 1000 else ">1000"
        lines.append(
            f"| {label}：{text} | {where} | {'相关度' if order == 'rank' else '时间'} | {shown} "
            f"| {statistics.median(times):.1f} | {p95:.1f} |"
        )
        print(lines[-1], flush=True)
    report = "\n".join(lines) + "\n"
    print()
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"search-{total}.md").write_text(report)


if __name__ == "__main__":
    main()
