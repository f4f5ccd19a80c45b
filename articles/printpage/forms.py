"""The print-page import form in the admin."""

from django import forms

from articles.models import Section


class PrintPageImportForm(forms.Form):
    file = forms.FileField(
        label="OCR 文本文件", help_text="一版报纸的 OCR 文本，UTF-8 或 GB18030 编码，2 MB 以内"
    )
    print_date = forms.DateField(label="见报日期", widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(label="版次", min_value=1, max_value=999, initial=1)
    section = forms.ModelChoiceField(label="栏目", queryset=Section.objects.all(), required=False)
    dry_run = forms.BooleanField(label="只预览，不保存", required=False)
