"""gunicorn configuration; every value can be overridden from the environment.

Workers and threads are chosen by measurement (bench/load_bench.py, README "Benchmark"): with
threads, a worker keeps its keep-alive connections, and with few busy connections the kernel
often hands them all to one worker, leaving the other core idle (gthread 2 × 4 or 2 × 1: the
article page at 500–700 or 1,100–1,300 req/s from one run to the next; /ping 1,100–3,000).
Sync workers take one request at a time, so a free worker always takes the next one: steady
figures at the best of those (article 1,100–1,250 req/s, /ping 2,700–3,050). Two per core:
pages that wait on PostgreSQL (search) are as fast with 2 or 4, and a slow request then holds
a quarter of the server instead of half.

Sync workers are made to sit behind a buffering proxy (the load balancer or nginx of README
"Scaling out"): a client that opens a connection and sends nothing holds a worker until
`timeout`. Serving browsers directly (scripts/serve, the browser tests), use
GUNICORN_WORKER_CLASS=gthread.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4" if worker_class == "gthread" else "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
