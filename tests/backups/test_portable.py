"""The portable backup (export_desk / import_desk): the demo desk round-trips whole."""

from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from reversion.models import Version

from articles import services
from articles.models import Article, Correction

# Real commits: on PostgreSQL the import empties tables with TRUNCATE, which a transaction
# still holding the test's own writes would refuse.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEFT_OUT = {"contenttypes", "axes", "sessions", "pagecache"}  # pagecache: bookkeeping, not the desk


def _everything() -> dict[str, list[dict]]:
    """Every row of every model that a backup keeps, comparable (natural keys for users,
    groups, tags and content types, ids for the rest; many-to-many sets in a fixed order)."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in LEFT_OUT or label == "auth.Permission":
            continue
        data = serializers.serialize(
            "python",
            model._default_manager.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        for row in data:
            for field in model._meta.many_to_many:
                if field.name in row["fields"]:
                    row["fields"][field.name] = sorted(row["fields"][field.name])
        rows[label] = data
    return rows


@pytest.fixture
def demo_desk(transactional_db):
    call_command("load_demo", "--admin", stdout=StringIO())
    article = Article.objects.published().first()
    services.article_add_correction(
        article=article, kind=Correction.Kind.CORRECTION, text="更正：原稿数字有误，已改正。"
    )
    return _everything()


def test_the_demo_desk_survives_export_and_import_unchanged(demo_desk, tmp_path):
    """Export, empty the database, import: every row of every model is back, as it was."""
    backup = tmp_path / "news.deskjson.gz"
    call_command("export_desk", str(backup), stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert Article.objects.count() == 0
    call_command("import_desk", str(backup), "--noinput", stdout=StringIO())
    restored = _everything()
    assert restored.keys() == demo_desk.keys()
    for label, rows in demo_desk.items():
        assert restored[label] == rows, label


def test_the_backup_holds_versions_and_corrections(demo_desk, tmp_path):
    """The history (reversion) and every correction are in the file and come back."""
    versions, corrections = Version.objects.count(), Correction.objects.count()
    assert versions and corrections
    backup = tmp_path / "news.deskjson"
    call_command("export_desk", str(backup), stdout=StringIO())
    call_command("import_desk", str(backup), "--noinput", stdout=StringIO())
    assert (Version.objects.count(), Correction.objects.count()) == (versions, corrections)


def test_a_restored_desk_still_works(demo_desk, tmp_path, client):
    """After a restore the home page, an article and search answer, and a new save works."""
    backup = tmp_path / "news.deskjson.gz"
    call_command("export_desk", str(backup), stdout=StringIO())
    call_command("import_desk", str(backup), "--noinput", stdout=StringIO())
    article = Article.objects.published().first()
    assert client.get("/").status_code == 200
    assert article.headline in client.get(article.get_absolute_url()).content.decode()
    assert client.get("/search/", {"q": "雄安"}).status_code == 200
    from tests.factories import make_article

    assert make_article(headline="恢复之后的新稿件").pk > article.pk


def test_a_broken_file_changes_nothing(demo_desk, tmp_path):
    """A file that does not load leaves the database as it was."""
    broken = tmp_path / "broken.deskjson"
    broken.write_text('[{"model": "articles.article", "pk": 1, "fields": {"headline": 1}}')
    with pytest.raises(Exception):  # noqa: B017 (the loader's own error, whatever it is)
        call_command("import_desk", str(broken), "--noinput", stdout=StringIO())
    assert _everything() == demo_desk
