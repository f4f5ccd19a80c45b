"""The story the readers' pages are tested on, and its reporter (the section is in
tests/articles/conftest.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from articles.models import Article
from tests.factories import make_article, make_author

PUBLISHED = datetime(2025, 3, 1, 17, 30, tzinfo=UTC)  # 2 March 01:30 in Beijing
EDITED = PUBLISHED + timedelta(hours=2)


@pytest.fixture
def reporter():
    return make_author(name="雷嘉")


@pytest.fixture
def story(section, reporter):
    """A fully dressed published story: kicker, deck, summary, a body with a relative link,
    source line and dateline, two bylines, a tag, a region and a theme. Published 2 March 2025
    01:30 Beijing time, last edited two hours later."""
    article = make_article(
        kicker="知识产权协同保护",
        headline="京津冀商标有效注册量达478.92万件",
        deck="三地联合发布知识产权白皮书",
        summary="京津冀三地商标有效注册量持续增长。",
        body='<p>三地市场监管部门当天联合发布数据。</p><p><a href="/sections/xietong/">更多报道</a></p>',
        source_line="本报讯",
        dateline="北京",
        section=section,
        authors=[(reporter, "reporter"), (make_author(name="高峰"), "photographer")],
        tags=["商标"],
        regions=["fengtai"],
        themes=["zhishichanquan"],
        published_at=PUBLISHED,
    )
    Article.objects.filter(pk=article.pk).update(updated_at=EDITED)
    article.updated_at = EDITED
    return article
