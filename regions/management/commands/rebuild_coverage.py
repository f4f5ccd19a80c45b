import time

from django.core.management.base import BaseCommand

from regions import coverage


class Command(BaseCommand):
    help = "按稿件重新统计报道覆盖汇总表（每天 × 地区 × 主题的已发布稿件数）。"

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = coverage.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"已重新统计：{rows} 行，用时 {time.monotonic() - started:.1f} 秒。")
        )
