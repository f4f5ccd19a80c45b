import pytest
from django.db import connection

from tests.servers import database_url, gunicorn


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (lead images) go to a throw-away folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def gunicorn_server(django_db_serialized_rollback, transactional_db):
    """gunicorn with the project's own config, serving the committed test database."""
    with gunicorn(database_url=database_url(connection.settings_dict)) as base:
        yield base
