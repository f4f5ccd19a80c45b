#
# Varnish 7 in front of gunicorn for the readers' pages (README "Behind Varnish").
#
# Readers' pages are kept until the app purges them: every page, feed and sitemap names what
# it was made from in its `xkey` header (article:123 section:5 list:latest nav …), and after
# a change commits the app sends `PURGE /` with `xkey-purge: <tags>` (newsroom/varnish.py),
# which removes exactly the objects carrying one of them. The purge is a hard one: a
# withdrawn story's page is gone at once, never served again from grace.
#
# Needs Debian's varnish and varnish-modules (vmods xkey and var).
# Check it with: varnishd -C -f default.vcl
# Lines to adapt to a deployment: the backend's host and port and its probe's Host, the
# purgers' addresses and the admin's prefix (ADMIN_URL).

vcl 4.1;

import std;
import var;
import xkey;

backend gunicorn {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 1s;
    # gunicorn's own timeout (newsroom/gunicorn.conf.py) is 30 s.
    .first_byte_timeout = 35s;
    .between_bytes_timeout = 10s;
    # Sick while /healthz keeps failing (the database is away): readers then get pages from
    # grace for hours instead of errors. Six failures of the last eight (12 s or more) make
    # it sick, so one slow answer under load does not; three good ones make it healthy again.
    # Host must be one of ALLOWED_HOSTS, and the X-Forwarded-Proto spares the probe
    # production's HTTPS redirect.
    .probe = {
        .request =
            "GET /healthz HTTP/1.1"
            "Host: localhost"
            "X-Forwarded-Proto: https"
            "User-Agent: varnish-probe"
            "Connection: close";
        .interval = 2s;
        .timeout = 2s;
        .window = 8;
        .threshold = 3;
        # Healthy from the start: requests go to gunicorn while the first probes run.
        .initial = 3;
    }
}

# Who may purge: this host and the app servers (add their addresses or subnet here).
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header missing"));
        }
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        # A page being made right now may have read the rows from before the change, and it
        # is not in the cache yet to be purged: such a page is not kept (vcl_backend_response).
        var.global_set("purged_at", "" + std.integer(real=(std.real(time=now) - 1700000000) * 1000000));
        return (synth(200, "Purged"));
    }

    # Tags go to clients only when asked for from a purger's address.
    if (req.http.X-Cache-Debug && client.ip !~ purgers) {
        unset req.http.X-Cache-Debug;
    }

    # The desk, previews, accounts and health checks: straight to gunicorn, cookies and all.
    # The admin's prefix is ADMIN_URL (default admin/): with ADMIN_URL=desk-7f3k/ this line
    # reads "^/desk-7f3k/". The admin answers no-cache and a logged-in desk carries the
    # session cookie, so a prefix out of step only costs an anonymous admin request its
    # cookies, never a cached admin page.
    if (req.url ~ "^/admin/") {
        return (pass);
    }
    if (req.url ~ "^/(preview|accounts)/" || req.url ~ "^/(healthz|ping)(\?|$)") {
        return (pass);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        # POSTs (and anything else) keep their cookies: a form needs its CSRF cookie.
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        # Someone logged in: pages may be made for them.
        return (pass);
    }
    # Readers' pages do not read cookies (answers that set one are not kept, below), and the
    # site speaks one language, so neither may split the cache.
    unset req.http.Cookie;
    unset req.http.Accept-Language;

    # Trackers' parameters name no different page: one object for /?utm_source=a and /.
    # Never one the app reads: page q order section region theme start end.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "(?i)([?&])(utm_[a-z0-9_]*|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|spm|from|isappinstalled)(=[^&]*)?(?=&|$)",
            "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]$", "");
        set req.url = std.querysort(req.url);
    }

    # Grace: while gunicorn is healthy an expired page is served for 30 s more while it is
    # fetched again in the background; while it is sick, for as long as it is kept (6 h).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    # On to the built-in vcl_recv: GET and HEAD without Authorization are looked up.
}

sub vcl_hash {
    # Behind the TLS proxy: a redirect to https made for an http request must never be
    # served to an https one (the proxy overwrites X-Forwarded-Proto, README).
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_fetch {
    # Microseconds since November 2023, as the purge's time is kept: a global holds text, a
    # REAL prints to the millisecond only and std.real() reads 14 digits as 0, VCL's
    # integers stop at 10^15 (and var's at 2^31).
    var.set_real("fetch_started", (std.real(time=now) - 1700000000) * 1000000);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (std.integer(var.global_get("purged_at"), 0)
        >= std.integer(real=var.get_real("fetch_started"))) {
        # A purge came while this page was being made (see vcl_recv): it goes to whoever
        # asked for it, and is fetched again for the next reader.
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        # Keep serving the page in grace rather than the error.
        return (abandon);
    }
    # Set-Cookie, Cache-Control private / no-cache / no-store, max-age=0, Vary: *: not kept
    # (hit-for-miss), as Varnish's built-in rules decide.
    call vcl_builtin_backend_response;

    if (beresp.http.Cache-Control ~ "(?i)s-maxage") {
        # The app's word for shared caches (Varnish has read it into beresp.ttl).
    } else if (beresp.http.xkey) {
        # Tagged answers are purged when what they show changes: keep them long.
        set beresp.ttl = 1h;
    } else if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        # Nothing would purge it and the app said nothing (a 404, a redirect): briefly.
        set beresp.ttl = 10s;
    }
    set beresp.grace = 6h;
    # Past grace, revalidate with If-None-Match / If-Modified-Since (the app answers 304).
    set beresp.keep = 1h;
    if (beresp.http.Content-Type ~ "(?i)^(text/|application/(rss\+|atom\+)?xml|application/json)") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The tags are for caches, not readers. With a CDN in front of Varnish, keep
    # Surrogate-Key / Cache-Tag for it instead.
    if (!req.http.X-Cache-Debug) {
        unset resp.http.xkey;
        unset resp.http.Surrogate-Key;
        unset resp.http.Cache-Tag;
    }
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        if (req.http.xkey-purged) {
            # How many objects went.
            set resp.http.xkey-purged = req.http.xkey-purged;
        }
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        # Keep serving the page in grace.
        return (abandon);
    }
    # gunicorn unreachable or sick, and nothing in grace: the same words as templates/503.html.
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "30";
    set beresp.http.Cache-Control = "no-store";
    set beresp.body = {"<!doctype html>
<html lang="zh-Hans">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>暂时无法访问</title></head>
<body><h1>暂时无法访问</h1><p>网站正在恢复服务，稿件暂时无法显示。请稍后刷新页面，通常几分钟内即可恢复。</p><p><a href="/">返回首页</a></p></body>
</html>
"};
    return (deliver);
}
