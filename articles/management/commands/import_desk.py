from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newsroom import pagecache


class Command(BaseCommand):
    help = (
        "用 export_desk 的导出文件恢复编辑部：先清空当前数据库的全部内容，再整体载入；"
        "任何一步出错则什么都不改。数据库须已 migrate 到与导出时相同的版本。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="export_desk 的导出文件（.deskjson 或 .deskjson.gz）")
        parser.add_argument(
            "--noinput", action="store_false", dest="interactive", help="不询问，直接覆盖"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到导出文件 {path}。")
        if options["interactive"]:
            answer = input("这会删除当前数据库中的全部内容，再从导出文件恢复。输入 yes 继续：")
            if answer != "yes":
                raise CommandError("已取消，没有改动。")
        with transaction.atomic():
            # flush recreates content types and permissions; the file holds everything else,
            # including the regions, themes and roles the data migrations made.
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(path), verbosity=0)
        pagecache.new_epoch()  # nothing cached before the restore is served after it
        self.stdout.write(f"已从 {path} 恢复。")
