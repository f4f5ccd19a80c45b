from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Rebuilt by `migrate` (content types, permissions) or worthless in a backup (sessions, login
# throttling state); everything else is the desk.
LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "axes", "pagecache"]


class Command(BaseCommand):
    help = (
        "把整个编辑部（稿件、版本历史、更正、作者、账号、地区与主题……）导出为可移植的 JSON"
        "（文件名须以 .deskjson 或 .deskjson.gz 结尾），SQLite 与 PostgreSQL 之间通用；"
        "用 import_desk 恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="导出文件，例如 backups/news.deskjson.gz")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.name.endswith((".deskjson", ".deskjson.gz")):
            raise CommandError(
                "导出文件名须以 .deskjson 或 .deskjson.gz 结尾，例如 news.deskjson.gz。"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        # Natural keys for users, groups, permissions and content types, so that the file
        # loads into a database whose migrations numbered them differently.
        call_command(
            "dumpdata",
            exclude=LEFT_OUT,
            natural_foreign=True,
            natural_primary=True,
            format="deskjson",
            output=str(path),
            verbosity=0,
        )
        self.stdout.write(f"已导出到 {path}（{path.stat().st_size // 1024} KB）。")
