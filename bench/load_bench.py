"""Load benchmark: gunicorn started as in production, every reader page and the admin's article
list loaded with wrk from a second process, each page's throughput also given as a share of a
trivial view's (the ceiling), so that figures compare across machines.

    .venv/bin/python bench/load_bench.py                      # the bench database, page cache off
    .venv/bin/python bench/load_bench.py --page-cache on --duration 20
    .venv/bin/python bench/load_bench.py --pages article,section --soak 100000

Per page: requests per second, p50 and p99 latency (medians of --runs wrk runs), queries per
request (one request through Django's test client in this process, same settings, same
database), the workers' peak resident memory (VmHWM) and any non-2xx/3xx answers or socket
errors; under the table, EXPLAIN (ANALYZE, BUFFERS) of each page's slowest query. A Markdown
report is printed and written to bench/results/load-<N>-cache-<on|off>.md (or --output).
The database is only read, apart from one staff user (bench-editor, group 编辑) and its session.
"""

import argparse
import contextlib
import ctypes
import html.parser
import http.client
import http.cookies
import os
import platform
import re
import runpy
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://root@127.0.0.1:5432/newsroom_bench"
BENCH_USER = "bench-editor"
EDITOR_GROUP = "编辑"
WARM_UP_SECONDS = 2
SEARCH_ONE_WORD = "雄安"
SEARCH_TWO_WORDS = "人才 服务"
PLAN_LINES = 12
DEEP_PAGE = 500
EXPLAIN_CANDIDATES = 3
SLOW_PAGE_FACTOR = 10  # a run lasts at least this many single requests
CEILING_PROBE_SECONDS = 2


@dataclass
class Page:
    key: str
    label: str
    path: str | None  # None: the page could not be found; `note` says why
    note: str = ""
    admin: bool = False
    status: int | None = None
    queries: str = "—"
    candidates: list[tuple[float, str]] = field(default_factory=list)  # (ms, SQL), slowest first
    slowest_sql: str = ""
    slowest_ms: float = 0.0  # as timed in the request
    plan_ms: float = 0.0  # EXPLAIN ANALYZE's execution time
    single_ms: float = 0.0  # the second request alone, through the test client
    skipped: str = ""  # why wrk did not load the page
    busy_after_s: float = 0.0  # the longest the server stayed busy after a run had stopped
    run_seconds: float = 0.0
    ceiling_rps: float = 0.0  # /ping measured between this page's runs
    runs: list[dict] = field(default_factory=list)
    peak_kb: int = 0
    plan: list[str] = field(default_factory=list)

    def median(self, name: str) -> float:
        """The median over the runs; latencies only over runs that completed a request."""
        values = [run[name] for run in self.runs if name == "rps" or run["requests"]]
        return statistics.median(values) if values else float("nan")

    @property
    def completed(self) -> int:
        return sum(run["requests"] for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run["non_2xx_3xx"] + run["socket_errors"] for run in self.runs)


@dataclass
class Facts:
    """What a run found and measured, for the report."""

    total: int
    cache_on: bool
    env: dict
    conf: dict
    wrk_version: str
    started_at: datetime
    load_before: str
    foreign_migrations: list[str]
    ceiling: list[Page]
    pages: list[Page]
    final_rss: dict[int, int]
    logged_errors: int
    log: Path
    soak_lines: list[str]


class Abort(Exception):
    """A one-line reason to stop; gunicorn is stopped on the way out."""


# --- the machine ------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk is a Debian package, not a pip one: install it with apt-get when it is missing."""
    if not shutil.which("wrk"):
        print("wrk 未安装，用 apt-get 安装（Debian 软件包 wrk）……", flush=True)
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        for commands in ([install], [["apt-get", "update", "-q"], install]):
            with contextlib.suppress(OSError):
                for command in commands:
                    subprocess.run(command, capture_output=True, check=False)
            if shutil.which("wrk"):
                break
        else:
            raise Abort("需要 wrk：apt-get install wrk 没有成功（需要 root 和 Debian 软件源）")
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (version.stdout or version.stderr).split(" [")[0].strip() or "wrk"


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def git_commit() -> str:
    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "?"
    return commit + (
        "（有未提交的改动）" if git("status", "--porcelain", "--untracked-files=no") else ""
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- worker memory ----------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers are the master's children."""
    try:
        return [
            int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ]
    except OSError:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(stat.parent.name))
        return pids


def memory_kb(pid: int, name: str) -> int:
    """VmRSS (resident now) or VmHWM (peak resident) of a process, in kB; 0 when it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{name}:"):
                return int(line.split()[1])
    return 0


def reset_peaks(master: int) -> None:
    """Writing 5 to clear_refs sets a process's peak (VmHWM) back to its current RSS, so that
    each page's row shows the peak while that page was loaded, not the run's so far."""
    for pid in worker_pids(master):
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_kb(master: int) -> int:
    return max((memory_kb(pid, "VmHWM") for pid in worker_pids(master)), default=0)


# --- gunicorn ---------------------------------------------------------------------------------


def die_with_parent() -> None:
    # If this script is killed outright, the kernel sends gunicorn's master SIGTERM.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _answers(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        conn.getresponse().read()
        return True
    except OSError:
        return False


@dataclass
class Server:
    proc: subprocess.Popen  # gunicorn's master; the workers are its children
    port: int
    log: Path

    @property
    def master(self) -> int:
        return self.proc.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise Abort(f"gunicorn 已退出（返回码 {self.proc.returncode}，日志 {self.log}）")


@contextlib.contextmanager
def gunicorn(env: dict, port: int, log: Path):
    """Yield the Server: gunicorn on `port`, started exactly as production starts it."""
    executable = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [executable, "newsroom.wsgi:application", "-c", "newsroom/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches this script, which stops gunicorn in order
            preexec_fn=die_with_parent,
        )
    try:
        deadline = time.monotonic() + 60
        while not _answers(port, "/ping"):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["（无输出）"]
                raise Abort(f"gunicorn 没有启动：{tail[0]}（日志 {log}）")
            time.sleep(0.3)
        yield Server(proc, port, log)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        # Workers that outlived their master (they should not) go with its process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# --- wrk --------------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _latency_ms(output: str, percentile: str) -> float:
    match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    return float(match[1]) * _UNITS_MS[match[2]] if match else float("nan")


def parse_wrk(output: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "requests": int(total[1]) if total else 0,
        "p50": _latency_ms(output, "50"),
        "p99": _latency_ms(output, "99"),
        "non_2xx_3xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
        "timeouts": int(sockets[4]) if sockets else 0,
    }


COUNTING_SCRIPT = """
-- Each thread stops after its share of the requests and says so: wrk itself only knows
-- durations (its main thread sleeps the whole --duration unless interrupted).
local limit, done = 0, 0
function init(args) limit = tonumber(args[1]) end
function response(status, headers, body)
  done = done + 1
  if done == limit then
    io.stdout:write("thread done\\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end
"""


def wrk(
    url: str,
    *,
    seconds: float,
    args,
    headers=(),
    count: int = 0,
    workdir=None,
    script: Path | None = None,
    script_args=(),
) -> dict:
    """One wrk run for `seconds`, or (`count`) until that many requests are answered. Without
    `count`, a Lua `script` (given `script_args`) may drive the run; what wrk and the script
    printed is then returned as "output"."""
    seconds = max(1, round(seconds))
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={seconds}s",
        "--timeout=30s",
        "--latency",
    ]
    for header in headers:
        command += ["--header", header]
    if not count:
        if script is not None:
            command += ["--script", str(script), url, "--", *map(str, script_args)]
        else:
            command.append(url)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        output, returncode = result.stdout + result.stderr, result.returncode
    else:
        counting = Path(workdir) / "count.lua"
        counting.write_text(COUNTING_SCRIPT)
        per_thread = -(-count // args.threads)
        command += ["--script", str(counting), url, "--", str(per_thread)]
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            finished = 0
            while finished < args.threads and (line := proc.stdout.readline()):
                finished += line.strip() == "thread done"
            if finished == args.threads:
                proc.send_signal(signal.SIGINT)  # wrk then prints its summary at once
            output, returncode = proc.communicate()[0], proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if returncode != 0:
        raise Abort(f"wrk 失败：{output.strip().splitlines()[-1:]}")
    return {
        **parse_wrk(output),
        "seconds": seconds,
        **({"output": output} if script and not count else {}),
    }


# --- Django in this process -------------------------------------------------------------------


def check_database(url: str) -> None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1 FROM articles_article LIMIT 1")
    except psycopg.errors.UndefinedTable:
        raise Abort(
            f"{url} 里没有稿件表：先生成语料（bench/search_bench.py --articles N）"
        ) from None
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise Abort(f"数据库不可用：{url}（{reason}）") from None


def setup_django(env: dict) -> list[str]:
    """Django with the server's settings; stops when the database lacks a migration, and
    returns the migrations it has that this code does not (another branch's, e.g. indexes)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if missing:
        first = missing[0][0]
        raise Abort(
            f"数据库缺少 {len(missing)} 个迁移（从 {first.app_label}.{first.name} 起）："
            f"先运行 DATABASE_URL={env['DATABASE_URL']} .venv/bin/python manage.py migrate"
        )
    known = set(executor.loader.disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, name in executor.recorder.applied_migrations()
        if (app, name) not in known and app in executor.loader.migrated_apps
    )


def clear_page_cache() -> None:
    """Cache on: start from an empty cache (the bench's own Redis database), so the first
    request of each page is a miss."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as error:  # redis-py's ConnectionError and friends
        raise Abort(f"Redis 不可用：{os.environ.get('REDIS_URL')}（{error}）") from None


def bench_editor() -> tuple[str, str]:
    """A staff user in the editors' group with a fresh password for this run."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    password = secrets.token_urlsafe(24)
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()
    group = Group.objects.filter(name=EDITOR_GROUP).first()
    if group is None:
        raise Abort(f"没有 {EDITOR_GROUP} 组：数据库的迁移不全")
    user.groups.add(group)
    return BENCH_USER, password


def with_query(path: str, params: dict) -> str:
    return f"{path}?{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}"


def discover_pages() -> tuple[list[Page], int]:
    """Real URLs from the database: the newest story, the largest section, a frequent tag …"""
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Article, Section, TaggedArticle
    from articles.site.views import SectionArticleListView
    from regions.models import Region

    total = Article.objects.count()
    published = Article.objects.published()
    newest = published.order_by("-published_at", "-pk").first()
    if newest is None:
        raise Abort("数据库里没有已发布的稿件")
    largest, stories = (
        published.values("section")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("section", "n")
    ).first()
    section = Section.objects.get(pk=largest)
    # Page 500, or the last page of a smaller archive (a page past the end is a 404).
    deep = min(DEEP_PAGE, -(-stories // SectionArticleListView.paginate_by))
    tag_row = (
        TaggedArticle.objects.values("tag__slug").annotate(n=Count("pk")).order_by("-n").first()
    )
    region = Region.objects.filter(slug="hebei").first()
    changelist = reverse("admin:articles_article_changelist")
    search = reverse("articles:search")
    pages = [
        Page("home", "首页", reverse("articles:home")),
        Page("article", "稿件页（最新一篇）", newest.get_absolute_url()),
        Page("section", f"栏目列表·第 1 页（{section.name}）", section.get_absolute_url()),
        Page(
            "section-deep",
            f"栏目列表·第 {deep} 页（{section.name}{'' if deep == DEEP_PAGE else '，最后一页'}）",
            with_query(section.get_absolute_url(), {"page": deep}),
        ),
        Page("region", "地区页（河北省）", region.get_absolute_url() if region else None),
        Page(
            "tag",
            "标签页（最常用的标签）",
            reverse("articles:tag", kwargs={"slug": tag_row["tag__slug"]}) if tag_row else None,
            note="" if tag_row else "没有标签",
        ),
        Page(
            "search-1",
            f"搜索·一词（{SEARCH_ONE_WORD}）",
            with_query(search, {"q": SEARCH_ONE_WORD}),
        ),
        Page(
            "search-2",
            f"搜索·两词（{SEARCH_TWO_WORDS}）",
            with_query(search, {"q": SEARCH_TWO_WORDS}),
        ),
        Page("feed", "RSS 订阅", None),  # found on the home page once gunicorn answers
        Page("admin", "后台稿件列表（编辑）", changelist, admin=True),
        Page(
            "admin-filter",
            f"后台稿件列表·按栏目筛选（{section.name}）",
            with_query(changelist, {"section__id__exact": section.pk}),
            admin=True,
        ),
    ]
    if region is None:
        pages[4].note = "没有 hebei 地区"
    return pages, total


class _FeedLink(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower().split()
        if tag == "link" and "alternate" in rel and attrs.get("type") == "application/rss+xml":
            self.href = self.href or attrs.get("href")


def feed_path(home_html: str) -> str | None:
    """The site feed as the home page announces it: <link rel="alternate" type="…rss+xml">."""
    parser = _FeedLink()
    parser.feed(home_html)
    if not parser.href:
        return None
    parts = urllib.parse.urlsplit(parser.href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def client_for(cookies: dict):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def count_queries(page: Page, cookies: dict, *, page_cache: bool) -> None:
    """Queries of one request, as a worker runs it. Cache off: after one warm-up request (so
    that nothing first-time is counted); cache on: the first request (a miss, on an empty
    cache) and the second (a hit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cookies if page.admin else {})
    counted = 0 if page_cache else 1
    counts = []
    for attempt in range(2):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        page.single_ms = (time.perf_counter() - started) * 1000  # the second one's is kept
        if attempt >= counted:
            counts.append(len(captured))
        if attempt == counted:
            timed = {query["sql"]: float(query["time"]) * 1000 for query in captured}
            page.candidates = sorted(
                ((ms, sql) for sql, ms in timed.items() if _is_select(sql)), reverse=True
            )[:EXPLAIN_CANDIDATES]
    page.status = response.status_code
    page.queries = " → ".join(str(n) for n in counts)


def _is_select(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in {"SELECT", "WITH"} and not re.search(r"\b(INSERT|UPDATE|DELETE)\b", sql, re.I)


def explain(sql: str) -> tuple[float, list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of a SELECT as the page sent it (parameters bound), in a
    transaction that is rolled back: its execution time in ms, and the plan's nodes (with
    index names or sequential scans) followed by the planning and execution times."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    nodes = [line for i, line in enumerate(lines) if i == 0 or "->" in line][:PLAN_LINES]
    times = [line for line in lines if line.startswith(("Planning Time", "Execution Time"))]
    executed = re.search(r"Execution Time: ([\d.]+) ms", "\n".join(times))
    return (float(executed[1]) if executed else 0.0), nodes + times


def explain_slowest(page: Page) -> None:
    """The page's slowest query by the database's own clock: request timings include the
    network and a cold connection, so the few slowest as timed are explained and compared."""
    for timed_ms, sql in page.candidates:
        executed_ms, plan = explain(sql)
        if not page.plan or executed_ms > page.plan_ms:
            page.slowest_sql, page.slowest_ms, page.plan_ms, page.plan = (
                sql,
                timed_ms,
                executed_ms,
                plan,
            )


# --- logging in as an editor, over HTTP --------------------------------------------------------


def _cookies(response) -> dict:
    jar = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def login(port: int, username: str, password: str) -> dict:
    """A real login: the form's CSRF token, then a POST to /admin/login/; returns the cookies
    (sessionid, csrftoken) for wrk's Cookie header. The cookies are marked Secure in prod and
    are sent here over plain HTTP on the loopback, as a TLS proxy would pass them on."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/admin/login/")
    response = conn.getresponse()
    form = response.read().decode()
    cookies = _cookies(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if not token or "csrftoken" not in cookies:
        raise Abort(f"后台登录页没有 CSRF 令牌（状态 {response.status}）")
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token[1],
            "username": username,
            "password": password,
            "next": "/admin/",
        }
    )
    conn.request(
        "POST",
        "/admin/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response))
    if response.status != 302 or "sessionid" not in cookies:
        raise Abort(f"以 {username} 登录后台失败（状态 {response.status}）")
    return cookies


@contextlib.contextmanager
def editor_session(port: int, username: str, password: str):
    """The cookies of a real login, whose session row is deleted however the run ends."""
    from django.contrib.sessions.models import Session
    from django.db import DatabaseError

    cookies = login(port, username, password)
    try:
        yield cookies
    finally:
        with contextlib.suppress(DatabaseError):
            Session.objects.filter(session_key=cookies["sessionid"]).delete()


# --- the run ----------------------------------------------------------------------------------


def measure(page: Page, server: Server, args, headers=(), *, probe: bool = True) -> None:
    """wrk on the page: a warm-up, then the runs, each after a short run on /ping (`probe`):
    on a shared machine the ceiling drifts, so each page is compared with its own."""
    if page.single_ms > args.duration * 1000:
        # Runs of ten single requests (minutes) would leave one request per connection behind
        # each time: the figure would cost more than it says.
        page.skipped = f"单次请求 {_duration(page.single_ms)}，比每次测量的 {args.duration:g} 秒还长，未用 wrk 测"
        return
    reset_peaks(server.master)
    url = server.base + page.path
    wrk(url, seconds=min(WARM_UP_SECONDS, args.duration), args=args, headers=headers)
    wait_until_idle(server)
    # A slow page gets longer runs, so that every connection completes a few requests.
    page.run_seconds = max(args.duration, round(SLOW_PAGE_FACTOR * page.single_ms / 1000))
    probes = []
    for _ in range(args.runs):
        if probe:
            probes.append(
                wrk(f"{server.base}/ping", seconds=CEILING_PROBE_SECONDS, args=args)["rps"]
            )
            wait_until_idle(server)
        page.runs.append(wrk(url, seconds=page.run_seconds, args=args, headers=headers))
        # Each run starts on an idle server, not behind the last one's unfinished requests.
        page.busy_after_s = max(page.busy_after_s, wait_until_idle(server))
    page.peak_kb = peak_kb(server.master)
    page.ceiling_rps = statistics.median(probes) if probes else 0.0


def count_logged_errors(log: Path) -> int:
    """Tracebacks, Django's 500 lines and gunicorn's [ERROR] lines in gunicorn's log."""
    return sum(
        line.startswith(("Traceback", "Internal Server Error")) or "[ERROR]" in line
        for line in log.read_text(errors="replace").splitlines()
    )


def wait_until_idle(server: Server, *, limit: float = 900) -> float:
    """Seconds until /ping answers promptly again. wrk closes its connections when its time is
    up, but gunicorn finishes the requests they left (and PostgreSQL their queries); a slow
    page would otherwise eat into the next page's figures."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        server.check_alive()
        asked = time.monotonic()
        if _answers(server.port, "/ping") and time.monotonic() - asked < 0.2:
            return time.monotonic() - started
        time.sleep(0.5)
    raise Abort(f"服务器 {limit:.0f} 秒后仍然忙，停止测量")


def soak(page: Page, server: Server, args, workdir: Path) -> list[str]:
    """Hit the article page `args.soak` times; each worker's RSS before, after the first tenth
    (caches and lazily built objects fill up then) and at the end: growth after that tenth
    is what a leak would look like."""

    def rss() -> dict[int, int]:
        return {pid: memory_kb(pid, "VmRSS") for pid in worker_pids(server.master)}

    def hit(count: int) -> dict:
        # The duration is only a bound (2 requests a second): wrk stops at the count.
        return wrk(
            server.base + page.path,
            seconds=max(60, count / 2),
            args=args,
            count=count,
            workdir=workdir,
        )

    first = max(1, args.soak // 10)
    started = time.monotonic()
    before = rss()
    results = [hit(first)]
    warm = rss()
    results.append(hit(args.soak - first))
    after = rss()
    elapsed = time.monotonic() - started
    requests = sum(result["requests"] for result in results)
    lines = [
        f"## 常驻内存：{page.label} 连续 {requests} 次请求",
        "",
        f"- {elapsed:.0f} 秒，{requests / elapsed:.1f} 请求/秒；"
        f"非 2xx/3xx {sum(r['non_2xx_3xx'] for r in results)}，"
        f"套接字错误 {sum(r['socket_errors'] for r in results)}；"
        "GUNICORN_MAX_REQUESTS=0（工作进程不回收）",
        f"- “之前”在上面各页测完之后；“热身后”在前 {first} 次请求之后；变化从热身后算起",
        "",
        "| 工作进程 | 之前 RSS MB | 热身后 RSS MB | 之后 RSS MB | 变化 MB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for pid in sorted(before.keys() | after.keys()):
        was, then, now = before.get(pid), warm.get(pid), after.get(pid)
        change = (
            f"{(now - then) / 1024:+.1f}"
            if then and now
            else ("新进程" if was is None else "已退出")
        )
        lines.append(f"| {pid} | {_mb(was)} | {_mb(then)} | {_mb(now)} | {change} |")
    return lines


def _range(values) -> str:
    values = [value for value in values if value]
    return f"{min(values):.0f}–{max(values):.0f}" if values else "—"


def _duration(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


def _mb(kb: int | None) -> str:
    return "—" if not kb else f"{kb / 1024:.0f}"


def format_ms(value: float) -> str:
    return "—" if value != value else f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def row(page: Page, ceiling: float) -> str:
    if page.path is None:
        return f"| {page.label} | — | — | — | — | — | — | — | **未测：{page.note}** |"
    if page.skipped:
        return (
            f"| {page.label} | `{page.path}` | — | — | — | — | {page.queries} | — "
            f"| **⚠ {page.skipped}** |"
        )
    rps = page.median("rps")
    problems = []
    if page.status is not None and not 200 <= page.status < 300:
        problems.append(f"状态 {page.status}")
    non_2xx = sum(run["non_2xx_3xx"] for run in page.runs)
    sockets = sum(run["socket_errors"] for run in page.runs)
    timeouts = sum(run["timeouts"] for run in page.runs)
    if non_2xx:
        problems.append(f"非 2xx/3xx {non_2xx}")
    if sockets:
        problems.append(f"套接字 {sockets}" + (f"（超时 {timeouts}）" if timeouts else ""))
    if not page.completed:
        problems.append(f"{len(page.runs)} × {page.runs[0]['seconds']:g} 秒内没有完成一个请求")
    errors = f"**⚠ {'；'.join(problems)}**" if problems else "0"
    ceiling = page.ceiling_rps or ceiling
    share = f"{rps / ceiling:.1%}" if ceiling else "—"
    return (
        f"| {page.label} | `{page.path}` | {rps:.1f} | {share} | {format_ms(page.median('p50'))} "
        f"| {format_ms(page.median('p99'))} | {page.queries} | {_mb(page.peak_kb)} | {errors} |"
    )


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per page (median)")
    parser.add_argument(
        "--connections", type=int, help="wrk connections (workers × threads, at least 8)"
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (GUNICORN_WORKERS)")
    parser.add_argument("--gunicorn-threads", type=int, help="gunicorn threads per worker")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], help="GUNICORN_WORKER_CLASS")
    parser.add_argument(
        "--page-cache",
        choices=["on", "fragments", "off"],
        default="off",
        help="on: pages and fragments in Redis; fragments: only fragments; off: no Redis",
    )
    parser.add_argument(
        "--redis-db", type=int, default=8, help="Redis database for --page-cache on (emptied)"
    )
    parser.add_argument("--soak", type=int, default=0, metavar="N", help="then N article requests")
    parser.add_argument("--pages", help="only these pages, e.g. article,section (ceiling always)")
    parser.add_argument(
        "--output", type=Path, help="default bench/results/load-<N>-cache-<on|off>.md"
    )
    return parser.parse_args()


CACHE_MODES = {
    "on": "页面缓存开（Redis，片段缓存也开）",
    "fragments": "页面缓存关、片段缓存开（Redis）",
    "off": "不用缓存（页面、片段都关）",
}


def server_env(args, port: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": args.database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PAGE_CACHE_SECONDS": "300" if args.page_cache == "on" else "0",
    }
    env.pop("REDIS_URL", None)
    env["FRAGMENT_CACHE"] = "false" if args.page_cache == "off" else "true"
    if args.page_cache != "off":
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.gunicorn_threads:
        env["GUNICORN_THREADS"] = str(args.gunicorn_threads)
    if args.worker_class:
        env["GUNICORN_WORKER_CLASS"] = args.worker_class
    if args.soak:
        env["GUNICORN_MAX_REQUESTS"] = "0"
    return env


def render(facts: Facts, args) -> str:
    """The Markdown report: header, table, notes, the slowest queries' plans, the soak."""
    limit = statistics.mean(page.median("rps") for page in facts.ceiling)
    lines = [
        f"## 负载基准：{facts.total} 篇稿件（PostgreSQL），{CACHE_MODES[args.page_cache]}",
        "",
        f"- {facts.started_at:%Y-%m-%d %H:%M %Z}；提交 {git_commit()}；{os.cpu_count()} 核（{cpu_model()}），"
        f"开始时负载 {facts.load_before}，结束时 {load_average()}",
        f"- gunicorn 与生产相同：`gunicorn newsroom.wsgi:application -c newsroom/gunicorn.conf.py`，"
        f"newsroom.settings.prod，{facts.conf['workers']} 个工作进程 × {facts.conf['threads']} 线程（{facts.conf['worker_class']}），"
        f"max_requests {facts.conf['max_requests'] or '不限'}，无访问日志，DEBUG=false",
        "- 环回地址上的明文 HTTP：SECURE_SSL_REDIRECT=false（生产的 HTTPS 由前面的 TLS 代理负责）",
        f"- 页面缓存：PAGE_CACHE_SECONDS={facts.env['PAGE_CACHE_SECONDS']}，"
        f"FRAGMENT_CACHE={facts.env['FRAGMENT_CACHE']}"
        + (
            f"，REDIS_URL={facts.env['REDIS_URL']}（开始时清空）"
            if facts.cache_on
            else "，本地内存缓存"
        ),
        f"- {facts.wrk_version}：{args.threads} 个线程，{args.connections} 个连接，超时 30 秒；每页先预热 "
        f"{min(WARM_UP_SECONDS, args.duration):g} 秒，再测 {args.runs} 次 × {args.duration:g} 秒"
        f"（慢页每次至少是单次请求的 {SLOW_PAGE_FACTOR} 倍长），取中位数；每次开始前等服务器空闲",
        f"- 上限（/ping）开始时 {facts.ceiling[0].median('rps'):.0f}、结束时 {facts.ceiling[1].median('rps'):.0f} "
        f"请求/秒；每页的“占上限”按该页每次测量前 {CEILING_PROBE_SECONDS} 秒的 /ping 计（取中位数，"
        f"{_range(page.ceiling_rps for page in facts.pages)} 请求/秒），上限行按两者的平均 {limit:.0f} 计",
        "- 查询数：同样的设置、同一个数据库，用 Django 测试客户端请求一次计得"
        + ("（缓存开：第一次未命中 → 第二次命中）" if facts.cache_on else "（先预热一次）"),
        "- 峰值 RSS：每页开始前把各工作进程的峰值（VmHWM）归零，测完取各进程 VmHWM 的最大值",
        *(
            [
                f"- **⚠ 数据库里有这份代码没有的迁移：{'、'.join(facts.foreign_migrations)}**"
                "（别的分支迁移过；索引等可能与代码不符）"
            ]
            if facts.foreign_migrations
            else []
        ),
        "",
        "| 页面 | URL | 请求/秒 | 占上限 | p50 ms | p99 ms | 查询数 | 峰值 RSS MB | 错误 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        row(facts.ceiling[0], limit),
        *(row(page, limit) for page in facts.pages),
        row(facts.ceiling[1], limit),
        "",
    ]
    failing = [
        page.label
        for page in facts.pages
        if page.path
        and (
            page.skipped or page.errors or not page.completed or page.status not in range(200, 300)
        )
    ]
    if failing:
        lines += [f"**⚠ 有错误或未测的页面：{'、'.join(failing)}**", ""]
    if facts.logged_errors:
        lines += [f"**⚠ gunicorn 日志里有 {facts.logged_errors} 行错误：{facts.log}**", ""]
    measured = [page for page in facts.pages if page.path]
    lines += [
        (
            "- 单次请求（测试客户端，无并发；缓存开时为命中）："
            if facts.cache_on
            else "- 单次请求（测试客户端，无并发）："
        )
        + "，".join(f"{page.label} {_duration(page.single_ms)}" for page in measured),
    ]
    lines += [
        f"- {page.label}：每次测 {page.run_seconds:.0f} 秒"
        for page in measured
        if page.run_seconds > args.duration
    ]
    lines += [
        f"- {page.label}：wrk 停下后服务器最多又忙了 {page.busy_after_s:.0f} 秒（完成剩下的请求）"
        for page in measured
        if page.busy_after_s >= 1
    ]
    peaks = [page.peak_kb for page in (*facts.ceiling, *facts.pages) if page.peak_kb]
    lines += [
        f"- 工作进程内存：整次运行的峰值 {_mb(max(peaks, default=0))} MB；结束时 RSS "
        + "，".join(f"{pid}：{_mb(kb)} MB" for pid, kb in sorted(facts.final_rss.items())),
        "",
        "## 各页最慢的查询：EXPLAIN (ANALYZE, BUFFERS)",
        "",
    ]
    for page in facts.pages:
        if not page.slowest_sql:
            continue
        sql = " ".join(page.slowest_sql.split())
        lines += [
            f"### {page.label}：执行 {_duration(page.plan_ms)}"
            f"（请求里计时 {_duration(page.slowest_ms)}，整个请求 {_duration(page.single_ms)}"
            f"{'，缓存命中时' if facts.cache_on else ''}）",
            "",
            "```",
            sql if len(sql) <= 400 else sql[:400] + " …",
            "",
            *page.plan,
            "```",
            "",
        ]
    if facts.soak_lines:
        lines += [*facts.soak_lines, ""]
    return "\n".join(lines)


def run(args) -> str:
    wrk_version = ensure_wrk()
    check_database(args.database_url)
    port = free_port()
    env = server_env(args, port)
    foreign_migrations = setup_django(env)
    conf = runpy.run_path(str(ROOT / "newsroom" / "gunicorn.conf.py"))
    args.connections = args.connections or max(8, conf["workers"] * conf["threads"])
    if args.connections < args.threads:
        raise Abort("--connections 不能少于 --threads")
    cache_on = args.page_cache != "off"
    if cache_on:
        clear_page_cache()

    from django.core.management import call_command

    print("collectstatic ……", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    print("在数据库里找页面 ……", flush=True)
    all_pages, total = discover_pages()
    pages = all_pages
    if args.pages:
        wanted = set(args.pages.split(","))
        unknown = wanted - {page.key for page in pages}
        if unknown:
            raise Abort(
                f"没有这些页面：{', '.join(sorted(unknown))}（可选：{', '.join(p.key for p in pages)}）"
            )
        pages = [page for page in pages if page.key in wanted]
    username, password = bench_editor()
    ceiling = [Page("ping", "上限：/ping（不查库、无模板）", "/ping"), None]
    started_at = datetime.now().astimezone()
    load_before = load_average()

    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        workdir = Path(tmp)
        log = Path(tempfile.gettempdir()) / f"load-bench-gunicorn-{port}.log"
        with (
            gunicorn(env, port, log) as server,
            editor_session(port, username, password) as cookies,
        ):
            for page in all_pages:
                if page.key == "feed":
                    home = client_for({}).get("/")
                    page.path = feed_path(home.content.decode())
                    page.note = '首页没有 <link rel="alternate" type="application/rss+xml">'
            cookie_header = "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())
            if cache_on:
                clear_page_cache()  # finding the feed cached the home page: start empty again

            print(f"测上限 {ceiling[0].path} ……", flush=True)
            count_queries(ceiling[0], {}, page_cache=False)
            measure(ceiling[0], server, args, probe=False)
            for page in pages:
                if page.path is None:
                    print(f"跳过 {page.label}：{page.note}", flush=True)
                    continue
                print(f"测 {page.label} {page.path} ……", flush=True)
                count_queries(page, cookies, page_cache=cache_on)
                measure(page, server, args, [cookie_header] if page.admin else ())
                done = f"{page.median('rps'):.1f} 请求/秒，p50 {format_ms(page.median('p50'))} ms"
                print(f"  {page.skipped or done}", flush=True)
            ceiling[1] = Page("ping-end", "上限：/ping（结束时再测）", "/ping")
            print("再测上限 ……", flush=True)
            count_queries(ceiling[1], {}, page_cache=False)
            measure(ceiling[1], server, args, probe=False)
            soak_lines = []
            if args.soak:
                article = next(page for page in all_pages if page.key == "article")
                print(f"连续请求稿件页 {args.soak} 次 ……", flush=True)
                soak_lines = soak(article, server, args, workdir)
            final_rss = {pid: memory_kb(pid, "VmRSS") for pid in worker_pids(server.master)}
            logged_errors = count_logged_errors(log)
        print("EXPLAIN ANALYZE ……", flush=True)
        for page in pages:
            explain_slowest(page)

    report = render(
        Facts(
            total=total,
            cache_on=cache_on,
            env=env,
            conf=conf,
            wrk_version=wrk_version,
            started_at=started_at,
            load_before=load_before,
            foreign_migrations=foreign_migrations,
            ceiling=ceiling,
            pages=pages,
            final_rss=final_rss,
            logged_errors=logged_errors,
            log=log,
            soak_lines=soak_lines,
        ),
        args,
    )
    output = args.output or ROOT / "bench" / "results" / f"load-{total}-cache-{args.page_cache}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report)
    return report + f"\n（已写入 {output}）\n"


def run_and_print(name: str, run, args) -> None:
    """`run(args)` and print its report; an Abort or Ctrl-C stops it with one line."""
    # SIGTERM takes the same way out as Ctrl-C, through the finally that stops gunicorn.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        report = run(args)
    except Abort as reason:
        sys.exit(f"{name}: {reason}")
    except KeyboardInterrupt:
        sys.exit(f"{name}: 已中断，gunicorn 已停止")
    print()
    print(report)


def main() -> None:
    run_and_print("load_bench", run, parse_args())


if __name__ == "__main__":
    main()
