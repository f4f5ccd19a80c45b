"""The period chooser of the coverage report."""

from django import forms


class CoveragePeriodForm(forms.Form):
    period = forms.ChoiceField(
        label="时段",
        required=False,
        choices=[("week", "本周"), ("month", "本月"), ("range", "自选日期")],
    )
    start = forms.DateField(
        label="从", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="到", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def period_dates(self, today):
        """(start, end, label) of the chosen period; this week when nothing valid is chosen."""
        from datetime import timedelta

        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or "week"
        if period == "month":
            return today.replace(day=1), today, "本月"
        if period == "range" and data.get("start") and data.get("end"):
            start, end = sorted([data["start"], data["end"]])
            return start, end, f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
        return today - timedelta(days=today.weekday()), today, "本周"
