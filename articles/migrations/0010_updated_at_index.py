from django.db import migrations, models


class Migration(migrations.Migration):
    """Index updated_at: a list's Last-Modified is its newest row by updated_at, one index step."""

    dependencies = [
        ("articles", "0009_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["updated_at"], name="article_updated"),
        ),
    ]
