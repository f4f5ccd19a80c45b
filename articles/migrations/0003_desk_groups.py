"""The desk's three roles as groups: 记者 (reporter), 编辑 (editor), 值班主编 (duty editor)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.submit_article",
    "articles.add_byline",
    "articles.change_byline",
    "articles.delete_byline",
    "articles.view_byline",
    "articles.add_author",
    "articles.view_author",
    "articles.view_section",
    "articles.view_correction",
    "articles.view_workflowevent",
    "regions.view_region",
    "regions.view_theme",
    "taggit.view_tag",
]
EDITOR = REPORTER + [
    "articles.review_article",
    "articles.share_preview",
    "articles.view_previewlink",
    "articles.change_author",
]
DUTY_EDITOR = EDITOR + [
    "articles.publish_article",
    "articles.withdraw_article",
    "articles.correct_article",
]
GROUPS = {"记者": REPORTER, "编辑": EDITOR, "值班主编": DUTY_EDITOR}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow"),
        ("regions", "0002_load_regions_and_themes"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
