"""The load benchmark's own parsing and reporting (the run itself needs wrk and PostgreSQL)."""

import math

from bench.load_bench import Page, feed_path, parse_wrk, row

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:41234/sections/yaowen/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   180.12ms   95.40ms   1.20s    88.00%
    Req/Sec    44.10     10.20    60.00     70.00%
  Latency Distribution
     50%  152.30ms
     75%  201.00ms
     90%  300.00ms
     99%    1.02s
  221 requests in 5.01s, 9.80MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:     44.11
Transfer/sec:      1.96MB
"""


def test_parse_wrk_reads_rate_percentiles_and_errors():
    """Requests/sec, p50 and p99 in ms whatever wrk's unit, and both kinds of error."""
    result = parse_wrk(WRK_OUTPUT)
    assert result == {
        "rps": 44.11,
        "requests": 221,
        "p50": 152.3,
        "p99": 1020.0,
        "non_2xx_3xx": 7,
        "socket_errors": 5,
        "timeouts": 3,
    }


def test_parse_wrk_without_latency_lines_gives_no_latency():
    """A run that printed no distribution has no p50 rather than a made-up zero."""
    result = parse_wrk("  0 requests in 5.00s, 0.00B read\nRequests/sec:      0.00\n")
    assert (result["requests"], result["rps"]) == (0, 0.0)
    assert math.isnan(result["p50"])


def test_feed_path_comes_from_the_home_pages_rss_link():
    """The feed is found as the home page announces it; an absolute href gives its path."""
    home = (
        '<head><link rel="stylesheet" href="/static/site.css">'
        '<link rel="alternate" type="application/rss+xml" title="最新"'
        ' href="http://127.0.0.1:8000/feeds/latest/?v=1"></head>'
    )
    assert feed_path(home) == "/feeds/latest/?v=1"
    assert feed_path("<head><title>首页</title></head>") is None


def test_a_page_with_errors_stands_out():
    """Non-2xx answers and socket errors are flagged in bold in the page's row."""
    run = {
        "rps": 10.0,
        "requests": 50,
        "p50": 90.0,
        "p99": 300.0,
        "non_2xx_3xx": 4,
        "socket_errors": 1,
        "timeouts": 1,
        "seconds": 5,
    }
    page = Page("tag", "标签页", "/tags/x/", status=200, queries="5", runs=[run])
    assert row(page, ceiling=1000.0).endswith("| **⚠ 非 2xx/3xx 4；套接字 1（超时 1）** |")


def test_a_page_too_slow_for_a_run_says_so():
    """A page whose single request outlasts a run is not loaded, and its row says why."""
    page = Page("article", "稿件页", "/articles/1/", queries="8", skipped="单次请求 31.6 s")
    assert "**⚠ 单次请求 31.6 s**" in row(page, ceiling=1000.0)
