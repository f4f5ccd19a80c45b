import time

from django.core.management.base import BaseCommand

from articles import search


class Command(BaseCommand):
    help = "重建全部稿件的搜索索引（分词词典改变后运行；--stale 只重建用旧词典建的索引）。"

    def add_arguments(self, parser):
        parser.add_argument("--stale", action="store_true", help="只重建词典版本不同或缺失的索引")
        parser.add_argument("--batch", type=int, default=500, help="每批处理的稿件数（默认 500）")

    def handle(self, *args, **options):
        if options["batch"] < 1:
            self.stderr.write("--batch 必须是正整数。")
            raise SystemExit(2)
        started = time.monotonic()
        count = search.rebuild(stale_only=options["stale"], batch=options["batch"])
        elapsed = time.monotonic() - started
        self.stdout.write(f"已重建 {count} 篇稿件的搜索索引，用时 {elapsed:.1f} 秒。")
