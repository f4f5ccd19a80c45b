"""Editors and duty editors may import print pages."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codes = ["import_printpage", "view_printpage"]
    permissions = Permission.objects.filter(content_type__app_label="articles", codename__in=codes)
    for group in Group.objects.filter(name__in=["编辑", "值班主编"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="articles", codename__in=["import_printpage", "view_printpage"]
    )
    for group in Group.objects.filter(name__in=["编辑", "值班主编"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_print_page"), ("articles", "0003_desk_groups")]

    operations = [migrations.RunPython(grant, revoke)]
