"""Settings shared by every environment. Values that differ come from the environment."""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "taggit",
    "reversion",
    "django_prose_editor",
    "regions",
    "articles",
    "newsroom.pagecache.apps.PageCacheConfig",
]

MIDDLEWARE = [
    # First, so that it sees every header the others add (see its docstring).
    "newsroom.middleware.PrivateWhenPersonal",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so that a page served from it still carries the policy.
    "newsroom.security.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.RejectNulInPath",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the page cache: a page made from a replica records the replica's clock.
    "newsroom.replicas.ReplicaMiddleware",
    "newsroom.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
# Where the admin lives, e.g. ADMIN_URL=desk-7f3k/ to keep it off the well-known address.
ADMIN_URL = env("ADMIN_URL", "admin/").strip("/") + "/"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.site.context_processors.site",
            ],
        },
    },
]

# DATABASE_URL unset: an SQLite file in the project folder, so the site runs with no server.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env("DATABASE_POOL"):
    # psycopg's connection pool (Django 5.1+), DATABASE_POOL connections per process at most,
    # instead of one persistent connection per thread.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(env("DATABASE_POOL")),
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers and the writer do not block each other; a busy writer waits instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Transactions take the write lock when they begin (IMMEDIATE), so two concurrent saves
    # queue behind each other instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# A read replica takes the anonymous readers' queries (newsroom/replicas.py); staff, writes and
# everything inside a transaction stay on the primary.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"),
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsroom.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            # A hung or unreachable Redis costs one short wait, not gunicorn's timeout; then the
            # page cache leaves it alone for CACHE_RETRY_SECONDS (newsroom/pagecache/store.py).
            "OPTIONS": {
                "socket_connect_timeout": float(env("REDIS_CONNECT_TIMEOUT", "0.25")),
                "socket_timeout": float(env("REDIS_TIMEOUT", "0.25")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHE_RETRY_SECONDS = float(env("CACHE_RETRY_SECONDS", "5"))
# Sessions in the database: staff keep signing in and working while Redis is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Readers' pages and their costly parts, cached by what they are made from and checked against
# the database before use (newsroom/pagecache/): each worker keeps the ones it used last in its
# memory, and with Redis every worker shares them. Safe without Redis too (SQLite included).
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))
FRAGMENT_CACHE = env_bool("FRAGMENT_CACHE", True)
# How many entries (pages and fragments) each worker keeps in its own memory, and how long.
PAGE_CACHE_LOCAL_ENTRIES = int(env("PAGE_CACHE_LOCAL_ENTRIES", "1000"))
PAGE_CACHE_LOCAL_SECONDS = int(env("PAGE_CACHE_LOCAL_SECONDS", "300"))
# The query parameters readers' pages read; a cached page is kept under these only, in this
# order, so ?utm_source=… and other additions share the page without them.
PAGE_CACHE_PARAMETERS = (
    "page",
    "p",
    "q",
    "section",
    "region",
    "theme",
    "author",
    "tag",
    "start",
    "end",
    "order",
)
# What knows which stories go live when, for the page cache's schedule.
PAGE_CACHE_CONTENT = "articles.cachetags"
# Varnish servers in front (deploy/varnish/default.vcl), purged by tag after each change.
VARNISH_URLS = env_list("VARNISH_URLS")
VARNISH_TIMEOUT = float(env("VARNISH_TIMEOUT", "0.5"))

AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt, right or wrong, while an account is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin logins (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account from
# one address, that account is locked out from that address for LOGIN_LOCKOUT_MINUTES; a
# success in between starts the count again. Per account *and* address, so that one person
# mistyping behind the office's shared address does not lock out the whole desk, and nobody
# can lock an editor out from elsewhere. `python manage.py axes_reset_username NAME` unlocks.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.views.login_locked_out"
# Behind TRUSTED_PROXY_COUNT proxies the reader's address is taken from X-Forwarded-For.
if env("TRUSTED_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT"))
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # The admin holds unpublished news: twelve characters at least (the demo's are sixteen).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    # Uploads go through Django's storage API: an object store (django-storages' S3Storage,
    # say) is a matter of MEDIA_STORAGE and MEDIA_STORAGE_OPTIONS (JSON), not of code.
    "default": {
        "BACKEND": env("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(env("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Lead images are served by Django only where no web server or object store does it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

TAGGIT_CASE_INSENSITIVE = True

SITE_NAME = env("SITE_NAME", "京津冀新闻")
SITE_DESCRIPTION = "京津冀协同发展新闻：北京、天津、河北三地的产业、人才、知识产权与民生报道。"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Headers every answer carries, in every environment (HTTPS-only ones are in prod).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): readers' pages run no script at all and take styles
# only from our own files; JSON-LD blocks are data, which browsers never execute, so they
# need no nonce. The admin also gets 'unsafe-inline' styles (newsroom/security.py).
# Lead images kept in an object store need its origin: CSP_IMG_SOURCES=https://img.example.cn
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env_list("CSP_IMG_SOURCES")],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The portable backup's format (export_desk / import_desk): JSON that keeps microseconds.
SERIALIZATION_MODULES = {"deskjson": "newsroom.backup_format"}

# Seconds that browsers and a CDN may keep a public page, feed or sitemap (Cache-Control).
READER_CACHE_SECONDS = int(env("READER_CACHE_SECONDS", "60"))
