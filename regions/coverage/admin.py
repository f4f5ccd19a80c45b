"""The coverage report in the admin (报道覆盖, at /admin/articles/article/coverage/)."""

from django.template.response import TemplateResponse
from django.utils import timezone

from .forms import CoveragePeriodForm
from .summary import province_chart, quiet_regions, region_theme_table, weekly_by_province


def coverage_report(request, model_admin):
    """Coverage at a glance: region × theme for a period, weekly stories per province, and
    the regions that have waited longest for a story."""
    form = CoveragePeriodForm(request.GET or None)
    start, end, label = form.period_dates(timezone.localdate())
    labels, series = weekly_by_province(weeks=26)
    chart = province_chart(
        title="近六个月三地每周稿件数",
        labels=labels,
        series=series,
        x_label="周（周一起）",
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "报道覆盖",
        "opts": model_admin.opts,
        "form": form,
        "period_label": label,
        "table": region_theme_table(start, end),
        "chart": chart,
        "quiet": quiet_regions(limit=10),
    }
    return TemplateResponse(request, "admin/articles/article/coverage.html", context)
