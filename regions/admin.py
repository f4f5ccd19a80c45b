from django.contrib import admin

from newsroom.admin import ShownToReadersAdmin

from .models import Region, Theme


@admin.register(Region)
class RegionAdmin(ShownToReadersAdmin):
    list_display = ["name", "slug", "kind", "parent", "sort_order"]
    list_filter = ["kind", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "parent", "kind"]}),
        ("说明", {"fields": ["description", "aliases", "sort_order"]}),
    ]


@admin.register(Theme)
class ThemeAdmin(ShownToReadersAdmin):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug", "keywords"]
    fieldsets = [
        (None, {"fields": ["name", "slug"]}),
        ("说明", {"fields": ["description", "keywords", "sort_order"]}),
    ]
