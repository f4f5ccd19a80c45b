"""Print pages in the admin: 新增 is the import form (OCR text in, draft articles out)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.html import format_html_join

from articles import services
from articles.models import PrintPage

from . import parser as printpage
from .forms import PrintPageImportForm
from .importer import print_page_import


@admin.register(PrintPage)
class PrintPageAdmin(admin.ModelAdmin):
    """Print pages as imported; 新增 is the import form (OCR text in, draft articles out)."""

    list_display = ["__str__", "section", "created_at", "created_by", "article_count"]
    list_select_related = ["section", "created_by"]
    readonly_fields = [
        "print_date",
        "page",
        "section",
        "created_at",
        "created_by",
        "report_lines",
        "source_text",
    ]
    fields = readonly_fields

    @admin.display(description="稿件数")
    def article_count(self, obj):
        return obj.articles.count()

    @admin.display(description="导入报告")
    def report_lines(self, obj):
        return format_html_join("", "<p>{}</p>", ((line,) for line in obj.report.get("lines", [])))

    def has_add_permission(self, request):
        return request.user.has_perm("articles.import_printpage")

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PrintPageImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            if upload.size > printpage.MAX_BYTES:
                form.add_error("file", f"文件超过 {printpage.MAX_BYTES // 1024} KB 的上限。")
            else:
                try:
                    report = print_page_import(
                        data=upload.read(),
                        print_date=data["print_date"],
                        page=data["page"],
                        section=data["section"],
                        user=request.user,
                        dry_run=data["dry_run"],
                    )
                except printpage.PrintPageError as error:
                    form.add_error("file", str(error))
                except services.TransitionRefused as refused:
                    raise PermissionDenied(str(refused)) from None
        context = {
            **self.admin_site.each_context(request),
            "title": "导入报纸版面",
            "opts": self.opts,
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/articles/printpage/import.html", context)
