"""Starts the real server, gunicorn with the project's own config, for tests that need one."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

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
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"{base}/healthz"):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                output = proc.stdout.read().decode(errors="replace")
                raise RuntimeError(f"gunicorn did not start:\n{output[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
