"""Where a page's time goes: one request through Django's test client with the production
settings on the bench database, under pyinstrument (a dev dependency), printed as a call tree
(its header's CPU time against the duration says how much was spent waiting on PostgreSQL).

    .venv/bin/python bench/profile_page.py /sections/yaowen/ /regions/hebei/
    .venv/bin/python bench/profile_page.py --editor /admin/articles/article/

Each path is requested once to warm up (templates, the connection), then once under the
profiler. Run bench/load_bench.py once first: production settings need collectstatic's manifest.
"""

import argparse
import os
import secrets
import sys

from load_bench import DEFAULT_DATABASE, Abort, check_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="e.g. /sections/yaowen/?page=500")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--editor", action="store_true", help="logged in as bench-editor")
    parser.add_argument("--interval", type=float, default=0.001, help="sampling interval (s)")
    args = parser.parse_args()
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("profile_page: 需要 pyinstrument：scripts/bootstrap dev")
    os.environ.pop("REDIS_URL", None)  # the page cache stays off: the page itself is profiled
    try:
        check_database(args.database_url)
        setup_django(
            {
                "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": args.database_url,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "DEBUG": "false",
                "PAGE_CACHE_SECONDS": "0",
            }
        )
    except Abort as reason:
        sys.exit(f"profile_page: {reason}")
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    if args.editor:
        client.force_login(get_user_model().objects.get(username="bench-editor"))
    for path in args.paths:
        client.get(path)
        profiler = Profiler(interval=args.interval)
        with CaptureQueriesContext(connection) as queries, profiler:
            response = client.get(path)
        in_database = sum(float(query["time"]) for query in queries) * 1000
        print(f"## {path} → {response.status_code}：{len(queries)} 个查询，共 {in_database:.0f} ms")
        print(profiler.output_text(unicode=True, color=False))
    client.logout()  # the session row goes too


if __name__ == "__main__":
    main()
