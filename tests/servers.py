"""Starts the real server, gunicorn with the project's own config, for tests that need one."""

import collections
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database this test process uses (the test database)."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "root"
    host = settings_dict.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


@contextlib.contextmanager
def gunicorn(*, database_url: str, settings: str = "newsroom.settings.test", **env_extra):
    """Yield the base URL of a gunicorn serving `database_url`; stop it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url,
        # No connection outlives its request, so the test database can be dropped afterwards.
        "CONN_MAX_AGE": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        # Browsers talk to it directly, with idle connections a sync worker would wait on
        # (production puts a buffering proxy in front; newsroom/gunicorn.conf.py).
        "GUNICORN_WORKER_CLASS": "gthread",
        "GUNICORN_ACCESS_LOG": "",
        **env_extra,
    }
    executable = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    proc = subprocess.Popen(
        [executable, "newsroom.wsgi:application", "-c", "newsroom/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # Read its output all along: a server that logs a lot (a cache server gone, say) would
    # otherwise fill the pipe and stop in the middle of writing a log line.
    output: collections.deque[bytes] = collections.deque(maxlen=200)
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"{base}/healthz"):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                reader.join(timeout=5)
                text = b"".join(output).decode(errors="replace")
                raise RuntimeError(f"gunicorn did not start:\n{text[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


VCL = ROOT / "deploy" / "varnish" / "default.vcl"
# As README "Behind Varnish" starts it: room for long tag headers (a feed of many stories).
VARNISH_PARAMETERS = [
    "-p", "http_resp_hdr_len=32k", "-p", "http_resp_size=64k", "-p", "workspace_backend=128k",
]  # fmt: skip


def varnishd_path() -> str | None:
    """Debian's varnishd (in /usr/sbin, which a user's PATH may lack), if installed."""
    return shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}:/usr/sbin")


def vcl_for(backend: str) -> str:
    """The shipped VCL with its backend's host and port set to those of `backend` (a URL)."""
    parts = urlsplit(backend)
    text = VCL.read_text()
    for old, new in [
        ('.host = "127.0.0.1";', f'.host = "{parts.hostname}";'),
        ('.port = "8000";', f'.port = "{parts.port}";'),
    ]:
        if old not in text:
            raise RuntimeError(f"{VCL} has no {old} for the tests to fill in")
        text = text.replace(old, new, 1)
    return text


@contextlib.contextmanager
def varnish(backend: str, *, port: int | None = None):
    """Yield the base URL of a varnishd running the shipped VCL in front of `backend`, on
    loopback (`port`, or a free one) with its own working folder and no management port;
    stop it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    # Run as root, varnishd's cache process drops to its own user, which reads from here.
    folder.chmod(0o755)
    (folder / "default.vcl").write_text(vcl_for(backend))
    port = port or free_port()
    command = [
        varnishd_path() or "varnishd", "-F", "-f", str(folder / "default.vcl"),
        "-a", f"127.0.0.1:{port}", "-T", "none", "-n", str(folder / "state"),
        "-s", "malloc,64m", "-l", "4m", *VARNISH_PARAMETERS,
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: collections.deque[bytes] = collections.deque(maxlen=200)
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"{base}/healthz"):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                reader.join(timeout=5)
                text = b"".join(output).decode(errors="replace")
                raise RuntimeError(f"varnishd did not start:\n{text[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL server programs (the newest installed), if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    return found[-1].parent if found else None


class OwnPostgres:
    """A PostgreSQL server of the test's own, in a temporary folder on a free port, that the
    test may stop and start. Run as the `postgres` user when the tests run as root (the server
    refuses to run as root)."""

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self.url = f"postgres://newsroom@127.0.0.1:{self.port}/news"

    def _run(self, *args: str, timeout: int = 120) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout, cwd=self.dir)

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "newsroom", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start()
        self.createdb("news")

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "newsroom", name)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def own_postgres_server():
    """An initialised `OwnPostgres`, removed afterwards; the test is skipped where Debian's
    PostgreSQL server programs are missing (and fails under CI, which installs them)."""
    import pytest

    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs are missing under CI")
        pytest.skip("no /usr/lib/postgresql/*/bin: apt-get install postgresql")
    server = OwnPostgres()
    try:
        server.init()
        yield server
    finally:
        server.remove()
