"""How long the desk's pages for one story take as its body grows: the change page, the version
history comparing two versions, and the tagging suggestions alone, for bodies of 1,000 to
120,000 characters of realistic Chinese text (the demo stories' sentences recombined).

    .venv/bin/python bench/change_page_bench.py                       # 1k, 10k, 50k, 120k
    .venv/bin/python bench/change_page_bench.py --sizes 1000,120000 --runs 5

Runs on a throwaway SQLite database in a temporary folder with the test settings (migrated
afresh, deleted at the end; no DATABASE_URL of yours is used), through Django's test client
logged in as a superuser. Each story has two versions whose bodies differ in six places (a
figure changed, a clause added, a sentence dropped, a paragraph added, one removed, a subhead
reworded); the versions page compares them. The bodies are written straight to the row and to
its versions, as a story planted before the body limit was: the desk now refuses bodies over
`BODY_MAX_CHARS`, but such rows can exist. "120k 一段" is the same text as one paragraph
(pasted text with line breaks only), the worst case for a character diff.

Each figure is the median of --runs requests after one warm-up request on a small story; a
cell whose first run takes longer than --budget seconds is not run again. A Markdown table is
printed.
"""

import argparse
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = [1_000, 10_000, 50_000, 120_000]


def demo_sentences() -> tuple[list[str], list[str]]:
    """The demo stories' sentences and subheads, in the order they were written."""
    from articles.demo import content

    sentences, subheads = [], []
    for item in content.ARTICLES:
        for paragraph in item["body"]:
            if paragraph.startswith("## "):
                subheads.append(paragraph[3:].strip())
            else:
                sentences += re.findall(r"[^。！？]+[。！？]", paragraph)
    return sentences, subheads


def story_paragraphs(chars: int, seed: int = 14) -> list[str]:
    """Paragraphs of two to five demo sentences, a subhead (`## …`) every eight paragraphs,
    `chars` characters of text in all (the last paragraph is cut to fit)."""
    sentences, subheads = demo_sentences()
    rng = random.Random(seed)
    paragraphs, total = [], 0
    while total < chars:
        subhead = paragraphs and len(paragraphs) % 9 == 8
        if subhead:
            text = rng.choice(subheads)
        else:
            text = "".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
        text = text[: chars - total]
        paragraphs.append(f"## {text}" if subhead else text)
        total += len(text)
    return paragraphs


def edited(paragraphs: list[str]) -> list[str]:
    """The same story edited in six places spread over it."""
    new = list(paragraphs)
    body = [i for i, p in enumerate(new) if not p.startswith("## ") and len(p) > 30]
    subheads = [i for i, p in enumerate(new) if p.startswith("## ")]
    spots = [body[len(body) * k // 6] for k in range(1, 6)] if len(body) >= 6 else body[:5]
    if spots:
        p = new[spots[0]]
        new[spots[0]] = (
            re.sub(r"\d+", "478", p, count=1) if re.search(r"\d", p) else p + "数据已更新。"
        )
    if len(spots) > 1:
        p = new[spots[1]]
        new[spots[1]] = p[: len(p) // 2] + "（据三地有关部门介绍）" + p[len(p) // 2 :]
    if len(spots) > 2:
        p = new[spots[2]]
        first = p.find("。") + 1
        new[spots[2]] = (
            p[first:] if 0 < first < len(p) else p + "记者还了解到，相关工作将继续推进。"
        )
    if subheads:
        new[subheads[len(subheads) // 2]] += "（续）"
    removed = spots[4] if len(spots) > 4 else None
    if len(spots) > 3:
        new.insert(spots[3] + 1, "三地有关部门表示，下一步将建立常态化会商机制，定期通报进展。")
    if removed is not None:
        del new[removed + 1]  # shifted by the paragraph inserted above it
    return new


def setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.test"
    os.environ.pop("REDIS_URL", None)
    import django

    logging.disable(logging.INFO)  # django-axes' start-up and login lines
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def plant(headline: str, old: list[str], new: list[str], *, section, author, user):
    """A story whose versions hold `old` then `new`, written past the services' checks."""
    import reversion

    from articles import services
    from articles.demo.loader import body_html
    from articles.models import Article

    article = services.article_create(
        headline=headline, section=section, bylines=[(author, "reporter")], user=user
    )
    for comment, paragraphs in (("旧版本", old), ("新版本", new)):
        Article.objects.filter(pk=article.pk).update(body=body_html(paragraphs))
        article.refresh_from_db()
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(comment)
            reversion.add_to_revision(article)
    return article


def timed(function, runs: int, budget: float) -> tuple[float, int]:
    """Median milliseconds of up to `runs` calls, and how many were made."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
        if samples[0] > budget * 1000:
            break
    return statistics.median(samples), len(samples)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=10.0, help="seconds; see above")
    parser.add_argument("--no-one-block", action="store_true", help="skip the 120k 一段 row")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="change-page-bench-") as folder:
        setup(Path(folder) / "bench.sqlite3")
        run(sizes, args)


def run(sizes: list[int], args) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from reversion.models import Version

    from articles import services
    from articles.desk.diff import diff_article_versions
    from articles.desk.selectors import tagging_suggestions
    from articles.html import body_text
    from articles.models import Article, Section
    from articles.services import versions as history

    user = get_user_model().objects.create_superuser("bench-admin", "bench@example.cn", None)
    section = Section.objects.create(name="协同发展", slug="xietong")
    author = services.author_get_or_create(name="林晓雯")
    cases = []
    for size in sizes:
        old = story_paragraphs(size)
        cases.append((f"{size // 1000}k" if size >= 1000 else str(size), old, edited(old)))
    if not args.no_one_block:
        size = max(sizes)
        old = story_paragraphs(size)
        joined = "\n".join(p.removeprefix("## ") for p in old)
        new = "\n".join(p.removeprefix("## ") for p in edited(old))
        cases.append((f"{size // 1000}k 一段", [joined], [new]))

    client = Client()
    client.force_login(user)

    def pages(article):
        # The last two: the planted old and new bodies (the first is article_create's).
        older, newer = list(Version.objects.get_for_object(article).order_by("-pk")[:2])[::-1]
        change = reverse("admin:articles_article_change", args=[article.pk])
        compare = reverse("admin:articles_article_versions", args=[article.pk])
        query = {"a": older.pk, "b": newer.pk}
        snapshots = history.version_snapshot(older), history.version_snapshot(newer)
        return change, compare, query, snapshots

    warm = plant(
        "预热",
        ["京津冀三地协同推进相关工作。"],
        ["京津冀三地协同推进各项工作。"],
        section=section,
        author=author,
        user=user,
    )
    change, compare, query, _ = pages(warm)
    client.get(change)
    client.get(compare, query)

    print(
        "| 正文 | 字数（新版本） | 改稿页 GET ms | 版本比较页 ms | 逐字比较（diff 本身）ms | 标签建议 ms | 状态码 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, old, new in cases:
        article = plant(f"正文{label}的稿件", old, new, section=section, author=author, user=user)
        article = Article.objects.get(pk=article.pk)
        change, compare, query, (before, after) = pages(article)
        statuses = set()

        def get_change():
            statuses.add(client.get(change).status_code)  # noqa: B023

        def get_compare():
            statuses.add(client.get(compare, query).status_code)  # noqa: B023

        cells = [
            timed(get_change, args.runs, args.budget),
            timed(get_compare, args.runs, args.budget),
            timed(lambda: diff_article_versions(before, after), args.runs, args.budget),  # noqa: B023
            timed(lambda: tagging_suggestions(article), args.runs, args.budget),  # noqa: B023
        ]
        figures = " | ".join(
            (f"{ms:,.0f}" if ms >= 10 else f"{ms:.1f}") + ("" if n == args.runs else f"（{n} 次）")
            for ms, n in cells
        )
        chars = len("".join(body_text(article.body).split()))
        print(f"| {label} | {chars:,} | {figures} | {'、'.join(map(str, sorted(statuses)))} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
