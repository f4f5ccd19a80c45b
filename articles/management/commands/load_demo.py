from django.conf import settings
from django.core.management.base import BaseCommand

from articles.demo.loader import load_demo


class Command(BaseCommand):
    help = "载入演示内容：栏目、作者、稿件（含一篇草稿和一篇定时稿）以及本地后台账号。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin",
            action="store_true",
            help="即使 DEBUG 关闭也创建本地后台账号（默认只在 DEBUG 开启时创建）",
        )

    def handle(self, *args, **options):
        report = load_demo(create_admin=settings.DEBUG or options["admin"])
        if options["verbosity"] == 0:
            return
        if report.changed:
            for line in report.created:
                self.stdout.write(f"  新建 {line}")
            self.stdout.write(
                self.style.SUCCESS(f"演示内容已载入：新建 {len(report.created)} 项。")
            )
        else:
            self.stdout.write("演示内容已存在，没有改动。")
        if report.admin_note:
            self.stdout.write(self.style.WARNING(report.admin_note))
