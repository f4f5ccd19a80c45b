"""Test settings: fast hashing, local-memory cache, plain static storage (no collectstatic)."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES, env

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE_SECONDS = 0  # tests that exercise it turn it on with a real Redis
FRAGMENT_CACHE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("TEST_MEDIA_ROOT", "/tmp/newsroom-test-media")
SERVE_MEDIA = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the browser tests' gunicorn process must see the same test database.
    # One file per test run, so that runs side by side do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"newsroom-test-{os.getpid()}.sqlite3")
    }
# No collectstatic in tests: whitenoise finds files where the apps keep them, on request.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if env("TEST_DATABASE_NAME"):
    # Lets two suites run side by side on one PostgreSQL server.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env("TEST_DATABASE_NAME")

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A replica alias that mirrors the test database (replicas are a PostgreSQL deployment's);
    # only the tests of newsroom/replicas.py switch the router on, with override_settings.
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
