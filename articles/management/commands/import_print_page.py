from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import printpage
from articles.models import Section
from articles.printpage.importer import print_page_import


class Command(BaseCommand):
    help = "把一版报纸的 OCR 文本导入为草稿稿件（同一版重复导入不会新建稿件）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="OCR 文本文件（UTF-8 或 GB18030）")
        parser.add_argument("--date", help="见报日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--page", type=int, default=1, help="版次（默认 1）")
        parser.add_argument("--section", help="栏目网址名，例如 xietong（默认第一个栏目）")
        parser.add_argument("--dry-run", action="store_true", help="只显示会导入什么，不保存")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"读不到文件 {path}：{error.strerror}。") from None
        try:
            print_date = (
                date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            )
        except ValueError:
            raise CommandError(f"日期“{options['date']}”不是 YYYY-MM-DD 格式。") from None
        if options["page"] < 1:
            raise CommandError("--page 必须是正整数。")
        section = None
        if options["section"]:
            section = Section.objects.filter(slug=options["section"]).first()
            if section is None:
                raise CommandError(f"没有网址名为“{options['section']}”的栏目。")
        try:
            report = print_page_import(
                data=data,
                print_date=print_date,
                page=options["page"],
                section=section,
                dry_run=options["dry_run"],
            )
        except printpage.PrintPageError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
