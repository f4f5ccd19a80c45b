"""The readers' search form."""

from django import forms


class SearchForm(forms.Form):
    """The readers' search form; every field optional, every bad value a message, not a 500."""

    q = forms.CharField(label="关键词", required=False, max_length=500, strip=True)
    order = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[("rank", "按相关度"), ("date", "按时间")],
    )
    section = forms.SlugField(label="栏目", required=False)
    region = forms.SlugField(label="地区", required=False)
    theme = forms.SlugField(label="主题", required=False)
    start = forms.DateField(label="起始日期", required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(label="截止日期", required=False, input_formats=["%Y-%m-%d"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("起始日期晚于截止日期。", code="date_order")
        return cleaned
