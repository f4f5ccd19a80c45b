"""Read replicas: with DATABASE_REPLICA_URL set, anonymous readers' GET requests read from the
replica; staff, every write and every request that changes something use the primary, so an
editor always sees what they just saved."""

import contextvars

from django.conf import settings

_reading_for_readers = contextvars.ContextVar("reading_for_readers", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if _reading_for_readers.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Marks anonymous GET/HEAD requests as readers' reads (for ReplicaRouter)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "replica" not in settings.DATABASES
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        token = _reading_for_readers.set(True)
        try:
            return self.get_response(request)
        finally:
            _reading_for_readers.reset(token)
