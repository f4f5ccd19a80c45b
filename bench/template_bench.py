"""Which template engine for the readers' pages: Django's (DTL) against Jinja2, on what each
request still renders once its fragments come from the cache (the page around a list: head,
masthead, navigation, footer) and on what a fragment holds (twenty story cards).

    .venv/bin/python bench/template_bench.py            # 2,000 renders each, median of 5 runs

The Jinja2 templates here are written to give the same HTML as the project's templates for the
same context (the script checks that the two agree, ignoring whitespace). It needs a database
with published stories (the demo desk will do) and jinja2 (a dev dependency).
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHELL = """<!doctype html>
<html lang="zh-Hans">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ subject }}{% if page_number > 1 %}（第{{ page_number }}页）{% endif %} · {{ list_kind }} · {{ site_name }}</title>
  <meta name="description" content="{{ list_description }}">
  <link rel="canonical" href="{{ canonical_url }}">
  <meta property="og:site_name" content="{{ site_name }}">
  <meta property="og:locale" content="zh_CN">
  <meta property="og:type" content="website">
  <meta property="og:title" content="{{ subject }} · {{ site_name }}">
  <meta property="og:description" content="{{ list_description }}">
  <meta property="og:url" content="{{ canonical_url }}">
  <meta property="og:image" content="{{ request.scheme }}://{{ request.get_host() }}{{ static('share.png') }}">
  <meta name="twitter:card" content="summary">
  {% if structured_html %}{{ structured_html }}
  {% endif %}
  {% if list_feed %}<link rel="alternate" type="application/rss+xml" title="{{ list_feed.title }}（RSS）" href="{{ list_feed.rss }}">
  <link rel="alternate" type="application/atom+xml" title="{{ list_feed.title }}（Atom）" href="{{ list_feed.atom }}">
  {% endif %}<link rel="alternate" type="application/rss+xml" title="{{ site_feed.title }}（RSS）" href="{{ site_feed.rss }}">
  <link rel="alternate" type="application/atom+xml" title="{{ site_feed.title }}（Atom）" href="{{ site_feed.atom }}">
  <link rel="icon" href="{{ static('favicon.svg') }}" type="image/svg+xml">
  <link rel="stylesheet" href="{{ static('css/site.css') }}">
</head>
<body class="">
  <a class="skip-link" href="#main">跳到正文</a>
<header class="masthead">
  <div class="masthead__top">
    <p class="masthead__date">{{ today }}</p>
    <p class="masthead__brand"><a href="{{ url('articles:home') }}" rel="home">{{ site_name }}</a></p>
    <form class="masthead__search" role="search" method="get" action="{{ url('articles:search') }}">
      <label for="site-search" class="visually-hidden">搜索稿件</label>
      <input id="site-search" type="search" name="q" placeholder="搜索：知识产权、雄安…" value="">
      <button type="submit">搜索</button>
    </form>
  </div>
  <nav class="nav" aria-label="栏目">
    <ul>
      <li><a href="{{ url('articles:home') }}">首页</a></li>
      {% for section in nav_sections %}
      <li><a href="{{ section.url }}"{% if request.path == section.url %} aria-current="page"{% endif %}>{{ section.name }}</a></li>
      {% endfor %}
      <li><a href="{{ url('regions:overview') }}">京津冀</a></li>
    </ul>
  </nav>
</header>
  <main id="main" class="page">
<div class="layout">
  <div class="layout__main">{{ listing.main }}
</div>
</div>
  </main>
<footer class="site-footer">
  <p>{{ site_name }} · 报道北京、天津、河北协同发展</p>
  <p><a href="{{ url('regions:region', 'beijing') }}">北京</a> · <a href="{{ url('regions:region', 'tianjin') }}">天津</a> · <a href="{{ url('regions:region', 'hebei') }}">河北</a></p>
  <p class="feed-links">订阅全站：<a href="{{ site_feed.rss }}" type="application/rss+xml">RSS</a> · <a href="{{ site_feed.atom }}" type="application/atom+xml">Atom</a></p>
</footer>
</body>
</html>
"""

CARDS = """<div class="cards cards--list">
  {% for article in articles %}<article class="card">
  {% if article.kicker %}<p class="card__kicker">{{ article.kicker }}</p>{% endif %}
  <h2 class="card__headline"><a href="{{ article.get_absolute_url() }}">{{ article.headline }}</a></h2>
  {% if article.summary %}<p class="card__summary">{{ article.summary|truncatechars(120) }}</p>{% endif %}
  <p class="card__meta">
    <a class="card__section" href="{{ article.section.get_absolute_url() }}">{{ article.section.name }}</a>
    <time datetime="{{ article.published_at|date('c') }}">{{ article.published_at|date("n月j日 H:i") }}</time>
    {% for byline in article.bylines.all() %}<span class="card__author">{{ byline.author.name }}</span>{% endfor %}
  </p>
</article>
{% endfor %}
</div>
"""

CARDS_DTL = """<div class="cards cards--list">
  {% for article in articles %}{% include "includes/article_card.html" with level=2 %}
{% endfor %}
</div>
"""


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def jinja_environment():
    import jinja2
    from django.template.defaultfilters import date as date_filter
    from django.template.defaultfilters import truncatechars
    from django.templatetags.static import static
    from django.urls import reverse
    from django.utils import timezone

    def local_date(moment, format_string):
        # Django's templates show times in the current time zone by themselves; Jinja2 does not.
        return date_filter(timezone.localtime(moment), format_string)

    environment = jinja2.Environment(autoescape=True)
    environment.globals.update(static=static, url=lambda name, *args: reverse(name, args=args))
    environment.filters.update(date=local_date, truncatechars=truncatechars)
    return environment


def timed(render, count: int, runs: int) -> float:
    """Median over `runs` of the mean time of one render, in ms."""
    for _ in range(50):
        render()
    means = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(count):
            render()
        means.append((time.perf_counter() - started) / count * 1000)
    return statistics.median(means)


def same_html(one: str, other: str) -> bool:
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    return squeeze(one) == squeeze(other)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    setup()
    from django.contrib.auth.models import AnonymousUser
    from django.template import RequestContext, engines
    from django.template.loader import get_template
    from django.test import RequestFactory
    from django.urls import resolve
    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    from articles.models import Article, Section
    from articles.site import feeds
    from articles.site.context_processors import site
    from articles.templatetags.metadata import ld_json_blocks

    section = Section.objects.filter(articles__isnull=False).first()
    if section is None:
        sys.exit("template_bench: 数据库里没有稿件（先运行 manage.py load_demo）")
    request = RequestFactory().get(section.get_absolute_url(), HTTP_HOST="127.0.0.1")
    request.user = AnonymousUser()
    request.resolver_match = resolve(request.path)
    articles = list(Article.objects.published().for_listing()[:20])
    listing = {"main": "<p>（片段）</p>", "number": 1}
    context = {
        "subject": section,
        "list_kind": "栏目",
        "list_description": f"栏目“{section}”的最新报道。",
        "list_feed": feeds.feed_links(feeds.SectionFeed(), section),
        "listing": listing,
        "page_number": 1,
        "canonical_url": request.build_absolute_uri(section.get_absolute_url()),
        "structured_html": ld_json_blocks([{"@type": "CollectionPage", "name": section.name}]),
        "articles": articles,
    }
    site_context = site(request)
    list(site_context["nav_sections"])  # read once, as the fragment cache would hand it over
    jinja = jinja_environment()
    shell_j2 = jinja.from_string(SHELL)
    cards_j2 = jinja.from_string(CARDS)
    shell_dtl = get_template("articles/article_list.html")
    cards_dtl = engines["django"].from_string(CARDS_DTL)

    def render_shell_j2():
        today = date_format(timezone.localtime(), "Y年n月j日 l")
        return shell_j2.render({**site_context, **context, "request": request, "today": today})

    def render_cards_dtl():
        return cards_dtl.template.render(RequestContext(request, context))

    checks = {
        "页面外壳": (shell_dtl.render(context, request), render_shell_j2()),
        "20 张卡片": (render_cards_dtl(), cards_j2.render(context)),
    }
    for name, (dtl_html, j2_html) in checks.items():
        if os.environ.get("SHOW_DIFF"):
            import difflib

            print("\n".join(difflib.unified_diff(dtl_html.split("\n"), j2_html.split("\n"))))
        if not same_html(dtl_html, j2_html):
            sys.exit(f"template_bench: {name}的两种模板输出不一致，先修正脚本里的 Jinja2 模板")

    rows = [
        (
            "页面外壳（每个请求都渲染）",
            timed(lambda: shell_dtl.render(context, request), args.renders, args.runs),
            timed(render_shell_j2, args.renders, args.runs),
        ),
        (
            "20 张稿件卡片（片段里，内容变了才渲染）",
            timed(render_cards_dtl, max(1, args.renders // 4), args.runs),
            timed(lambda: cards_j2.render(context), max(1, args.renders // 4), args.runs),
        ),
    ]
    print("| 渲染 | Django 模板 ms | Jinja2 ms | Django / Jinja2 |")
    print("| --- | ---: | ---: | ---: |")
    for name, dtl, j2 in rows:
        print(f"| {name} | {dtl:.3f} | {j2:.3f} | {dtl / j2:.1f}× |")


if __name__ == "__main__":
    main()
