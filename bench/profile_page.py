"""Cold readers' pages: app CPU per request and queries, with a profile of where the time goes.
Production settings on the bench database, no Redis (so neither whole pages nor fragments are
cached), one request at a time through Django's test client in this process.

    .venv/bin/python bench/profile_page.py                      # article and list pages
    .venv/bin/python bench/profile_page.py --samples 30 --top 30
    .venv/bin/python bench/profile_page.py /sections/yaowen/ /regions/hebei/   # these only
    .venv/bin/python bench/profile_page.py --tree /sections/yaowen/   # pyinstrument call tree
    .venv/bin/python bench/profile_page.py --editor /admin/articles/article/

Without paths it requests `--samples` different archive stories (chosen at random, seeded) and
as many different list pages of each kind (sections, regions, themes, tags, a section's deep
pages), each once: every request is that page's first, as a crawler's or an old link's would
be. App CPU is the request thread's CPU time (time.thread_time: Django, templates and the
driver; not PostgreSQL's own work, not waiting for it), reported as the median with the range.
Then each kind is requested again under cProfile and its top functions are printed (the profile
adds overhead; the CPU figures come from the unprofiled requests). A warm-up request of each
kind comes first (templates compiled, the connection opened).
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field

from load_bench import DEFAULT_DATABASE, Abort, check_database, setup_django

ARTICLE_TARGET_MS = 6
LIST_TARGET_MS = 10


@dataclass
class Figures:
    label: str
    paths: list[str]
    cpu_ms: list[float] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)


class QueryCounter:
    """Counts the queries run and their time, without Django's debug cursor (whose recording
    would be counted as app CPU)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def sample_pages(samples: int, seed: int) -> list[tuple[str, str, list[str]]]:
    """(key, label, paths) per kind of page, each path a different page of that kind."""
    from django.db.models import Count, Max, Min
    from django.urls import reverse

    from articles.models import Article, Section, TaggedArticle
    from articles.site.views import ArticleListView
    from regions.models import Region, Theme

    rng = random.Random(seed)
    published = Article.objects.published()
    bounds = published.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        raise Abort("数据库里没有已发布的稿件")
    stories: dict[int, str] = {}
    for _ in range(samples * 20):
        if len(stories) >= samples:
            break
        pk = rng.randint(bounds["low"], bounds["high"])
        story = published.filter(pk__gte=pk).order_by("pk").only("pk", "slug", "published_at")
        story = story.first()
        if story is not None:
            stories[story.pk] = story.get_absolute_url()
    per_section = dict(
        published.values("section").annotate(n=Count("pk")).values_list("section", "n")
    )
    sections = list(Section.objects.filter(pk__in=per_section))
    regions = list(Region.objects.filter(articles__isnull=False).distinct())
    themes = list(Theme.objects.filter(articles__isnull=False).distinct())
    tags = list(
        TaggedArticle.objects.values("tag__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("tag__slug", flat=True)[: samples * 3]
    )

    def spread(items: list, make) -> list[str]:
        """`samples` paths over `items`, each item once before any comes again."""
        chosen = rng.sample(items, min(samples, len(items)))
        return [
            make(item, round) for round in range(-(-samples // len(chosen))) for item in chosen
        ][:samples]

    def page(path: str, number: int) -> str:
        return path if number <= 1 else f"{path}?page={number}"

    def deep(section, round_):
        last = -(-per_section[section.pk] // ArticleListView.paginate_by)
        return page(section.get_absolute_url(), min(last, 300 + 37 * round_))

    kinds = [
        ("article", "稿件页（随机的存档稿件）", list(stories.values())),
        (
            "section",
            "栏目列表（第 1–3 页）",
            spread(sections, lambda s, r: page(s.get_absolute_url(), r + 1)),
        ),
        ("section-deep", "栏目列表（第 300 页起）", spread(sections, deep)),
        ("region", "地区页", spread(regions, lambda item, r: page(item.get_absolute_url(), r + 1))),
        ("theme", "主题页", spread(themes, lambda item, r: page(item.get_absolute_url(), r + 1))),
        (
            "tag",
            "标签页（常用标签）",
            spread(tags, lambda slug, r: reverse("articles:tag", kwargs={"slug": slug})),
        ),
    ]
    return [kind for kind in kinds if kind[2]]


def measure(client, figures: Figures) -> None:
    from django.db import connection

    for path in figures.paths:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            wall, cpu = time.perf_counter(), time.thread_time()
            response = client.get(path)
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        figures.cpu_ms.append(cpu * 1000)
        figures.wall_ms.append(wall * 1000)
        figures.sql_ms.append(counter.seconds * 1000)
        figures.queries.append(counter.count)
        figures.statuses.add(response.status_code)


def profile(client, paths: list[str], top: int) -> str:
    profiler = cProfile.Profile(time.thread_time)
    for path in paths:
        profiler.enable()
        client.get(path)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    out.write("\n  by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(top)
    return "\n".join(
        line for line in out.getvalue().splitlines() if line.strip() and "Ordered by" not in line
    )


def _range(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}（{min(values):.1f}–{max(values):.1f}）"


def _queries(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


def report(rows: list[Figures], total: int, vendor: str) -> str:
    lines = [
        f"## 冷页面：{total} 篇稿件（{vendor}，无 Redis：不缓存整页和片段）",
        "",
        f"目标：稿件页 ≤ {ARTICLE_TARGET_MS} ms、列表页 ≤ {LIST_TARGET_MS} ms 应用 CPU（1M 篇）。"
        "每个页面只请求一次；中位数（最小–最大）。",
        "",
        "| 页面 | 请求数 | 应用 CPU ms | 总耗时 ms | SQL ms | 查询数 | 状态 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.label} | {len(row.paths)} | {_range(row.cpu_ms)} | {_range(row.wall_ms)} "
            f"| {_range(row.sql_ms)} | {_queries(row.queries)} "
            f"| {', '.join(map(str, sorted(row.statuses)))} |"
        )
    return "\n".join(lines)


def tree(client, paths: list[str], interval: float) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("profile_page: 需要 pyinstrument：scripts/bootstrap dev")
    for path in paths:
        client.get(path)
        profiler = Profiler(interval=interval)
        with profiler:
            response = client.get(path)
        print(f"## {path} → {response.status_code}")
        print(profiler.output_text(unicode=True, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="only these, e.g. /sections/yaowen/?page=500")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--samples", type=int, default=15, help="pages of each kind (15)")
    parser.add_argument("--seed", type=int, default=2026, help="which pages are sampled")
    parser.add_argument("--top", type=int, default=20, help="functions per profile (20)")
    parser.add_argument("--no-profile", action="store_true", help="the table only")
    parser.add_argument("--tree", action="store_true", help="pyinstrument call tree per path")
    parser.add_argument("--interval", type=float, default=0.001, help="--tree sampling (s)")
    parser.add_argument("--editor", action="store_true", help="logged in as bench-editor")
    args = parser.parse_args()
    if args.samples < 1 or args.top < 1:
        sys.exit("profile_page: --samples 和 --top 必须是正整数")
    os.environ.pop("REDIS_URL", None)  # no page or fragment cache: the page itself is measured
    client = None
    try:
        check_database(args.database_url)
        setup_django(
            {
                "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": args.database_url,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "DEBUG": "false",
                "PAGE_CACHE_SECONDS": "0",
                "FRAGMENT_CACHE": "false",
            }
        )
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from articles.models import Article

        if not (settings.STATIC_ROOT / "staticfiles.json").exists():
            call_command("collectstatic", interactive=False, verbosity=0)  # the manifest
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        if args.editor:
            client.force_login(get_user_model().objects.get(username="bench-editor"))
        if args.tree:
            tree(client, args.paths, args.interval)
            return
        if args.paths:
            kinds = [(path, path, [path] * args.samples) for path in args.paths]
        else:
            kinds = sample_pages(args.samples, args.seed)
        rows = []
        for key, label, paths in kinds:
            warm_up = paths[0] if args.paths else paths[-1]
            client.get(warm_up)
            rows.append(Figures(label, paths))
            measure(client, rows[-1])
            print(f"{key}: {statistics.median(rows[-1].cpu_ms):.1f} ms", file=sys.stderr)
        print(report(rows, Article.objects.count(), connection.vendor))
        if not args.no_profile:
            for (key, label, paths), _row in zip(kinds, rows, strict=True):
                if args.paths or key in ("article", "section", "region"):
                    print(f"\n### cProfile：{label}（{len(paths)} 次请求，按自身 CPU 时间）\n")
                    print("```")
                    print(profile(client, paths, args.top))
                    print("```")
    except Abort as reason:
        sys.exit(f"profile_page: {reason}")
    finally:
        if args.editor and client is not None:
            client.logout()  # the session row goes too


if __name__ == "__main__":
    main()
