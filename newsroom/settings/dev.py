"""Local development: DEBUG on by default, a per-checkout secret key, media served by Django."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_bool


def _local_secret_key() -> str:
    # Never a key written in the code: one is made per checkout and kept out of git.
    path = BASE_DIR / ".dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY") or _local_secret_key()
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
