"""Test settings with the production cache set-up: Redis from REDIS_URL for the cache, the
readers' page and fragment caches and database sessions (for gunicorn in the fault tests)."""

import os

from newsroom.settings.test import *  # noqa: F403

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": f"newsroom-faults-{os.getpid()}",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PAGE_CACHE_SECONDS = 300
FRAGMENT_CACHE = True
