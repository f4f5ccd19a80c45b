"""Property-based tests (hypothesis): arbitrary text in the search query and its filters, page
numbers, URL slugs, dates and the print-page importer never makes a 500, and never changes the
database where nothing should change."""

import datetime
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from articles import printpage
from articles.models import Article, Author, PrintPage, SearchEntry, WorkflowEvent
from articles.printpage.importer import print_page_import
from tests.factories import make_article

pytestmark = pytest.mark.django_db

# Bounded, so that the suite stays fast; a function-scoped database is shared by the examples
# of one test, which is what "never changes the database" needs anyway.
BOUNDED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Anything a browser or a script can put in a URL or a form: every printable or control
# character, Chinese, markup characters; no surrogates (they cannot be encoded in a URL).
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60) | st.sampled_from(
    ["", "0", "-1", "9" * 30, "1e5", "2024-02-30", "\x00", "../..", "%00", "雄安"]
)


def _rows() -> dict[str, int]:
    """How many rows the tables that readers' requests must never write to hold."""
    from taggit.models import Tag

    models = (Article, Author, SearchEntry, WorkflowEvent, PrintPage, Version, Tag)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def desk(db):
    make_article(headline="雄安新区迎来首批疏解企业", tags=["疏解"], regions=["xiongan"])
    make_article(headline="京津冀三地共建知识产权保护分中心", themes=["zhishichanquan"])
    return _rows()


def _get(path: str, params: dict | None = None):
    client = Client(raise_request_exception=True)
    return client.get(path + ("?" + urlencode(params) if params else ""))


@BOUNDED
@given(q=TEXT, section=TEXT, region=TEXT, theme=TEXT, order=TEXT, page=TEXT)
@example(q="\x00", section="", region="", theme="", order="", page="")
@example(q='"雄安', section="", region="", theme="", order="date", page="99999999999999999999")
def test_search_answers_any_query_and_filters_without_error(
    desk, q, section, region, theme, order, page
):
    """Any query and filter values: 200, 400 (a form error) or 404 (no such page), nothing else."""
    response = _get(
        "/search/",
        {
            "q": q,
            "section": section,
            "region": region,
            "theme": theme,
            "order": order,
            "page": page,
        },
    )
    assert response.status_code in (200, 400, 404)
    assert _rows() == desk


@BOUNDED
@given(start=TEXT, end=TEXT)
@example(start="2024-02-30", end="0000-01-01")
@example(start="9999-12-31", end="1-1-1")
def test_search_answers_any_dates(desk, start, end):
    """Impossible, reversed or malformed dates are a form error or no results, never a 500."""
    response = _get("/search/", {"q": "雄安", "start": start, "end": end})
    assert response.status_code in (200, 400)
    assert _rows() == desk


LISTS = ["/", "/sections/{s}/", "/tags/疏解/", "/regions/xiongan/", "/themes/zhishichanquan/"]


@BOUNDED
@given(page=TEXT, which=st.sampled_from(LISTS))
@example(page="0", which="/")
@example(page="-1", which="/tags/疏解/")
@example(page="last", which="/regions/xiongan/")
def test_lists_answer_any_page_number(desk, page, which):
    """A list's ?page= is a page, or 404: never a 500."""
    path = which.format(s=Article.objects.first().section.slug)
    response = _get(path, {"page": page})
    assert response.status_code in (200, 404)
    assert _rows() == desk


SLUGGED = [
    "/sections/{}/",
    "/tags/{}/",
    "/tags/{}/feed/",
    "/regions/{}/",
    "/themes/{}/feed/atom/",
    "/authors/{}/",
    "/articles/{}/",
    "/articles/2024/01/01/1-{}/",
    "/preview/{}/",
    "/sitemaps/{}.xml",
]


@BOUNDED
@given(slug=TEXT.filter(lambda text: text not in ("", ".", "..")), pattern=st.sampled_from(SLUGGED))
@example(slug="%2e%2e", pattern="/tags/{}/")
@example(slug="9" * 30, pattern="/articles/{}/")
def test_slugged_addresses_answer_any_slug(desk, slug, pattern):
    """Whatever stands where a slug or id goes: an answer below 500 (404, or a redirect)."""
    response = _get(pattern.format(quote(slug, safe="")))
    assert response.status_code < 500
    if "\x00" in slug:
        assert response.status_code == 400
    assert _rows() == desk


@BOUNDED
@given(
    year=st.integers(min_value=0, max_value=99999),
    month=st.integers(min_value=0, max_value=99),
    day=st.integers(min_value=0, max_value=99),
    pk=st.integers(min_value=0, max_value=2**70),
)
@example(year=2024, month=2, day=30, pk=1)
@example(year=1, month=1, day=1, pk=2**63)
def test_article_addresses_answer_any_date_and_id(desk, year, month, day, pk):
    """Impossible dates and ids beyond any integer column are a 404 or a redirect."""
    response = _get(f"/articles/{year:04d}/{month:02d}/{day:02d}/{pk}-x/")
    assert response.status_code in (301, 404, 410)
    assert _rows() == desk


PAGE_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400) | st.lists(
    st.sampled_from(
        ["本报讯 雷嘉 ", "□ 刘兵", "雄安新区", "。", "\n", "\n\n", "《", "》", "“", "12", "."]
    ),
    max_size=80,
).map("".join)


@BOUNDED
@given(data=PAGE_TEXT.map(lambda text: text.encode()) | st.binary(max_size=400))
@example(data=b"")
@example(data=b"\xff\xfe\x00")
@example(data="本报讯".encode("gb18030"))
def test_a_dry_run_import_of_any_bytes_changes_nothing(desk, data):
    """Any bytes: a report or a one-line refusal, and a dry run writes nothing."""
    try:
        report = print_page_import(data=data, print_date=datetime.date(2023, 11, 20), dry_run=True)
    except printpage.PrintPageError as refusal:
        assert str(refusal) and "\n" not in str(refusal)
    else:
        assert report.lines()
    assert _rows() == desk


@BOUNDED
@given(data=PAGE_TEXT.map(lambda text: text.encode()) | st.binary(max_size=400))
# Found by hypothesis: a byline printed twice in one opener was two identical bylines (a 500).
@example(data="本报讯\t㐯㐀\u2000㐀㐀\t㐯㐀\tကࠀကကࠀ".encode())
def test_importing_any_bytes_makes_only_drafts_from_one_page_or_nothing(desk, data):
    """A real import makes drafts linked to one new page, or (refused, or already imported)
    nothing at all."""
    before = _rows()
    try:
        report = print_page_import(data=data, print_date=datetime.date(2023, 11, 20))
    except printpage.PrintPageError:
        assert _rows() == before
        return
    after = _rows()
    if report.duplicate:
        assert after == before
        return
    made = Article.objects.filter(print_page=report.print_page)
    assert after["PrintPage"] == before["PrintPage"] + 1
    assert after["Article"] == before["Article"] + made.count()
    assert set(made.values_list("status", flat=True)) <= {Article.Status.DRAFT}
    assert not Article.objects.published().filter(print_page=report.print_page).exists()


@pytest.fixture
def editor_client(db):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        "bianji", "", "jingjinji-bianji-2026", is_staff=True
    )
    user.groups.add(Group.objects.get(name="编辑"))
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


@BOUNDED
@given(data=st.binary(max_size=300), date=TEXT, page=TEXT)
@example(data=b"\x00" * 10, date="2023-02-30", page="0")
def test_the_admin_import_form_answers_any_upload(desk, editor_client, data, date, page):
    """The admin's import page answers any file, date and page number with a page, never a 500;
    a dry run writes nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = editor_client.post(
        "/admin/articles/printpage/add/",
        {
            "file": SimpleUploadedFile("page.txt", data),
            "print_date": date,
            "page": page,
            "dry_run": "on",
        },
    )
    assert response.status_code == 200
    assert _rows()["Article"] == desk["Article"]
