"""Importing a print page: drafts linked to one stored page, never twice, all or nothing."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles import printpage, services
from articles.models import BODY_MAX_CHARS, Article, Author, PrintPage
from articles.printpage.importer import print_page_import
from tests.factories import make_author

pytestmark = pytest.mark.django_db

PAGE = (Path(__file__).parent / "print_pages" / "openers.txt").read_bytes()


def _import(**options):
    return print_page_import(
        data=options.pop("data", PAGE), print_date=date(2026, 11, 20), page=5, **options
    )


def test_import_makes_one_draft_per_story_linked_to_the_page(section):
    """Five stories become five drafts, each pointing at the stored page with its original text."""
    report = _import(section=section)
    page = PrintPage.objects.get()
    drafts = Article.objects.filter(print_page=page)
    assert drafts.count() == len(report.stories) == 5
    assert set(drafts.values_list("status", flat=True)) == {Article.Status.DRAFT}
    assert page.source_text == PAGE.decode()
    assert (page.print_date, page.page, page.section) == (date(2026, 11, 20), 5, section)


def test_import_never_publishes(section):
    """Readers see none of the imported stories."""
    _import(section=section)
    assert not Article.objects.published().exists()


def test_imported_draft_carries_headline_bylines_and_suggestions(section):
    """The 本报记者 story keeps its two reporters, its headline and its suggested regions."""
    _import(section=section)
    draft = Article.objects.get(headline="京津冀政务服务“跨省通办”事项扩至236项")
    assert [(b.author.name, b.role) for b in draft.bylines.all()] == [
        ("孙晓彤", "reporter"),
        ("李明轩", "reporter"),
    ]
    assert draft.source_line == "本报记者"
    assert {"beijing", "tianjin", "hebei"} <= set(draft.regions.values_list("slug", flat=True))


def test_an_author_on_file_is_reused(section):
    """A byline name already on file is that author, not a namesake."""
    existing = make_author(name="韩蕾")
    _import(section=section)
    assert Author.objects.filter(name="韩蕾").count() == 1
    assert existing.bylines.count() == 1


def test_the_same_page_twice_creates_nothing_new(section):
    """A second import of the same text says so and adds nothing."""
    _import(section=section)
    report = _import(section=section)
    assert report.duplicate
    assert "已经导入过" in report.lines()[0]
    assert (PrintPage.objects.count(), Article.objects.count()) == (1, 5)


def test_dry_run_writes_nothing(section):
    """--dry-run reports the stories and leaves the database as it was."""
    report = _import(section=section, dry_run=True)
    assert len(report.stories) == 5 and "试运行" in report.lines()[0]
    assert (PrintPage.objects.count(), Article.objects.count()) == (0, 0)


def test_a_failure_half_way_leaves_no_half_import(section, monkeypatch):
    """If the fourth draft cannot be saved, no page and no draft remain."""
    real_create = services.article_create
    calls = []

    def failing_create(**kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "article_create", failing_create)
    with pytest.raises(RuntimeError):
        _import(section=section)
    assert (PrintPage.objects.count(), Article.objects.count()) == (0, 0)


def test_the_report_lists_each_story(section):
    """The report names every story's headline, byline, length and suggestions."""
    lines = _import(section=section).lines()
    assert lines[0] == "找到 5 篇稿件："
    assert "城市副中心至燕郊再开三条跨省公交｜韩蕾｜" in lines[1]
    assert "地区：" in lines[1] and "主题：" in lines[1] and "已建草稿 #" in lines[1]


def test_a_page_without_opener_is_one_draft_with_a_warning(section):
    """No opener: the whole page becomes one draft with a proposed headline, and a warning."""
    data = (Path(__file__).parent / "print_pages" / "no_opener.txt").read_bytes()
    report = _import(section=section, data=data)
    assert Article.objects.count() == 1
    assert report.stories[0]["headline_proposed"]
    assert any("没有找到稿件开头" in line for line in report.lines())


# --- The command -----------------------------------------------------------------------------


def _command(*args) -> str:
    out = StringIO()
    call_command("import_print_page", *args, stdout=out)
    return out.getvalue()


def test_command_imports_and_reports(section, tmp_path):
    """The command prints the report and makes the drafts in the chosen section."""
    path = tmp_path / "page.txt"
    path.write_bytes(PAGE)
    output = _command(str(path), "--date", "2026-11-20", "--page", "3", "--section", "xietong")
    assert "找到 5 篇稿件" in output
    assert PrintPage.objects.get().page == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-40"], "不是 YYYY-MM-DD"),
        (["--section", "no-such"], "没有网址名"),
        (["--page", "0"], "正整数"),
    ],
    ids=["date", "section", "page"],
)
def test_command_refuses_bad_options_in_one_line(section, tmp_path, args, message):
    """Bad options stop the command with one line of why, and nothing is imported."""
    path = tmp_path / "page.txt"
    path.write_bytes(PAGE)
    with pytest.raises(CommandError, match=message):
        _command(str(path), *args)
    assert not PrintPage.objects.exists()


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01binary", b"\xff\xfe" * 100], ids=["empty", "binary", "encoding"]
)
def test_command_refuses_files_that_are_not_pages(section, tmp_path, data):
    """Empty, binary or undecodable files end with a one-line CommandError."""
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    with pytest.raises(CommandError) as error:
        _command(str(path))
    assert "\n" not in str(error.value)
    assert not Article.objects.exists()


def test_command_refuses_a_missing_file():
    """A path that does not exist is one line, not a traceback."""
    with pytest.raises(CommandError, match="读不到文件"):
        _command("/no/such/page.txt")


# --- The admin ---------------------------------------------------------------------------------


def test_editor_imports_a_page_from_the_admin(client, section, people):
    """The upload form imports the page and shows the report."""
    client.force_login(people["editor"])
    response = client.post(
        reverse("admin:articles_printpage_add"),
        {
            "file": SimpleUploadedFile("page.txt", PAGE, content_type="text/plain"),
            "print_date": "2026-11-20",
            "page": "2",
            "section": section.pk,
        },
    )
    assert response.status_code == 200
    assert "找到 5 篇稿件" in response.content.decode()
    assert Article.objects.filter(print_page__page=2).count() == 5


def test_admin_shows_a_form_error_for_a_binary_upload(client, section, people):
    """A file that is not a page is a form error; nothing is imported."""
    client.force_login(people["editor"])
    response = client.post(
        reverse("admin:articles_printpage_add"),
        {
            "file": SimpleUploadedFile("page.bin", b"\x00\x01\x02", content_type="text/plain"),
            "print_date": "2026-11-20",
            "page": "1",
        },
    )
    assert response.status_code == 200
    assert "二进制" in response.content.decode()
    assert not PrintPage.objects.exists()


def test_reporters_cannot_import(client, section, people):
    """Importing is for editors and duty editors: a reporter gets 403."""
    client.force_login(people["reporter"])
    response = client.get(reverse("admin:articles_printpage_add"))
    assert response.status_code == 403


def test_the_service_checks_the_permission_too(section, people):
    """A reporter calling the service directly is refused as well."""
    with pytest.raises(services.TransitionRefused):
        _import(section=section, user=people["reporter"])
    assert not PrintPage.objects.exists()


def test_size_limit_is_checked_before_reading_the_page(section):
    """A file over the limit is refused with the limit in the message."""
    with pytest.raises(printpage.PrintPageError, match="上限"):
        _import(section=section, data=b"x" * (printpage.MAX_BYTES + 1))


def test_a_story_over_the_body_limit_stops_the_import_with_a_reason(section):
    """A page whose story runs past BODY_MAX_CHARS (a missed opener) is refused whole."""
    line = "京津冀三地协同推进产业转移和公共服务共建共享。\n"
    page = "三地协同发展再提速\n本报讯 记者 张三 " + line * (BODY_MAX_CHARS // 23 + 10)
    with pytest.raises(
        printpage.PrintPageError, match=r"第 1 篇稿件正文过长：\d+ 字，上限 50000 字"
    ):
        _import(section=section, data=page.encode())
    assert not PrintPage.objects.exists() and not Article.objects.exists()
