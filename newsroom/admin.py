from django.contrib import admin

from articles import services
from articles.desk.selectors import desk_board


class NewsroomAdminSite(admin.AdminSite):
    """The Django admin with the desk's board on its front page."""

    site_header = "京津冀新闻 编辑部后台"
    site_title = "京津冀新闻后台"
    index_title = "编辑台"
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        return super().index(request, {"desk": desk_board(request.user), **(extra_context or {})})


class ShownToReadersAdmin(admin.ModelAdmin):
    """For what stories are filed under and signed by (sections, authors, regions, themes,
    tags): saved and deleted through the taxonomy services, which re-index the stories, move
    their lists and start a new page generation, as the services do for articles."""

    def save_model(self, request, obj, form, change):
        changed = form.changed_data if change else list(form.fields)
        saved = services.taxonomy_save(obj=obj, changed=changed, user=request.user)
        if saved.pk != obj.pk:  # a tag renamed to another tag's name was merged into it
            obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """Their many-to-many fields are none the desk edits here."""

    def delete_model(self, request, obj):
        services.taxonomy_delete(objs=[obj], user=request.user)

    def delete_queryset(self, request, queryset):
        services.taxonomy_delete(objs=list(queryset), user=request.user)
