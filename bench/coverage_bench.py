"""Coverage benchmark on PostgreSQL: how long the dashboard's and the overview's figures take
on a large archive, read from the per-day summary, against the same figures counted straight
from the articles (the way they were computed before the summary) in the same run.

    .venv/bin/python bench/coverage_bench.py                 # the database search_bench.py made
    .venv/bin/python bench/coverage_bench.py --runs 5 --rebuild

Fill the database first (`bench/search_bench.py --articles 1000000` or `generate_corpus`).
A Markdown table is printed and written to bench/results/coverage-<N>.md.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(function, runs: int) -> float:
    """Median milliseconds of `runs` calls, after one warm-up call."""
    function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def direct_table(start, end):
    """The region x theme table counted from the articles (one aggregate query per row)."""
    from django.db.models import Count

    from articles.models import Article
    from regions import coverage

    published = Article.objects.published().filter(
        published_at__gte=coverage.day_start(start),
        published_at__lt=coverage.day_start(end + timedelta(days=1)),
    )
    for region in coverage.table_regions():
        list(
            published.in_region(region)
            .values("themes")
            .annotate(n=Count("pk", distinct=True))
            .values_list("themes", "n")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/newsroom_bench")
    parser.add_argument("--rebuild", action="store_true", help="also time a full rebuild")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.utils import timezone

    from articles.models import Article
    from regions import coverage
    from regions.models import CoverageCount

    articles = Article.objects.count()
    if not CoverageCount.objects.exists():
        sys.exit("汇总表是空的：请先运行 manage.py rebuild_coverage。")
    today = timezone.localdate()
    week = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    year = today - timedelta(days=365)
    rows = [
        ("地区×主题表：本周", lambda: coverage.region_theme_table(week, today),
         lambda: direct_table(week, today)),
        ("地区×主题表：本月", lambda: coverage.region_theme_table(month, today),
         lambda: direct_table(month, today)),
        ("地区×主题表：一年", lambda: coverage.region_theme_table(year, today),
         lambda: direct_table(year, today)),
        ("每周稿件数（26 周，三省市）", lambda: coverage.weekly_by_province(weeks=26), None),
        ("每月稿件数（12 个月，三省市）", lambda: coverage.monthly_by_province(months=12), None),
        ("最久没有报道的地区", lambda: coverage.quiet_regions(limit=10), None),
        ("发稿后重算一天", lambda: coverage.refresh_days([today - timedelta(days=1)]), None),
    ]  # fmt: skip
    lines = [
        f"## 报道覆盖基准：{articles} 篇稿件（PostgreSQL）",
        "",
        f"- 汇总表 {CoverageCount.objects.count()} 行；每项预热 1 次，再测 {args.runs} 次取中位数",
        "- “直接统计”是不用汇总表、按稿件现算的同一结果（旧做法），在同一次运行中测得",
        "",
        "| 项目 | 汇总表 ms | 直接统计 ms |",
        "| --- | ---: | ---: |",
    ]
    for label, summary, direct in rows:
        fast = timed(summary, args.runs)
        slow = f"{timed(direct, max(1, args.runs // 2)):.0f}" if direct else "—"
        lines.append(f"| {label} | {fast:.1f} | {slow} |")
        print(lines[-1], flush=True)
    if args.rebuild:
        started = time.perf_counter()
        made = coverage.rebuild()
        lines.append(f"\n全量重算：{made} 行，用时 {time.perf_counter() - started:.1f} 秒")
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "bench" / "results" / f"coverage-{articles}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
