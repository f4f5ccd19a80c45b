import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (lead images) go to a throw-away folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
