from django.contrib import admin

from articles.selectors import desk_board


class NewsroomAdminSite(admin.AdminSite):
    """The Django admin with the desk's board on its front page."""

    site_header = "京津冀新闻 编辑部后台"
    site_title = "京津冀新闻后台"
    index_title = "编辑台"
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        return super().index(request, {"desk": desk_board(request.user), **(extra_context or {})})
