"""Test settings with the embedded default's caches: no Redis, whole pages and fragments kept
in each worker's own memory (for gunicorn with several workers)."""

from newsroom.settings.test import *  # noqa: F403

PAGE_CACHE_SECONDS = 300
FRAGMENT_CACHE = True
