"""The template benchmark compares like with like: its Jinja2 templates give the project's HTML."""

import pytest

from bench import template_bench
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_jinja2_templates_give_the_same_html_as_the_project(capsys):
    """Run on a few stories, the benchmark finds both engines' HTML equal and prints a row for
    the page around a list and one for its cards (it stops with a message when they differ)."""
    for number in range(3):
        make_article(headline=f"模板基准第{number}篇", summary="京津冀三地协同推进相关工作。")
    template_bench.main(["--renders", "8", "--runs", "1"])
    table = capsys.readouterr().out
    assert "| 页面外壳（每个请求都渲染） |" in table
    assert "| 20 张稿件卡片（片段里，内容变了才渲染） |" in table
