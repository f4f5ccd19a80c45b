import time
from datetime import date, datetime
from datetime import time as day_start

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.services import related


class Command(BaseCommand):
    help = (
        "重新计算稿件的相关报道（共同主题 2 分、地区 1 分、标签 3 分）：默认全部稿件，"
        "--since 只算该日（北京时间）起发布的稿件。绕过发稿流程导入稿件后运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", metavar="YYYY-MM-DD", help="只重算这一天（北京时间）起发布的稿件"
        )
        parser.add_argument("--batch", default="1000", help="每批（一个事务）的稿件数，默认 1000")

    def handle(self, *args, **options):
        since = _since(options["since"])
        try:
            batch = int(options["batch"])
        except ValueError:
            batch = 0
        if batch < 1:
            raise CommandError(f"--batch 必须是正整数，而不是“{options['batch']}”。")
        started = time.monotonic()

        def progress(done: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  {done} 篇（{rate:.0f} 篇/秒）")

        done = related.articles_related_refresh_all(
            since=since, batch=batch, progress=progress if options["verbosity"] else None
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"已重新计算 {done} 篇稿件的相关报道，用时 {time.monotonic() - started:.1f} 秒。"
            )
        )


def _since(text: str | None) -> datetime | None:
    """The start of that day in Beijing, or None for every story."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--since 须为日期 YYYY-MM-DD，例如 2026-11-20，而不是“{text}”。"
        ) from None
    return timezone.make_aware(datetime.combine(day, day_start()))
