"""Every place where text typed by the desk (or a reader) is shown back escapes it; the body is
sanitised. Each test types hostile markup into one field and reads every page that shows it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from taggit.models import Tag

from articles import services
from articles.models import Article, Author, Correction
from tests import pages
from tests.factories import make_article, make_author

from .hostile import ONE_LINE, PAYLOADS, hostile_markup

pytestmark = pytest.mark.django_db


def _reader_pages(client, article: Article) -> dict[str, bytes]:
    """Every reader's page (and feed) that shows the article or its relations."""
    author = article.bylines.first().author
    tag = article.tags.first()
    paths = {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "section": reverse("articles:section", kwargs={"slug": article.section.slug}),
        "author": author.get_absolute_url(),
        "region": reverse("regions:region", kwargs={"slug": "xiongan"}),
        "theme": reverse("regions:theme", kwargs={"slug": "rencai"}),
        "feed": reverse("articles:feed"),
        "atom": reverse("articles:feed-atom"),
        "search": reverse("articles:search") + "?q=雄安",
    }
    if tag:
        paths["tag"] = reverse("articles:tag", kwargs={"slug": tag.slug})
    found = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, (name, path)
        found[name] = response.content
    return found


def _assert_inert(client, article: Article) -> None:
    for name, content in _reader_pages(client, article).items():
        if name in ("feed", "atom"):
            continue  # XML: checked as feed readers read it below
        assert hostile_markup(content) == [], name
        pages.json_ld(content)  # every JSON-LD block still parses
    _assert_feeds_inert(client)


def _assert_feeds_inert(client) -> None:
    """In a feed, titles are text and the HTML parts hold no active markup once decoded."""
    import feedparser

    for path in (reverse("articles:feed"), reverse("articles:feed-atom")):
        feed = feedparser.parse(client.get(path).content)
        for entry in feed.entries:
            html = " ".join(part.value for part in entry.get("content", []))
            assert hostile_markup(html + entry.get("summary", "")) == [], entry.title


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def _article(**fields) -> Article:
    defaults = {
        "headline": "雄安新区迎来首批疏解企业",
        "tags": ["疏解"],
        "regions": ["xiongan"],
        "themes": ["rencai"],
    }
    return make_article(**(defaults | fields))


@pytest.mark.parametrize(
    "field", ["headline", "kicker", "deck", "summary", "source_line", "dateline"]
)
def test_article_text_fields_are_escaped_everywhere(client, field):
    """Headline, kicker, deck, summary, source line and dateline are text on every page."""
    limit = Article._meta.get_field(field).max_length or 10_000
    value = "雄安" + ONE_LINE[: limit - 2]
    article = _article(**{field: value})
    assert getattr(Article.objects.get(pk=article.pk), field) == value  # kept as typed
    _assert_inert(client, article)


def test_lead_image_caption_and_credit_are_escaped(client):
    """The caption and credit under a lead image are text."""
    article = _article(
        lead_image=SimpleUploadedFile("lead.png", _png(), content_type="image/png"),
        lead_image_caption=ONE_LINE[:300],
        lead_image_credit=PAYLOADS[1],
    )
    page = client.get(article.get_absolute_url()).content
    assert hostile_markup(page) == []
    assert b"&lt;script&gt;" in page


def test_author_name_and_bio_are_escaped(client):
    """An author's name and bio are text on the article, the author's page and its feed."""
    author = make_author(name="雷嘉<b>", bio=ONE_LINE)
    article = _article(authors=[(author, "reporter")])
    _assert_inert(client, article)
    feed = client.get(reverse("articles:author-feed", kwargs={"slug": author.slug})).content
    assert b"<script>" not in feed


def test_tag_names_are_escaped(client):
    """A tag named with markup is text on its page, the article and in the feed."""
    article = _article(tags=[PAYLOADS[0], PAYLOADS[2]])
    for tag in Tag.objects.all():
        page = client.get(reverse("articles:tag", kwargs={"slug": tag.slug}))
        assert page.status_code == 200
        assert hostile_markup(page.content) == []
    _assert_inert(client, article)


def test_correction_text_is_escaped(client):
    """A correction's text is shown as text under the story."""
    article = _article()
    services.article_add_correction(article=article, kind=Correction.Kind.CORRECTION, text=ONE_LINE)
    page = client.get(article.get_absolute_url()).content
    assert hostile_markup(page) == []
    assert b"&lt;script&gt;alert(" in page  # shown, as text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_body_is_sanitised(client, payload):
    """Scripts, handlers, javascript: links and broken markup leave the body; its text stays."""
    article = _article(body=f"<p>雄安新区正文{payload}</p><p>第二段")
    stored = Article.objects.get(pk=article.pk).body
    assert hostile_markup(stored) == []
    assert "雄安新区正文" in stored
    _assert_inert(client, article)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_search_query_is_escaped(client, payload):
    """Whatever a reader searches for is shown back as text, in the box and the heading."""
    _article()
    response = client.get(reverse("articles:search"), {"q": f"雄安 {payload}"})
    assert response.status_code == 200
    assert hostile_markup(response.content) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_filters_are_escaped(client, payload):
    """Unknown filter values never come back as markup either."""
    response = client.get(
        reverse("articles:search"), {"q": "雄安", "section": payload, "order": payload}
    )
    assert response.status_code in (200, 400)
    assert hostile_markup(response.content) == []


def test_the_print_page_import_report_is_escaped(admin_client):
    """Headlines and bylines read from an uploaded page are text in the import report."""
    from tests.factories import make_section

    make_section(name="协同发展", slug="xietong")
    text = (
        "雄安新区<script>alert(1)</script>迎来首批疏解企业\n"
        '本报讯 雷嘉 雄安新区<img src=x onerror="alert(1)">今天迎来首批疏解企业。\n'
    ).encode()
    upload = SimpleUploadedFile("page.txt", text, content_type="text/plain")
    response = admin_client.post(
        reverse("admin:articles_printpage_add"),
        {"file": upload, "print_date": "2023-11-20", "page": 5},
    )
    assert response.status_code == 200
    assert "找到 1 篇稿件".encode() in response.content
    assert hostile_markup(response.content) == []
    page = Article.objects.get().print_page
    saved = admin_client.get(reverse("admin:articles_printpage_change", args=[page.pk]))
    assert saved.status_code == 200
    assert hostile_markup(saved.content) == []


def test_the_admin_shows_hostile_fields_as_text(admin_client):
    """The desk's own pages escape the same fields: the article list, form and history."""
    article = _article(headline=ONE_LINE[:120], deck=ONE_LINE[:200])
    Author.objects.update(bio=ONE_LINE)
    for path in (
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:index"),
    ):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert hostile_markup(response.content) == [], path


def test_a_crafted_path_is_never_shown_back_as_markup(client):
    """A path full of markup answers 404 (or a redirect) without echoing it as markup."""
    for path in (
        "/articles/2024/01/01/1-%3Cscript%3Ealert(1)%3C/script%3E/",
        "/tags/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/%3Csvg%20onload=alert(1)%3E/",
    ):
        response = client.get(path)
        assert response.status_code in (301, 404), path
        assert hostile_markup(response.content) == [], path
