from django.contrib import admin

from articles.desk.selectors import desk_board

from . import pagecache


class NewsroomAdminSite(admin.AdminSite):
    """The Django admin with the desk's board on its front page."""

    site_header = "京津冀新闻 编辑部后台"
    site_title = "京津冀新闻后台"
    index_title = "编辑台"
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        return super().index(request, {"desk": desk_board(request.user), **(extra_context or {})})


class ShownToReadersAdmin(admin.ModelAdmin):
    """For models that readers' pages show (sections, authors, regions …): a change in the admin
    empties the page cache, as the services do for articles."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pagecache.content_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pagecache.content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pagecache.content_changed()
