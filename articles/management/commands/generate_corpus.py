import os
import time

from django.core.management.base import BaseCommand, CommandError

from articles.demo import corpus


class Command(BaseCommand):
    help = "生成用于压测的合成稿件（由演示稿件的句子重新组合而成），并建立搜索索引。"

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="要生成的稿件数")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument("--batch", type=int, default=10000, help="每批写入的稿件数")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="PostgreSQL 上并行生成的进程数（默认每核一个；SQLite 总是一个）",
        )

    def handle(self, *args, **options):
        if min(options["articles"], options["batch"], options["workers"]) < 1:
            raise CommandError("--articles、--batch 和 --workers 必须是正整数。")
        started = time.monotonic()

        def progress(done):
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  {done} 篇（{rate:.0f} 篇/秒）")

        try:
            made = corpus.generate(
                articles=options["articles"],
                seed=options["seed"],
                batch=options["batch"],
                workers=options["workers"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {made} 篇稿件，用时 {time.monotonic() - started:.1f} 秒。")
        )
