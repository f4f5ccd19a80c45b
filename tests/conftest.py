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


@pytest.fixture(params=["fragments off", "fragments on"])
def fragment_modes(request, settings, monkeypatch):
    """Run a test twice: as the test settings have it, and with readers' fragments cached in
    the workers' memory (the default outside tests), so that a part of a page kept under too
    narrow a name, or missing a tag, fails the test. The test's own transaction never commits,
    so tags move at once instead of after a commit."""
    from newsroom.pagecache import store, versions

    if request.param == "fragments off":
        yield
        return
    settings.FRAGMENT_CACHE = True
    monkeypatch.setattr(versions, "_after_commit", lambda func, using=None: func())
    store.local.clear()
    yield
    store.local.clear()


def pytest_collection_modifyitems(config, items):
    """A test that counts an uncached page's queries runs with fragments off only."""
    removed = [
        item
        for item in items
        if item.get_closest_marker("cold_queries")
        and getattr(item, "callspec", None)
        and item.callspec.params.get("fragment_modes") == "fragments on"
    ]
    if removed:
        config.hook.pytest_deselected(items=removed)
        items[:] = [item for item in items if item not in removed]
