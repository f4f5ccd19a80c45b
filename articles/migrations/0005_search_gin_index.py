"""PostgreSQL only: a GIN index over the weighted word vector, built from the stored words as
they are (array_to_tsvector: no parser re-splits them), title words weighted A, the rest D."""

from django.db import migrations

VECTOR = (
    "(setweight(array_to_tsvector(string_to_array(title_words, ' ')), 'A') || "
    "setweight(array_to_tsvector(string_to_array(body_words, ' ')), 'D'))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS articles_searchentry_vector ON articles_searchentry USING GIN ({VECTOR})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS articles_searchentry_vector")


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_search_entry")]

    operations = [migrations.RunPython(create, drop)]
