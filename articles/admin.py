from django import forms
from django.contrib import admin
from django.urls import reverse_lazy
from django.utils.html import format_html_join

from .html import clean_body
from .models import Article, Author, Byline, Correction, Section


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "kicker",
            "headline",
            "deck",
            "slug",
            "summary",
            "body",
            "source_line",
            "dateline",
            "section",
            "regions",
            "themes",
            "tags",
            "status",
            "published_at",
            "lead_image",
            "lead_image_caption",
            "lead_image_credit",
        ]
        widgets = {
            "tags": forms.TextInput(
                attrs={
                    "data-autocomplete-url": reverse_lazy("admin:autocomplete"),
                    "size": 60,
                    "placeholder": "例如：商标, 专利导航",
                }
            ),
        }

    def clean_body(self):
        """Whatever the browser sent, only a news body's tags and safe links are stored."""
        return clean_body(self.cleaned_data.get("body", ""))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "status", "section", "published_at", "byline_names", "updated_at"]
    list_display_links = ["headline"]
    list_filter = ["status", "section", "regions", "themes", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "kicker", "deck", "summary", "bylines__author__name"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section", "regions", "themes"]
    readonly_fields = ["created_at", "updated_at", "created_by", "updated_by"]
    inlines = [BylineInline, CorrectionInline]
    list_per_page = 50
    fieldsets = [
        ("标题", {"fields": ["kicker", "headline", "deck", "slug"]}),
        ("正文", {"fields": ["summary", "body", "source_line", "dateline"]}),
        ("分类", {"fields": ["section", "regions", "themes", "tags"]}),
        ("发布", {"fields": ["status", "published_at"]}),
        (
            "题图",
            {
                "classes": ["collapse"],
                "fields": ["lead_image", "lead_image_caption", "lead_image_credit"],
            },
        ),
        (
            "记录",
            {
                "classes": ["collapse"],
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
            },
        ),
    ]

    class Media:
        js = ["admin_extra/tag-autocomplete.js"]
        css = {"all": ["admin_extra/article-form.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    @admin.display(description="署名")
    def byline_names(self, obj):
        return format_html_join(
            "，", "{} {}", ((b.get_role_display(), b.author.name) for b in obj.bylines.all())
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "slug"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["user"]
    fields = ["name", "slug", "bio", "user"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["article"]
