"""PostgreSQL only: the GIN index over the stored word vector."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS articles_searchentry_vector "
            "ON articles_searchentry USING GIN (vector)"
        )
        # Word frequencies for the query planner and for search.plan(): keep many of them.
        schema_editor.execute(
            "ALTER TABLE articles_searchentry ALTER COLUMN vector SET STATISTICS 1000"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS articles_searchentry_vector")


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_search_entry")]

    operations = [migrations.RunPython(create, drop)]
