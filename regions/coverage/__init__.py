"""Coverage: a per-day summary of stories by region and theme (`summary.py`), the reports
read from it and their SVG charts (`charts.py`)."""

from .summary import (
    day_start,
    monthly_by_province,
    province_chart,
    quiet_regions,
    rebuild,
    refresh_days,
    region_theme_table,
    table_regions,
    totals,
    weekly_by_province,
)

__all__ = [
    "day_start",
    "monthly_by_province",
    "province_chart",
    "quiet_regions",
    "rebuild",
    "refresh_days",
    "region_theme_table",
    "table_regions",
    "totals",
    "weekly_by_province",
]
