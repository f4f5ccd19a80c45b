"""A newsroom day under load: readers over the whole site while the desk publishes and corrects.

Measured as load_bench measures one page (wrk against gunicorn started as in production), with
how long each publish takes to reach the pages that list it.

    .venv/bin/python bench/day_bench.py                                   # no Redis
    .venv/bin/python bench/day_bench.py --redis redis://127.0.0.1:6379/12 --runs 3
    .venv/bin/python bench/day_bench.py --warmup 5 --duration 10 --publish-every 4 --correct-every 6
    .venv/bin/python bench/day_bench.py --port 8001 --varnish http://127.0.0.1:6081   # backend :8001
    .venv/bin/python bench/day_bench.py --by-kind    # gunicorn's access log: each kind of page

Readers (`--mix day`, generated ahead of time with a fixed seed): a third home and list pages
(every section, region and theme, the most used tags and authors, deep pages, feeds, sitemaps, a
few searches), a third the newest 1,000 stories weighted by Zipf (s = 1.1), a third the rest of
the archive drawn uniformly (crawlers and old links). wrk replays that sequence through a Lua
script, which also counts the cache headers of the answers (X-Page-Cache: hit|miss|pass from the
app, X-Cache: HIT|MISS from Varnish).

The desk is a process of its own on the same database and cache: every `--publish-every` seconds
a new story goes through the services (article_create, submit, approve, publish) as the duty
editor bench-duty, every `--correct-every` seconds a correction (article_correct) is appended to
one of the newest stories. After each, plain anonymous GETs poll the pages that must change
(home, the story's section, regions and themes, /feed/; for a correction the article page) until
they show it. The desk's stories and corrections are deleted (through the services) after each
run, so runs and later benches see the same archive.

Each run: the cache emptied (Redis; Varnish is not), /ping alone for a few seconds (the ceiling),
the desk started, `--warmup` seconds of load, then `--duration` seconds measured. A Markdown
report is printed and written to bench/results/day-<articles>-<cache>.md (or --output).
"""

import argparse
import contextlib
import html
import http.client
import itertools
import json
import math
import os
import random
import re
import runpy
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load_bench as lb  # noqa: E402

DESK_USER = "bench-duty"
DUTY_GROUP = "值班主编"
SEED = 2026
NEWEST = 1000
ZIPF_S = 1.1
CEILING_SECONDS = 5
FRESHNESS_LIMIT = 60  # seconds a page may take to show a change before it counts as unseen
POLL_INTERVAL = 0.1
MOST_USED = 60  # tags and authors with the most stories, each a list page in the pool
DEEP_PER_LIST = 3  # deep pages (?page=N) drawn per section, theme, region and tag
MAX_PAGE = lb.DEEP_PAGE  # the paginator counts 10,000 rows at most: page 500 is the deepest
SEARCHES = [lb.SEARCH_ONE_WORD, lb.SEARCH_TWO_WORDS, "知识产权", "协同", "产业 集群"]
SEQUENCE_BOUNDS = (20_000, 3_000_000)
CORRECTION_MARK = "日测编号"  # in every correction the desk writes, to find them again
POLLER = "day-bench-poll"  # the freshness polls' User-Agent, left out of --by-kind
# --by-kind: gunicorn's access log, one tab-separated line a request (time in microseconds).
ACCESS_FORMAT = "%(s)s\t%(D)s\t%({x-page-cache}o)s\t%(a)s\t%(r)s"

# Shares of the reader pages within their third; each kind's pages are drawn uniformly.
LIST_SHARES = {
    "home": 30,
    "section": 14,
    "region": 10,
    "theme": 8,
    "tag": 6,
    "author": 4,
    "deep": 12,
    "feed": 8,
    "sitemap": 3,
    "search": 3,
    "overview": 2,
}
THIRDS = {"lists": 1, "newest": 1, "archive": 1}
FRESH_KINDS = {
    "home": "首页",
    "section": "栏目页",
    "region": "地区页",
    "theme": "主题页",
    "feed": "/feed/",
    "correction": "稿件页（更正）",
}

LUA = """
-- day_bench.py: each wrk thread requests the file's paths in order from its own start, and
-- counts the answers by status class and by the cache headers they carry.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  local starts = {}
  for value in string.gmatch(args[2], "%d+") do starts[#starts + 1] = tonumber(value) end
  position = starts[id + 1] or 0
  counts = {}
end

function request()
  local path = paths[position % #paths + 1]
  position = position + 1
  return wrk.format("GET", path)
end

local function kind(value)
  value = string.lower(value)
  if string.find(value, "pass", 1, true) then return "pass" end
  if string.find(value, "hit", 1, true) then return "hit" end
  if string.find(value, "miss", 1, true) then return "miss" end
  return "other"
end

local function count(name)
  counts[name] = (counts[name] or 0) + 1
end

function response(status, headers, body)
  local page, front = "none", "none"
  for name, value in pairs(headers) do
    local lower = string.lower(name)
    if lower == "x-page-cache" then page = kind(value) end
    if lower == "x-cache" then front = kind(value) end
  end
  count("page_" .. page)
  count("front_" .. front)
  count("status_" .. math.floor(status / 100) .. "xx")
end

function done(summary, latency, requests)
  local totals, positions = {}, {}
  for _, thread in ipairs(threads) do
    for name, value in pairs(thread:get("counts")) do
      totals[name] = (totals[name] or 0) + value
    end
    positions[#positions + 1] = string.format("%d", thread:get("position"))
  end
  local parts = {}
  for name, value in pairs(totals) do parts[#parts + 1] = name .. "=" .. value end
  io.write("day-counts " .. table.concat(parts, " ") .. "\\n")
  io.write("day-next " .. table.concat(positions, ",") .. "\\n")
end
"""


# --- the readers' addresses ------------------------------------------------------------------


@dataclass
class Pools:
    lists: dict[str, list[str]]  # kind → paths
    newest: list[str]  # newest first
    archive: list[int]  # ids of the other published stories
    dropped: list[str] = field(default_factory=list)  # list paths that did not answer 2xx/3xx


def deep_pages(rng: random.Random, path: str, stories: int) -> list[str]:
    """A few pages past the first of a list of `stories`, at most page 500."""
    from articles.site.views import ArticleListView

    last = min(MAX_PAGE, -(-stories // ArticleListView.paginate_by))
    numbers = sorted(rng.sample(range(2, last + 1), min(DEEP_PER_LIST, max(0, last - 1))))
    return [lb.with_query(path, {"page": n}) for n in numbers]


def read_pools(seed: int) -> Pools:
    """Every address the day's readers ask for, read from the database."""
    from django.db.models import Count
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Author, Byline, Section, TaggedArticle
    from articles.site.sitemaps import article_months
    from newsroom.sitemaps import LISTINGS
    from regions.models import Region, Theme

    rng = random.Random(f"{seed}-pools")
    published = Article.objects.published()

    def counted(rows, key):
        return {row[key]: row["n"] for row in rows.annotate(n=Count("pk")).order_by()}

    sections = list(Section.objects.all())
    per_section = counted(published.values("section"), "section")
    regions = list(Region.objects.all())
    through = Article.regions.through
    per_region = counted(through.objects.filter(article__in=published).values("region"), "region")
    themes = list(Theme.objects.all())
    per_theme = counted(
        Article.themes.through.objects.filter(article__in=published).values("theme"), "theme"
    )
    tags = (
        TaggedArticle.objects.filter(content_object__in=published)
        .values("tag")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag")[:MOST_USED]
    )
    tag_rows = {t.pk: t for t in Tag.objects.filter(pk__in=[row["tag"] for row in tags])}
    authors = (
        Byline.objects.filter(article__in=published)
        .values("author")
        .annotate(n=Count("pk"))
        .order_by("-n", "author")[:MOST_USED]
    )
    author_rows = Author.objects.in_bulk([row["author"] for row in authors])
    tag_lists = [
        (reverse("articles:tag", kwargs={"slug": tag_rows[row["tag"]].slug}), row["n"])
        for row in tags
    ]
    deep = []
    for path, stories in [
        *((s.get_absolute_url(), per_section.get(s.pk, 0)) for s in sections),
        *((r.get_absolute_url(), per_region.get(r.pk, 0)) for r in regions),
        *((t.get_absolute_url(), per_theme.get(t.pk, 0)) for t in themes),
        *tag_lists,
    ]:
        deep += deep_pages(rng, path, stories)
    months = article_months()
    search = reverse("articles:search")
    lists = {
        "home": [reverse("articles:home")],
        "section": [s.get_absolute_url() for s in sections],
        "region": [r.get_absolute_url() for r in regions],
        "theme": [t.get_absolute_url() for t in themes],
        "tag": [path for path, _ in tag_lists],
        "author": [author_rows[row["author"]].get_absolute_url() for row in authors],
        "deep": deep,
        "feed": [reverse("articles:feed")]
        + [reverse("articles:section-feed", kwargs={"slug": s.slug}) for s in sections],
        "sitemap": [
            reverse("sitemap-index"),
            reverse("sitemap-news"),
            *(reverse("sitemap", kwargs={"section": name}) for name in LISTINGS),
            *(
                reverse(
                    "sitemap-articles",
                    kwargs={"year": row["month"].year, "month": row["month"].month},
                )
                for row in rng.sample(months, min(4, len(months)))
            ),
        ],
        "search": [lb.with_query(search, {"q": words}) for words in SEARCHES]
        + [lb.with_query(search, {"q": lb.SEARCH_TWO_WORDS, "region": "hebei"})],
        "overview": [reverse("regions:overview")],
    }
    newest = list(
        published.order_by("-published_at", "-pk").only("pk", "slug", "published_at")[:NEWEST]
    )
    if not newest:
        raise lb.Abort("数据库里没有已发布的稿件")
    skip = {article.pk for article in newest}
    archive = [pk for pk in published.order_by("pk").values_list("pk", flat=True) if pk not in skip]
    return Pools(lists, [a.get_absolute_url() for a in newest], archive)


def check_lists(pools: Pools, base: str) -> None:
    """Each list address once, before any run: one that does not answer 2xx/3xx (a region
    with no page, say) leaves the pool and the report names it."""

    def status(path: str) -> int:
        return fetch(base, path)[0]

    paths = sorted({path for paths in pools.lists.values() for path in paths})
    with ThreadPoolExecutor(4) as pool:
        answers = dict(zip(paths, pool.map(status, paths), strict=True))
    bad = {path for path, code in answers.items() if not 200 <= code < 400}
    pools.dropped = [f"`{path}`（{answers[path]}）" for path in sorted(bad)]
    for kind, paths in pools.lists.items():
        pools.lists[kind] = [path for path in paths if path not in bad]


def zipf_cumulative(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / rank**s for rank in range(1, n + 1)))


def sequence(pools: Pools, length: int, seed: int) -> tuple[list[str], dict[str, int]]:
    """The readers' requests in order, and how many of each kind. One random stream, so a
    shorter sequence with the same seed is the start of a longer one."""
    from articles.models import Article

    rng = random.Random(f"{seed}-requests")
    kinds = [kind for kind in LIST_SHARES if pools.lists.get(kind)]
    kind_weights = list(itertools.accumulate(LIST_SHARES[kind] for kind in kinds))
    thirds = list(THIRDS)
    third_weights = list(itertools.accumulate(THIRDS.values()))
    newest_weights = zipf_cumulative(len(pools.newest), ZIPF_S)
    drawn: list = []
    made = dict.fromkeys([*kinds, "newest", "archive"], 0)
    for _ in range(length):
        third = rng.choices(thirds, cum_weights=third_weights)[0]
        if third == "archive" and not pools.archive:
            third = "newest"
        if third == "lists":
            kind = rng.choices(kinds, cum_weights=kind_weights)[0]
            drawn.append(rng.choice(pools.lists[kind]))
        elif third == "newest":
            kind = third
            drawn.append(rng.choices(pools.newest, cum_weights=newest_weights)[0])
        else:
            kind = third
            drawn.append(rng.choice(pools.archive))  # an id, made a path below
        made[kind] += 1
    wanted = {item for item in drawn if isinstance(item, int)}
    paths, ids = {}, sorted(wanted)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for article in Article.objects.filter(pk__in=chunk).only("pk", "slug", "published_at"):
            paths[article.pk] = article.get_absolute_url()
    made["archive_distinct"] = len(wanted)
    return [paths[item] if isinstance(item, int) else item for item in drawn], made


# --- HTTP from this process ------------------------------------------------------------------


def fetch(base: str, path: str, timeout: float = 30) -> tuple[int, str]:
    """One anonymous GET, no cookies, a connection of its own: (status, body); 0 on failure."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": POLLER})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    except OSError:
        return 0, ""
    finally:
        conn.close()


@dataclass
class Fresh:
    kind: str
    path: str
    seconds: float | None  # None: not seen within FRESHNESS_LIMIT
    after_load: bool = False  # seen (or given up on) after the measured load had stopped


class Watcher:
    """Polls, for each desk event, the pages that must show it, each in a thread of its own."""

    def __init__(self, base: str):
        self.base = base
        self.samples: list[Fresh] = []
        self.threads: list[threading.Thread] = []
        self.load_ended_at = math.inf  # time.time() when the measured run stopped
        self.polled: list[float] = []  # when each poll was answered
        self._lock = threading.Lock()

    def watch(self, event: dict) -> None:
        if event["event"] == "publish":
            needles = [event["path"], html.escape(event["headline"])]
            pages = event["pages"]
        else:
            needles = [html.escape(event["text"])]
            pages = [["correction", event["path"]]]
        for kind, path in pages:
            thread = threading.Thread(
                target=self._poll, args=(kind, path, needles, event["at"]), daemon=True
            )
            thread.start()
            self.threads.append(thread)

    def _poll(self, kind: str, path: str, needles: list[str], since: float) -> None:
        seen = None
        while time.time() - since < FRESHNESS_LIMIT:
            _, body = fetch(self.base, path, timeout=FRESHNESS_LIMIT)
            self.polled.append(time.time())
            if any(needle in body for needle in needles):
                seen = time.time() - since
                break
            time.sleep(POLL_INTERVAL)
        with self._lock:
            self.samples.append(Fresh(kind, path, seen, time.time() > self.load_ended_at))

    def wait(self) -> None:
        for thread in self.threads:
            thread.join(FRESHNESS_LIMIT + 30)


# --- the desk --------------------------------------------------------------------------------


def desk_user():
    """The duty editor whose steps the desk process takes (no password: it never logs in)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username=DESK_USER)
    group = Group.objects.filter(name=DUTY_GROUP).first()
    if group is None:
        raise lb.Abort(f"没有 {DUTY_GROUP} 组：数据库的迁移不全")
    user.is_staff = user.is_active = True
    user.set_unusable_password()
    user.save()
    user.groups.add(group)
    return user


def desk_cleanup() -> tuple[int, int]:
    """Delete what the desk wrote (its stories, its corrections) through the services."""
    from articles import services
    from articles.models import Article, Correction

    user = desk_user()
    corrections = list(Correction.objects.filter(text__contains=CORRECTION_MARK))
    for correction in corrections:
        services.correction_edit(correction=correction, user=user, delete=True)
    stories = list(Article.objects.filter(created_by=user))
    if stories:
        services.articles_delete(articles=stories)
    return len(stories), len(corrections)


class Desk:
    """The desk's side, run in its own process (`--desk`): stories written and published,
    corrections appended, each reported on stdout as a JSON line."""

    def __init__(self, config: dict):
        from articles.demo.corpus import ACTIONS, Corpus
        from articles.models import Article, Author

        self.config = config
        self.user = desk_user()
        self.corpus = Corpus(config["seed"])
        self.rng = random.Random(f"{config['seed']}-desk-{config['run']}")
        self.actions = ACTIONS
        self.authors = list(Author.objects.order_by("pk")[:300])
        self.newest = list(Article.objects.published().order_by("-published_at", "-pk")[:NEWEST])
        self.newest_weights = zipf_cumulative(len(self.newest), ZIPF_S)
        self.made = 0

    def publish(self) -> dict:
        from articles import services
        from articles.demo.loader import body_html

        corpus, rng = self.corpus, self.rng
        region = rng.choices(corpus.regions, cum_weights=corpus.region_weights)[0]
        theme = rng.choices(corpus.themes, cum_weights=corpus.theme_weights)[0]
        section = rng.choices(corpus.sections, cum_weights=corpus.section_weights)[0]
        headline = rng.choice([region.name, *region.alias_list]) + rng.choice(self.actions).format(
            theme=rng.choice([theme.name, *theme.keyword_list])
        )
        sentences = rng.sample(corpus.sentences, 18)
        paragraphs = ["".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3)]
        regions = [r for r in (region, region.parent) if r is not None]
        started = time.monotonic()
        article = services.article_create(
            headline=headline,
            summary=sentences[0],
            body=body_html(paragraphs),
            source_line="本报讯",
            dateline=region.name[:2],
            section=section,
            bylines=[(rng.choice(self.authors), "reporter")],
            tags=[theme.name, *theme.keyword_list[:2]],
            regions=regions,
            themes=[theme],
            user=self.user,
        )
        services.article_submit(article=article, user=self.user)
        services.article_approve(article=article, user=self.user)
        stepped = time.monotonic()
        services.article_publish(article=article, user=self.user)
        done = time.monotonic()
        self.newest.insert(0, article)
        return {
            "event": "publish",
            "id": article.pk,
            "path": article.get_absolute_url(),
            "headline": headline,
            "took": done - started,
            "publish_took": done - stepped,
            "pages": [
                ["home", "/"],
                ["section", section.get_absolute_url()],
                *(["region", r.get_absolute_url()] for r in regions),
                ["theme", theme.get_absolute_url()],
                ["feed", self.config["feed"]],
            ],
        }

    def correct(self) -> dict:
        from articles import services
        from articles.models import Correction

        stories = self.newest[: len(self.newest_weights)]  # today's first, then the newest
        article = self.rng.choices(stories, cum_weights=self.newest_weights)[0]
        self.made += 1
        text = (
            f"本文此前所述的投资额有误，应为{self.rng.randint(12, 980)}亿元，特此更正。"
            f"（{CORRECTION_MARK} {self.config['run']}-{self.made}-{self.rng.randrange(16**6):06x}）"
        )
        started = time.monotonic()
        services.article_correct(
            article=article, user=self.user, kind=Correction.Kind.CORRECTION, text=text
        )
        return {
            "event": "correct",
            "id": article.pk,
            "path": article.get_absolute_url(),
            "text": text,
            "took": time.monotonic() - started,
        }

    def schedule(self) -> list[tuple[float, str]]:
        """(seconds after the start, step): each at its pace, none at the start or the end."""
        seconds = self.config["seconds"]
        times = [(t, "publish") for t in _ticks(self.config["publish_every"], seconds)]
        times += [(t, "correct") for t in _ticks(self.config["correct_every"], seconds)]
        return sorted(times)

    def run(self) -> None:
        say({"event": "ready"})
        if not sys.stdin.readline():  # "go", or EOF: stopped before it began
            return
        started = time.monotonic()
        for at, action in self.schedule():
            ready, _, _ = select.select(
                [sys.stdin], [], [], max(0, started + at - time.monotonic())
            )
            if ready and not sys.stdin.readline():
                return  # stdin closed: the run is over
            try:
                event = self.publish() if action == "publish" else self.correct()
            except Exception as error:  # reported, and the day goes on
                event = {"event": "error", "action": action, "error": repr(error)[:300]}
            say({**event, "at": time.time(), "offset": at})


def _ticks(every: float, seconds: float) -> list[float]:
    if every <= 0:
        return []
    return [every * k for k in range(1, int(seconds / every) + 1) if every * k < seconds]


def say(message: dict) -> None:
    sys.stdout.write("desk " + json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def desk_main(config: dict) -> None:
    """The desk process: Django with the server's settings, then the day's schedule."""
    import django

    django.setup()
    Desk(config).run()


@contextlib.contextmanager
def desk_process(env: dict, config: dict, log: Path, watcher: Watcher, events: list):
    """Start the desk process; yield a function that sets its clock going. Its events are
    collected in `events` and handed to `watcher` as they come."""
    with log.open("ab") as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--desk", json.dumps(config)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            preexec_fn=lb.die_with_parent,
        )
    ready = threading.Event()

    def read():
        for line in proc.stdout:
            if not line.startswith("desk "):
                continue
            event = json.loads(line[5:])
            if event["event"] == "ready":
                ready.set()
                continue
            events.append(event)
            if event["event"] in {"publish", "correct"}:
                watcher.watch(event)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def go():
        if not ready.wait(120):
            raise lb.Abort(f"编辑部进程没有就绪（日志 {log}）")
        proc.stdin.write("go\n")
        proc.stdin.flush()

    try:
        yield go
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()  # the desk stops at its next event, or at once when idle
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(10)


# --- a run -----------------------------------------------------------------------------------


@dataclass
class Run:
    ceiling: lb.Page
    ceiling_after: lb.Page
    warm: dict = field(default_factory=dict)
    day: dict = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    reused: bool = False  # a wrk thread went past its share of the sequence
    events: list[dict] = field(default_factory=list)
    fresh: list[Fresh] = field(default_factory=list)
    cleaned: tuple[int, int] = (0, 0)
    kinds: dict[str, list] = field(default_factory=dict)  # --by-kind
    polls: int = 0  # freshness polls answered during the measured run

    @property
    def share(self) -> float:
        ceiling = self.ceiling.median("rps")
        return self.day["rps"] / ceiling if ceiling else float("nan")

    def ratio(self, header: str) -> float | None:
        """Hits over all answers, or None when no answer carried the header."""
        seen = {k: v for k, v in self.counts.items() if k.startswith(f"{header}_")}
        total = sum(seen.values())
        if not total or seen.get(f"{header}_none", 0) == total:
            return None
        return seen.get(f"{header}_hit", 0) / total

    @property
    def errors(self) -> int:
        return self.day["non_2xx_3xx"] + self.day["socket_errors"]


def parse_counts(output: str) -> tuple[dict[str, int], list[int]]:
    """The Lua script's closing lines: answers by kind, and where each thread stopped."""
    counts = re.search(r"^day-counts (.*)$", output, re.M)
    positions = re.search(r"^day-next ([\d,]*)$", output, re.M)
    found = dict(item.split("=") for item in counts[1].split()) if counts else {}
    return (
        {name: int(value) for name, value in found.items()},
        [int(n) for n in positions[1].split(",") if n] if positions else [],
    )


def day_wrk(target: str, seconds: float, args, script: Path, paths: Path, starts) -> dict:
    result = lb.wrk(
        target + "/",
        seconds=seconds,
        args=args,
        script=script,
        script_args=[paths, ",".join(map(str, starts))],
    )
    result["counts"], result["next"] = parse_counts(result.pop("output"))
    return result


def access_lines(files: dict) -> int:
    """Where gunicorn's access log ends now (--by-kind), to read one stretch of it later."""
    log = files.get("access")
    return log.stat().st_size if log and log.exists() else 0


def by_kind(log: Path, start: int, end: int, kind_of: dict[str, str]) -> dict[str, list]:
    """The readers' requests logged between two offsets, by kind: [(ms, X-Page-Cache), …]."""
    found: dict[str, list] = {}
    with log.open("rb") as lines:
        lines.seek(start)
        for raw in lines.read(end - start).decode(errors="replace").splitlines():
            fields = raw.split("\t")
            if len(fields) != 5 or fields[3] == POLLER:
                continue
            _, micros, cache, _, request = fields
            path = request.split(" ")[1] if request.count(" ") >= 2 else request
            kind = kind_of.get(path, "archive" if path.startswith("/articles/") else "other")
            found.setdefault(kind, []).append((int(micros) / 1000, cache))
    return found


def one_run(number: int, server, args, env, files, target: str, log: Path) -> Run:
    from django.db import close_old_connections

    print(f"第 {number} 次：测上限 ……", flush=True)
    if args.redis:
        lb.clear_page_cache()
    lb.wait_until_idle(server)
    run = Run(lb.Page("ping", "/ping", "/ping"), lb.Page("ping-end", "/ping（结束时）", "/ping"))
    run.ceiling.runs.append(lb.wrk(f"{server.base}/ping", seconds=CEILING_SECONDS, args=args))
    lb.wait_until_idle(server)
    watcher = Watcher(target)
    config = {
        "seed": args.seed,
        "run": number,
        "seconds": args.warmup + args.duration,
        "publish_every": args.publish_every,
        "correct_every": args.correct_every,
        "feed": files["feed"],
    }
    starts = [t * files["length"] // args.threads for t in range(args.threads)]
    with desk_process(env, config, log, watcher, run.events) as go:
        go()
        print(f"  预热 {args.warmup:g} 秒 ……", flush=True)
        run.warm = day_wrk(target, args.warmup, args, files["lua"], files["paths"], starts)
        print(f"  测量 {args.duration:g} 秒 ……", flush=True)
        logged_from, measured_from = access_lines(files), time.time()
        run.day = day_wrk(
            target, args.duration, args, files["lua"], files["paths"], run.warm["next"]
        )
        watcher.load_ended_at = time.time()
        run.polls = sum(measured_from <= t <= watcher.load_ended_at for t in watcher.polled)
        if files.get("access"):
            run.kinds = by_kind(files["access"], logged_from, access_lines(files), files["kinds"])
    share = files["length"] // args.threads
    run.reused = any(
        end - start > share for start, end in zip(starts, run.day["next"], strict=False)
    )
    run.counts = run.day["counts"]
    print("  等各页显示最后的改动 ……", flush=True)
    watcher.wait()
    run.fresh = watcher.samples
    lb.wait_until_idle(server)
    run.ceiling_after.runs.append(lb.wrk(f"{server.base}/ping", seconds=CEILING_SECONDS, args=args))
    close_old_connections()
    run.cleaned = desk_cleanup()
    print(
        f"  {run.day['rps']:.0f} 请求/秒（上限 {run.ceiling.median('rps'):.0f}），"
        f"p99 {lb.format_ms(run.day['p99'])} ms，错误 {run.errors}",
        flush=True,
    )
    return run


# --- the report ------------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    return "未知（无此头）" if value is None else f"{value:.1%}"


def _median(values) -> float:
    values = [v for v in values if v is not None and v == v]
    return statistics.median(values) if values else float("nan")


def _seconds(value: float) -> str:
    return "—" if value != value else f"{value:.2f}"


def run_row(label: str, run: Run) -> str:
    day = run.day
    published = sum(e["event"] == "publish" for e in run.events)
    corrected = sum(e["event"] == "correct" for e in run.events)
    problems = sum(e["event"] == "error" for e in run.events)
    return (
        f"| {label} | {run.ceiling.median('rps'):.0f} | {day['rps']:.0f} | {run.share:.1%} "
        f"| {lb.format_ms(day['p50'])} | {lb.format_ms(day['p99'])} | {day['requests']} "
        f"| {_bold(day['non_2xx_3xx'])} | {_bold(day['socket_errors'])} "
        f"| {_ratio(run.ratio('page'))} | {_ratio(run.ratio('front'))} "
        f"| {published} | {corrected}{f'（失败 {problems}）' if problems else ''} |"
    )


def _bold(n: int) -> str:
    return f"**{n}**" if n else "0"


def median_row(runs: list[Run]) -> str:
    def ratio(header):
        values = [run.ratio(header) for run in runs]
        return None if any(v is None for v in values) else statistics.median(values)

    return (
        f"| **中位数** | {_median(r.ceiling.median('rps') for r in runs):.0f} "
        f"| {_median(r.day['rps'] for r in runs):.0f} | {_median(r.share for r in runs):.1%} "
        f"| {lb.format_ms(_median(r.day['p50'] for r in runs))} "
        f"| {lb.format_ms(_median(r.day['p99'] for r in runs))} "
        f"| {_median(r.day['requests'] for r in runs):.0f} "
        f"| {sum(r.day['non_2xx_3xx'] for r in runs)}（合计） "
        f"| {sum(r.day['socket_errors'] for r in runs)}（合计） "
        f"| {_ratio(ratio('page'))} | {_ratio(ratio('front'))} "
        f"| {sum(e['event'] == 'publish' for r in runs for e in r.events)}（合计） "
        f"| {sum(e['event'] == 'correct' for r in runs for e in r.events)}（合计） |"
    )


def header_counts(runs: list[Run], header: str, name: str) -> str:
    totals: dict[str, int] = {}
    for run in runs:
        for key, value in run.counts.items():
            if key.startswith(f"{header}_"):
                totals[key.split("_", 1)[1]] = totals.get(key.split("_", 1)[1], 0) + value
    shown = "，".join(
        f"{k} {totals[k]}" for k in ("hit", "miss", "pass", "other", "none") if k in totals
    )
    return f"- {name}（测量段合计）：{shown or '—'}"


def freshness_rows(runs: list[Run]) -> list[str]:
    rows = []
    samples = [sample for run in runs for sample in run.fresh]
    for kind, label in FRESH_KINDS.items():
        mine = [s for s in samples if s.kind == kind]
        seen = [s.seconds for s in mine if s.seconds is not None]
        unseen = len(mine) - len(seen)
        rows.append(
            f"| {label} | {len(mine)} | {_seconds(_median(seen))} "
            f"| {_seconds(max(seen)) if seen else '—'} "
            f"| {f'**{unseen}**' if unseen else 0} |"
        )
    return rows


def kind_rows(runs: list[Run]) -> list[str]:
    """--by-kind: what gunicorn logged in the measured stretches, by kind of page."""
    kinds: dict[str, list] = {}
    for run in runs:
        for kind, rows in run.kinds.items():
            kinds.setdefault(kind, []).extend(rows)
    total = sum(len(rows) for rows in kinds.values())
    lines = [
        "### 各类请求在 gunicorn 里（访问日志，测量段合计；不含时效轮询）",
        "",
        "| 类别 | 请求 | 占比 | 服务器内 p50 ms | p99 ms | X-Page-Cache hit |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    order = [*LIST_SHARES, "newest", "archive", "other"]
    for kind in sorted(kinds, key=lambda k: order.index(k) if k in order else len(order)):
        rows = kinds[kind]
        times = sorted(ms for ms, _ in rows)
        hits = sum(cache.lower() == "hit" for _, cache in rows)
        marked = sum(cache != "-" for _, cache in rows)
        lines.append(
            f"| {kind} | {len(rows)} | {len(rows) / total:.1%} "
            f"| {lb.format_ms(statistics.median(times))} "
            f"| {lb.format_ms(times[min(len(times) - 1, round(0.99 * (len(times) - 1)))])} "
            f"| {f'{hits / len(rows):.1%}' if marked else '未知'} |"
        )
    return [
        *lines,
        "",
        "- 服务器内：gunicorn 的请求时间（%(D)s，从读完请求到发完回答，不含排队）",
    ]


def cache_name(args) -> str:
    return ("varnish-" if args.varnish else "") + ("redis" if args.redis else "no-redis")


def render(facts: lb.Facts, args, pools: Pools, made: dict, runs: list[Run]) -> str:
    env = facts.env
    conf = facts.conf
    lists = sum(len(paths) for paths in pools.lists.values())
    samples = [sample for run in runs for sample in run.fresh]
    events = [event for run in runs for event in run.events]
    publishes = [e for e in events if e["event"] == "publish"]
    corrections = [e for e in events if e["event"] == "correct"]
    failures = [e for e in events if e["event"] == "error"]
    during_warmup = sum(e["offset"] < args.warmup for e in events if "offset" in e)
    cache = (
        f"REDIS_URL={env['REDIS_URL']}（每次开始时清空），PAGE_CACHE_SECONDS="
        f"{env['PAGE_CACHE_SECONDS']}，FRAGMENT_CACHE={env['FRAGMENT_CACHE']}"
        if args.redis
        else "不用 Redis（本地内存缓存，页面缓存和片段缓存都关）"
    )
    lines = [
        f"## 新闻编辑部的一天：{facts.total} 篇稿件（PostgreSQL），"
        f"{'Varnish 在前，' if args.varnish else ''}{'Redis' if args.redis else '不用 Redis'}",
        "",
        f"- {facts.started_at:%Y-%m-%d %H:%M %Z}；提交 {lb.git_commit()}；{os.cpu_count()} 核"
        f"（{lb.cpu_model()}），开始时负载 {facts.load_before}，结束时 {lb.load_average()}",
        f"- gunicorn 与生产相同（newsroom.settings.prod），{conf['workers']} 个工作进程 × "
        f"{conf['threads']} 线程（{conf['worker_class']}），无访问日志，DEBUG=false；{cache}",
        f"- 负载：{facts.wrk_version}，{args.threads} 个线程，{args.connections} 个连接，"
        f"超时 30 秒，对着 {args.varnish or 'gunicorn'}"
        + ("（Varnish 不在两次之间清空）" if args.varnish else ""),
        f"- 请求序列（--mix day，种子 {args.seed}，预先生成 {made['length']} 条，每次从头重放）："
        f"列表类 {made['lists']}、最新 {NEWEST} 篇（Zipf s={ZIPF_S}）{made['newest']}、"
        f"旧稿 {made['archive']}（从 {len(pools.archive)} 篇中均匀抽取，"
        f"{made['archive_distinct']} 篇不同）",
        f"- 列表类 {lists} 个地址，各类占比："
        + "，".join(
            f"{kind} {LIST_SHARES[kind]}%（{len(paths)} 个）"
            for kind, paths in pools.lists.items()
            if paths
        ),
        f"- 编辑部进程（同一数据库和缓存）：每 {args.publish_every:g} 秒发一篇新稿"
        f"（article_create → article_submit → article_approve → article_publish，{DESK_USER}，"
        f"{DUTY_GROUP}），每 {args.correct_every:g} 秒给最新 {NEWEST} 篇之一（Zipf）加一条更正"
        "（article_correct）；每次结束后经服务删除这些稿件和更正",
        f"- 每次：清空缓存，/ping 单独测 {CEILING_SECONDS} 秒作上限，编辑部开始，"
        f"预热 {args.warmup:g} 秒，再测 {args.duration:g} 秒；共 {len(runs)} 次，取中位数",
        *(
            [f"- **⚠ 数据库里有这份代码没有的迁移：{'、'.join(facts.foreign_migrations)}**"]
            if facts.foreign_migrations
            else []
        ),
        "",
        "| 运行 | /ping 上限 请求/秒 | 请求/秒 | 占上限 | p50 ms | p99 ms | 请求数 "
        "| 非 2xx/3xx | 套接字错误 | 命中率 X-Page-Cache | 命中率 X-Cache | 发布 | 更正 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(run_row(str(n), run) for n, run in enumerate(runs, 1)),
        median_row(runs),
        "",
        "- 命中率 = 带 hit 的回答 ÷ 测量段的全部回答；没有一个回答带这个头时写“未知”",
        header_counts(runs, "page", "X-Page-Cache"),
        header_counts(runs, "front", "X-Cache"),
        "- 回答的状态（测量段合计）："
        + "，".join(
            f"{name[7:]} {sum(run.counts.get(name, 0) for run in runs)}"
            for name in ("status_2xx", "status_3xx", "status_4xx", "status_5xx")
        ),
        "- 结束时再测 /ping："
        + "，".join(f"{run.ceiling_after.median('rps'):.0f}" for run in runs)
        + " 请求/秒",
        "",
        "### 时效：发布、更正之后多久能看到",
        "",
        f"| 页面 | 样本 | 中位数 秒 | 最大 秒 | 未见（{FRESHNESS_LIMIT} 秒内） |",
        "| --- | ---: | ---: | ---: | ---: |",
        *freshness_rows(runs),
        "",
        f"- 从服务返回（已提交）算起，到第一个显示它的回答收到为止；每 {POLL_INTERVAL:g} 秒一次"
        "匿名 GET（不带 cookie，每次新连接），发布看稿件的地址或标题，更正看更正的文字；"
        "地区页包括稿件的地区和它的上级",
        f"- 预热和测量段里的事件都算（负载相同）：{len(events)} 个事件中 {during_warmup} 个在预热时；"
        f"{sum(s.after_load for s in samples)} 个样本在负载停止后才有结果；测量段里轮询了 "
        f"{sum(r.polls for r in runs)} 次，是 wrk 请求数的 "
        f"{sum(r.polls for r in runs) / max(1, sum(r.day['requests'] for r in runs)):.1%}"
        "（轮询也占服务器）",
        f"- 服务用时（负载下）：发一篇（新建到发布）中位数 "
        f"{_seconds(_median(e['took'] for e in publishes))} 秒、最长 "
        f"{_seconds(max((e['took'] for e in publishes), default=float('nan')))} 秒，"
        f"其中 article_publish {_seconds(_median(e['publish_took'] for e in publishes))} 秒；"
        f"更正中位数 {_seconds(_median(e['took'] for e in corrections))} 秒",
    ]
    if any(run.kinds for run in runs):
        lines += ["", *kind_rows(runs)]
    notes = []
    if failures:
        notes += [f"**⚠ 编辑部有 {len(failures)} 步失败：{failures[0]['error']}**"]
    if pools.dropped:
        notes += [f"**⚠ 这些列表地址不是 2xx/3xx，没有放进请求序列：{'、'.join(pools.dropped)}**"]
    if any(run.reused for run in runs):
        notes += ["**⚠ 请求序列不够长，wrk 又从头请求了一部分（命中率偏高）**"]
    if facts.logged_errors:
        notes += [f"**⚠ gunicorn 日志里有 {facts.logged_errors} 行错误：{facts.log}**"]
    return "\n".join([*lines, *(["", *notes] if notes else []), ""])


# --- the whole bench -------------------------------------------------------------------------


def server_env(args, port: int, access_log: Path | None = None) -> dict:
    """load_bench's production environment, with this bench's cache (and for --by-kind an
    access log: gunicorn reads GUNICORN_CMD_ARGS after its configuration file)."""
    page_cache = "on" if args.redis else "off"
    env = lb.server_env(
        SimpleNamespace(
            database_url=args.database,
            page_cache=page_cache,
            redis_db=0,
            workers=args.workers,
            gunicorn_threads=None,
            worker_class=None,
            soak=0,
        ),
        port,
    )
    if args.redis:
        env["REDIS_URL"] = args.redis
    if access_log:
        env["GUNICORN_ACCESS_LOG"] = str(access_log)
        env["GUNICORN_CMD_ARGS"] = f"--access-logformat '{ACCESS_FORMAT}'"
    return env


def run(args) -> str:
    wrk_version = lb.ensure_wrk()
    lb.check_database(args.database)
    port = args.port or lb.free_port()
    access_log = Path(tempfile.gettempdir()) / f"day-bench-access-{port}.log"
    access_log.unlink(missing_ok=True)
    env = server_env(args, port, access_log if args.by_kind else None)
    foreign_migrations = lb.setup_django(env)
    conf = runpy.run_path(str(ROOT / "newsroom" / "gunicorn.conf.py"))
    args.connections = args.connections or max(8, conf["workers"] * conf["threads"])
    if args.redis:
        lb.clear_page_cache()

    from django.core.management import call_command
    from django.urls import reverse

    from articles.models import Article

    print("collectstatic ……", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    desk_cleanup()  # what an interrupted run left
    print("在数据库里找地址 ……", flush=True)
    pools = read_pools(args.seed)
    total = Article.objects.count()
    started_at = datetime.now().astimezone()
    load_before = lb.load_average()
    log = Path(tempfile.gettempdir()) / f"day-bench-gunicorn-{port}.log"
    desk_log = Path(tempfile.gettempdir()) / f"day-bench-desk-{port}.log"
    desk_log.write_text("")
    target = (args.varnish or f"http://127.0.0.1:{port}").rstrip("/")
    with (
        tempfile.TemporaryDirectory(prefix="day-bench-") as tmp,
        lb.gunicorn(env, port, log) as server,
    ):
        print("逐个检查列表地址 ……", flush=True)
        check_lists(pools, server.base)
        probe = lb.wrk(f"{server.base}/ping", seconds=CEILING_SECONDS, args=args)["rps"]
        front = 4 if args.varnish else 1.5  # a cache in front may serve more than /ping
        length = round(probe * (args.warmup + args.duration) * front)
        length = min(max(length, SEQUENCE_BOUNDS[0]), SEQUENCE_BOUNDS[1])
        print(f"生成 {length} 条请求 ……", flush=True)
        paths, made = sequence(pools, length, args.seed)
        made["length"] = length
        made["lists"] = sum(made.get(kind, 0) for kind in LIST_SHARES)
        files = {
            "paths": Path(tmp) / "paths.txt",
            "lua": Path(tmp) / "day.lua",
            "length": length,
            "feed": reverse("articles:feed"),
            "access": access_log if args.by_kind else None,
            "kinds": {
                **{path: "newest" for path in pools.newest},
                **{path: kind for kind, paths in pools.lists.items() for path in paths},
            },
        }
        files["paths"].write_text("\n".join(paths) + "\n")
        files["lua"].write_text(LUA)
        runs = [
            one_run(n, server, args, env, files, target, desk_log) for n in range(1, args.runs + 1)
        ]
        final_rss = {pid: lb.memory_kb(pid, "VmRSS") for pid in lb.worker_pids(server.master)}
        logged_errors = lb.count_logged_errors(log) + lb.count_logged_errors(desk_log)
    facts = lb.Facts(
        total=total,
        cache_on=bool(args.redis),
        env=env,
        conf=conf,
        wrk_version=wrk_version,
        started_at=started_at,
        load_before=load_before,
        foreign_migrations=foreign_migrations,
        ceiling=[run.ceiling for run in runs],
        pages=[],
        final_rss=final_rss,
        logged_errors=logged_errors,
        log=log,
        soak_lines=[],
    )
    report = render(facts, args, pools, made, runs)
    output = args.output or ROOT / "bench" / "results" / f"day-{total}-{cache_name(args)}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report)
    return report + f"\n（已写入 {output}）\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=lb.DEFAULT_DATABASE, help="PostgreSQL URL")
    parser.add_argument(
        "--redis",
        default="none",
        help="REDIS_URL for pages and fragments (its database is emptied), or none",
    )
    parser.add_argument("--varnish", help="load (and poll) this address instead of gunicorn")
    parser.add_argument("--port", type=int, help="gunicorn's port (a Varnish backend's)")
    parser.add_argument("--mix", choices=["day"], default="day")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=30, help="seconds of load before")
    parser.add_argument("--runs", type=int, default=1, help="runs (medians reported)")
    parser.add_argument("--publish-every", type=float, default=20, help="seconds; 0: never")
    parser.add_argument("--correct-every", type=float, default=30, help="seconds; 0: never")
    parser.add_argument("--workers", type=int, help="gunicorn workers (GUNICORN_WORKERS)")
    parser.add_argument("--connections", type=int, help="wrk connections (default as load_bench)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--by-kind",
        action="store_true",
        help="gunicorn's access log on: server time and X-Page-Cache per kind of page",
    )
    parser.add_argument("--output", type=Path, help="default bench/results/day-<N>-<cache>.md")
    parser.add_argument("--desk", help=argparse.SUPPRESS)  # the desk process's own run
    args = parser.parse_args(argv)
    if args.redis.lower() == "none":
        args.redis = None
    if args.varnish:
        args.varnish = args.varnish.rstrip("/")
    return args


def main() -> None:
    args = parse_args()
    if args.desk:
        desk_main(json.loads(args.desk))
    else:
        lb.run_and_print("day_bench", run, args)


if __name__ == "__main__":
    main()
