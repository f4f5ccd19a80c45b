"""Creates the region tree of 京津冀 and the desk's cooperation themes with real place names."""

from django.db import migrations

from regions.data import JINGJINJI, THEMES


def create(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Theme = apps.get_model("regions", "Theme")

    def add(node, parent, order):
        name, slug, kind, aliases, description, children = node
        region, _ = Region.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "parent": parent,
                "aliases": "\n".join(aliases),
                "description": description,
                "sort_order": order,
            },
        )
        for index, child in enumerate(children, start=1):
            add(child, region, index * 10)

    add(JINGJINJI, None, 0)
    for index, (name, slug, keywords, description) in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "keywords": "\n".join(keywords),
                "description": description,
                "sort_order": index * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
