"""Forms for the desk's admin: the article form and one small form per workflow step."""

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core import signing
from django.urls import reverse_lazy
from django.utils import timezone
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.forms import TagWidget

from articles.html import clean_body
from articles.models import EDITABLE_FIELDS, Article, Correction

BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3]},
        "Blockquote": True,
        "BulletList": True,
        "ListItem": True,
        "OrderedList": True,
        "HardBreak": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "Figure": True,
        "Image": True,
        "Caption": True,
        "History": True,
        "HTML": True,
    }
}


class ArticleAdminForm(forms.ModelForm):
    # The version the editor opened: the save merges with whatever was saved after it.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # A lead image uploaded before an edit conflict, kept in storage while the user resolved it.
    pending_lead_image = forms.CharField(widget=forms.HiddenInput, required=False)
    conflict = None  # set by the admin when a save met another editor's changes

    class Meta:
        model = Article
        # What an edit may change and the relations saved with it; never status or publication
        # time, which only the workflow steps set.
        fields = [*EDITABLE_FIELDS, "regions", "themes", "tags"]
        widgets = {
            "body": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable"),
            "tags": TagWidget(
                attrs={
                    "data-autocomplete-url": reverse_lazy("admin:autocomplete"),
                    "size": 60,
                    "placeholder": "例如：商标, 专利导航",
                }
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["opened_version"] = self.instance.lock_version

    def clean_body(self):
        """Whatever the browser sent, only a news body's tags and safe links are stored."""
        return clean_body(self.cleaned_data.get("body", ""))

    def clean_pending_lead_image(self):
        token = self.cleaned_data.get("pending_lead_image")
        return pending_upload_name(token) if token else ""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("opened_version") is None:
            raise forms.ValidationError("表单缺少版本号，请重新打开稿件再编辑。", code="no_version")
        if self.conflict is not None and not self.conflict.conflicts:
            raise forms.ValidationError(
                "保存的同时别人也在保存这篇稿件，这次保存没有生效；请再次保存，两边的修改会合并。",
                code="edit_race",
            )
        if self.conflict is not None:
            current = self.conflict.current
            who = current.updated_by.get_username() if current.updated_by else "其他人"
            when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M:%S")
            labels = "、".join(
                str(self.fields[name].label) if name in self.fields else name
                for name in self.conflict.conflicts
            )
            raise forms.ValidationError(
                f"{who} 在 {when}（北京时间）保存了这篇稿件，也改了您改动的{labels}，"
                "这次保存没有生效。其余修改已经合并在下面的表单里；请在页面上方为每一项"
                "选择保留哪一方的内容，确认后再次保存即可。",
                code="edit_conflict",
            )
        return cleaned


PENDING_SALT = "articles.pending-lead-image"
PENDING_PREFIX = "lead/pending/"


def pending_upload_token(name: str) -> str:
    """A signed reference to an upload kept in storage during a conflict: the form cannot be
    made to point the lead image at any other stored file."""
    return signing.dumps(name, salt=PENDING_SALT)


def pending_upload_name(token: str) -> str:
    try:
        name = signing.loads(token, salt=PENDING_SALT, max_age=2 * 24 * 3600)
    except signing.BadSignature:
        raise forms.ValidationError("题图的临时文件已失效，请重新选择图片。") from None
    if not (isinstance(name, str) and name.startswith(PENDING_PREFIX)):
        raise forms.ValidationError("题图的临时文件已失效，请重新选择图片。")
    return name


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(forms.Form):
    note = forms.CharField(
        label="退回意见",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明需要记者修改的地方",
    )


class PublishForm(forms.Form):
    at = forms.SplitDateTimeField(
        label="定时发布时间",
        required=False,
        widget=admin_widgets.AdminSplitDateTime,
        help_text="北京时间（Asia/Shanghai）。留空即立即发布。",
    )

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at is not None and at <= timezone.now():
            raise forms.ValidationError("定时发布的时间必须晚于现在；要立即发布请留空。")
        return at


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤稿原因",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="只在后台流程记录中保存，读者看到的是统一的撤稿说明",
    )


class CorrectForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Correction.Kind.choices)
    text = forms.CharField(
        label="说明",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="例如：本文此前将注册量误写为 478.29 万件，应为 478.92 万件，特此更正。",
    )


# The form for what a workflow step asks for (`Transition.asks`); the steps themselves are
# written once, in services/workflow.py.
FORM_FOR_ASK = {
    "note": NoteForm,
    "return_note": ReturnForm,
    "schedule": PublishForm,
    "reason": WithdrawForm,
    "correction": CorrectForm,
}


def step_form(transition):
    return FORM_FOR_ASK[transition.asks]


class PreviewLinkForm(forms.Form):
    hours = forms.IntegerField(label="有效时长（小时）", min_value=1, max_value=24 * 14, initial=48)


class BulkTaggingForm(forms.Form):
    """Add or remove one region, theme or tag on the selected articles."""

    operation = forms.ChoiceField(label="操作", choices=[("add", "添加"), ("remove", "移除")])
    region = forms.ModelChoiceField(label="地区", queryset=None, required=False)
    theme = forms.ModelChoiceField(label="主题分类", queryset=None, required=False)
    tag = forms.CharField(label="标签", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        from regions.models import Region, Theme

        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["theme"].queryset = Theme.objects.all()

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("region", "theme", "tag") if cleaned.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError("请选择一个地区、一个主题分类或填写一个标签（只选一项）。")
        return cleaned
