"""scripts/backup and scripts/restore as documented, on a PostgreSQL of the test's own: the
demo desk, with its versions and a correction, comes back whole from pg_dump and from the
portable export alike."""

import json
import os
import subprocess
import sys

import pytest

from tests.servers import ROOT, own_postgres_server

SNAPSHOT = (
    "import json; from tests.backups.test_portable import _everything; "
    "print(json.dumps(_everything(), default=str, sort_keys=True))"
)
CORRECT = (
    "from articles import services; from articles.models import Article, Correction; "
    "services.article_add_correction(article=Article.objects.published().first(), "
    "kind=Correction.Kind.CORRECTION, text='更正：原稿数字有误，已改正。')"
)


@pytest.fixture
def own_postgres():
    with own_postgres_server() as server:
        yield server


def _run(*command: str, database_url: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        "PYTHON": sys.executable,
    }
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _manage(*args: str, database_url: str) -> str:
    return _run(sys.executable, "manage.py", *args, database_url=database_url)


def _snapshot(database_url: str) -> dict:
    return json.loads(_manage("shell", "-c", SNAPSHOT, database_url=database_url).splitlines()[-1])


def test_backup_and_restore_round_trip_the_demo_desk(own_postgres, tmp_path):
    """scripts/backup writes a pg_dump file and a portable export; scripts/restore brings
    each back into an empty database with every row of every model, versions and corrections
    included."""
    source = own_postgres.url
    _manage("migrate", "--noinput", database_url=source)
    _manage("load_demo", "--admin", database_url=source)
    _manage("shell", "-c", CORRECT, database_url=source)
    before = _snapshot(source)
    assert before["reversion.Version"] and before["articles.Correction"]

    _run("scripts/backup", str(tmp_path), database_url=source)
    dump = next(tmp_path.glob("news-*.dump"))
    portable = next(tmp_path.glob("news-*.deskjson.gz"))

    for name, backup in (("from_dump", dump), ("from_export", portable)):
        own_postgres.createdb(name)
        target = own_postgres.url.rsplit("/", 1)[0] + f"/{name}"
        _run("scripts/restore", str(backup), database_url=target)
        after = _snapshot(target)
        assert after.keys() == before.keys(), name
        for label, rows in before.items():
            assert after[label] == rows, (name, label)
