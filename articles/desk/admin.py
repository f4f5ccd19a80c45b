from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from reversion.models import Version
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles import search, services
from articles.desk import autosave, presence
from articles.desk import selectors as desk_selectors
from articles.desk.conflicts import (
    conflict_changes,
    conflict_fields,
    conflict_form_data,
    field_label,
)
from articles.desk.copydesk import copy_warnings
from articles.desk.diff import diff_article_versions
from articles.desk.filters import RegionFilter, StatusFilter, ThemeFilter
from articles.desk.forms import (
    ArticleAdminForm,
    BulkTaggingForm,
    PreviewLinkForm,
    step_form,
)
from articles.desk.tags import near_duplicates, tags_with_counts
from articles.html import clean_body
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    PreviewLink,
    Section,
    WorkflowEvent,
)
from articles.services import versions as history
from articles.services.permissions import can_edit_article
from articles.services.workflow import TRANSITIONS, available_transitions
from articles.site import selectors
from articles.site.pagination import CappedPaginator
from articles.site.views import render_article
from newsroom.admin import ShownToReadersAdmin
from regions.coverage.admin import coverage_report


class _RowOrNone(forms.ModelChoiceField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None  # removed since the form was opened


class BylineFormSet(BaseInlineFormSet):
    """Bylines as the editor lists them, read by the article's save service and never saved by
    the formset itself. A row someone removed since the form was opened is no error: its id
    only tells Django which row the line showed."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = form.fields["id"]
        form.fields["id"] = _RowOrNone(
            row.queryset, initial=row.initial, required=False, widget=row.widget
        )
        form.validate_unique = lambda: None  # the service keeps one row per author and role

    def bylines(self) -> list[tuple]:
        """(author, role) in the order given, without deleted or empty lines."""
        lines = [
            (form.cleaned_data.get("order") or 0, index, form.cleaned_data)
            for index, form in enumerate(self.forms)
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("author")
        ]
        return [(data["author"], data["role"]) for _, _, data in sorted(lines, key=lambda x: x[:2])]


def _rendered(field: str) -> str:
    return "body_rendered" if field == "body" else field


class BylineInline(admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]


class CorrectionInline(admin.TabularInline):
    """Shown, not edited: corrections are added through the workflow so they are recorded."""

    model = Correction
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["kind", "text", "created_at"]
    readonly_fields = ["kind", "text", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class WorkflowEventInline(admin.TabularInline):
    model = WorkflowEvent
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["at", "action", "actor", "note"]
    readonly_fields = ["at", "action", "actor", "note"]
    verbose_name_plural = "流程记录"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline",
        "current_status",
        "section",
        "published_at",
        "byline_names",
        "updated_at",
    ]
    list_display_links = ["headline"]
    list_filter = [StatusFilter, "section", RegionFilter, ThemeFilter, "published_at", "print_page"]
    list_select_related = ["section"]
    search_fields = ["headline"]  # enables the search box; get_search_results does the work
    search_help_text = "按词搜索标题、正文、署名、标签、地区和主题，例如：知识产权 雄安"
    # At a million rows: no date hierarchy (it scans every date), no full count, no facets.
    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    sortable_by = ["published_at", "updated_at"]
    autocomplete_fields = ["section", "regions", "themes"]
    readonly_fields = [
        "current_status",
        "published_at",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ]
    inlines = [BylineInline, CorrectionInline, WorkflowEventInline]
    list_per_page = 50
    actions = ["bulk_tag"]
    fieldsets = [
        (
            "标题",
            {
                "fields": [
                    "kicker",
                    "headline",
                    "deck",
                    "slug",
                    "opened_version",
                    "pending_lead_image",
                ]
            },
        ),
        ("正文", {"fields": ["summary", "body", "source_line", "dateline"]}),
        ("分类", {"fields": ["section", "regions", "themes", "tags"]}),
        (
            "状态",
            {
                "fields": ["current_status", "published_at"],
                "description": "状态和发布时间只能通过上方的流程按钮改变；时间均为北京时间（Asia/Shanghai）。",
            },
        ),
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
        js = [
            "admin_extra/tag-autocomplete.js",
            "admin_extra/suggestions.js",
            "admin_extra/presence.js",
            "admin_extra/autosave.js",
        ]
        css = {"all": ["admin_extra/article-form.css"]}

    # --- permissions: the same rule as the services -----------------------------------------

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def delete_model(self, request, obj):
        services.articles_delete(articles=[obj])

    def delete_queryset(self, request, queryset):
        services.articles_delete(articles=list(queryset))

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        match = request.resolver_match
        if match and match.url_name == "articles_article_changelist":
            queryset = queryset.defer("body")  # the list never shows it
        return queryset

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search counts its matches only up to the readers' search cap: each one is a word test.
        cap = search.COUNT_CAP if request.GET.get("q", "").strip() else None
        return CappedPaginator(queryset, per_page, orphans, allow_empty_first_page, cap=cap)

    def get_search_results(self, request, queryset, search_term):
        """The readers' search machinery, over every status: Chinese words, not substrings;
        common words walk the newest stories instead of listing every match."""
        query = search.parse(search_term)
        if not search_term.strip():
            return queryset, False
        chosen = search.plan(query, order="date")
        return search.matching(queryset, query, strategy=chosen.strategy), False

    @admin.display(description="状态")
    def current_status(self, obj):
        return obj.status_label

    @admin.display(description="正文")
    def body_rendered(self, obj):
        """The body as readers see it, on the read-only page: sanitised again, then trusted."""
        return format_html('<div class="desk-body">{}</div>', mark_safe(clean_body(obj.body)))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: the body rendered, not its HTML source.
        return [
            (title, {**options, "fields": [_rendered(f) for f in options["fields"]]})
            for title, options in fieldsets
        ]

    def view_on_site(self, obj):
        """Readers' page once they can see it; until then (and after a withdrawal) the preview."""
        if obj.is_published_now:
            return obj.get_absolute_url()
        return reverse("admin:articles_article_preview", args=[obj.pk])

    @admin.display(description="署名")
    def byline_names(self, obj):
        return format_html_join(
            "，", "{} {}", ((b.get_role_display(), b.author.name) for b in obj.bylines.all())
        )

    @admin.action(description="批量添加或移除地区、主题分类、标签", permissions=["change"])
    def bulk_tag(self, request, queryset):
        """An intermediate page: choose add or remove and one region, theme or tag, then apply."""
        editable = [a for a in queryset if can_edit_article(request.user, a)]
        form = BulkTaggingForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            done = services.articles_bulk_tag(
                articles=editable,
                operation=data["operation"],
                region=data["region"],
                theme=data["theme"],
                tag=data["tag"].strip(),
                user=request.user,
            )
            skipped = queryset.count() - done
            note = f"，{skipped} 篇您无权修改，未处理" if skipped else ""
            messages.success(request, f"已处理 {done} 篇稿件{note}。")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "批量修改地区、主题分类或标签",
            "opts": self.opts,
            "form": form,
            "articles": queryset,
            "editable_count": len(editable),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/bulk_tag.html", context)

    # --- saving: through the services, merged with what others saved ------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.EditConflict as conflict:
            # Nothing was written. Show the form again holding the merge: the others' changes
            # where only they changed something, the user's own everywhere else, and a choice
            # for each field both changed. Its version is now the one merged with.
            request.POST = conflict_form_data(request, conflict)
            request._files = MultiValueDict()
            request.edit_conflict = conflict
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        conflict = getattr(request, "edit_conflict", None)
        return type(form.__name__, (form,), {"conflict": conflict}) if conflict else form

    def save_model(self, request, obj, form, change):
        """Nothing here: the article, its relations and bylines are one service call, made in
        save_related where the bylines' formset is at hand."""

    def save_formset(self, request, form, formset, change):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def save_related(self, request, form, formsets, change):
        bylines_formset = next(f for f in formsets if isinstance(f, BylineFormSet))
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        data = form.cleaned_data
        article = form.instance
        pending = data.get("pending_lead_image")
        if pending and not (article.lead_image and not article.lead_image._committed):
            article.lead_image = pending  # the upload kept while a conflict was resolved
        relations = {
            "bylines": bylines_formset.bylines(),
            "tags": data.get("tags", []),
            "regions": data.get("regions", []),
            "themes": data.get("themes", []),
        }
        if change:
            result = services.article_save_edit(
                article=article,
                base_version=data["opened_version"],
                user=request.user,
                keep_theirs=[
                    name for name in data if request.POST.get(f"resolve_{name}") == "theirs"
                ],
                **relations,
            )
            if result.merged:
                labels = "、".join(field_label(form, name) for name in result.merged)
                who = "、".join(result.others) or "其他人"
                messages.info(
                    request, f"已合并 {who} 在您打开稿件之后保存的修改（{labels}），未覆盖。"
                )
        else:
            services.article_create(article=article, user=request.user, **relations)
        self._copy_warnings(request, article)

    def _copy_warnings(self, request, article):
        counts = Article.objects.filter(pk=article.pk).aggregate(
            bylines=Count("bylines", distinct=True),
            regions=Count("regions", distinct=True),
            themes=Count("themes", distinct=True),
        )
        for warning in copy_warnings(
            headline=article.headline,
            kicker=article.kicker,
            deck=article.deck,
            summary=article.summary,
            body=article.body,
            **counts,
        ):
            messages.warning(request, f"校对提示：{warning}")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self._editing_context(request, obj))
        if obj is not None:
            context["transitions"] = available_transitions(request.user, obj)
            context["suggestions"] = desk_selectors.tagging_suggestions(obj)
            conflict = getattr(request, "edit_conflict", None)
            if conflict is not None:
                context["conflicts"] = conflict_fields(context["adminform"].form, conflict)
                context["conflict_changes"] = conflict_changes(conflict)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        autosave.autosave_discard(request.user, None)  # saved for real: the draft is done
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        autosave.autosave_discard(request.user, obj)
        return super().response_change(request, obj)

    # --- working side by side: who else has the story open, unsaved drafts -------------------

    def _editing_context(self, request, obj) -> dict:
        """The change page's notices: colleagues with the story open (this page counts as open
        from now on) and, on opening the form, an autosaved draft to restore."""
        context = {}
        if obj is not None:
            editing = self.has_change_permission(request, obj)
            tab = presence.new_tab_id()
            presence.presence_heartbeat(article=obj, user=request.user, tab=tab, editing=editing)
            context["presence"] = {
                "url": reverse("admin:articles_article_presence", args=[obj.pk]),
                "tab": tab,
                "seconds": presence.HEARTBEAT_SECONDS,
                "others": presence.present_others(article=obj, user=request.user),
            }
            if not editing:
                return context
            url = reverse("admin:articles_article_autosave", args=[obj.pk])
        elif self.has_add_permission(request):
            url = reverse("admin:articles_article_autosave_new")
        else:
            return context
        context["autosave"] = autosave.autosave_context(
            user=request.user, article=obj, url=url, offer=request.method == "GET"
        )
        return context

    def presence_view(self, request, object_id):
        article = self._article(request, object_id)
        editing = self.has_change_permission(request, article)
        return presence.heartbeat_answer(request, article=article, editing=editing)

    def autosave_view(self, request, object_id=None):
        article = self._article(request, object_id) if object_id is not None else None
        allowed = (
            self.has_change_permission(request, article)
            if article is not None
            else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        return autosave.autosave_answer(request, article=article)

    # --- desk views: workflow steps, previews, versions --------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tags/", view(self.tags_view), name="articles_article_tags"),
            path("coverage/", view(self.coverage_view), name="articles_article_coverage"),
            path(
                "autosave/",
                view(require_POST(self.autosave_view)),
                name="articles_article_autosave_new",
            ),
            path(
                "<path:object_id>/autosave/",
                view(require_POST(self.autosave_view)),
                name="articles_article_autosave",
            ),
            path(
                "<path:object_id>/presence/",
                view(require_POST(self.presence_view)),
                name="articles_article_presence",
            ),
            path(
                "<path:object_id>/workflow/<str:action>/",
                view(self.transition_view),
                name="articles_article_transition",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path("<path:object_id>/share/", view(self.share_view), name="articles_article_share"),
            path(
                "<path:object_id>/versions/",
                view(self.versions_view),
                name="articles_article_versions",
            ),
            path(
                "<path:object_id>/versions/<int:version_id>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def coverage_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return coverage_report(request, self)

    def tags_view(self, request):
        """Tag clean-up for editors: merge near-duplicates, rename, see the tags used once."""
        if not request.user.has_perm("articles.review_article"):
            raise PermissionDenied
        if request.method == "POST":
            chosen = list(Tag.objects.filter(pk__in=request.POST.getlist("tag")))
            name = services.tidy_tag_name(request.POST.get("name", ""))
            try:
                if request.POST.get("do") == "merge" and len(chosen) >= 2:
                    keep, changed = services.tags_merge_as(
                        tags=chosen, name=name, user=request.user
                    )
                    messages.success(
                        request, f"已合并为“{keep.name}”，{changed} 篇稿件的标签随之更新。"
                    )
                elif request.POST.get("do") == "rename" and len(chosen) == 1 and name:
                    tag = services.tag_rename(tag=chosen[0], name=name, user=request.user)
                    messages.success(request, f"标签已改名为“{tag.name}”。")
                else:
                    messages.error(
                        request, "合并请至少勾选两个标签；改名请只勾选一个并填写新名字。"
                    )
            except services.TransitionRefused as refused:
                messages.error(request, str(refused))
            return HttpResponseRedirect(request.path)
        tags = list(tags_with_counts())
        context = {
            **self.admin_site.each_context(request),
            "title": "标签整理",
            "opts": self.opts,
            "groups": near_duplicates(tags),
            "used_once": [t for t in tags if t.uses == 1],
            "tags": tags,
        }
        return TemplateResponse(request, "admin/articles/article/tags.html", context)

    def _article(self, request, object_id) -> Article:
        if not object_id.isdigit():
            raise Http404("没有这篇稿件")
        article = get_object_or_404(Article, pk=int(object_id))
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def transition_view(self, request, object_id, action):
        article = self._article(request, object_id)
        if action not in TRANSITIONS:
            raise Http404("没有这个流程操作")
        transition = TRANSITIONS[action]
        form_class = step_form(transition)
        form = form_class(request.POST if request.method == "POST" else None)
        refusal = transition.refusal(request.user, article)
        if request.method == "POST" and form.is_valid():
            try:
                services.article_apply_transition(
                    name=action, article=article, user=request.user, **form.cleaned_data
                )
            except services.TransitionRefused as refused:
                messages.error(request, str(refused))
            else:
                done = article.status_label if article.is_scheduled else transition.label
                messages.success(request, f"已{done}：{article.headline}")
                return HttpResponseRedirect(self._change_url(article))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{transition.label}：{article.headline}",
            "opts": self.opts,
            "original": article,
            "transition": transition,
            "refusal": refusal,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/transition.html", context)

    def preview_view(self, request, object_id):
        article = self._article(request, object_id)
        article = selectors.article_for_preview(article.pk)
        banner = "后台预览" if article.is_published_now else "预览，未发布"
        return render_article(request, article, preview_banner=banner)

    def share_view(self, request, object_id):
        article = self._article(request, object_id)
        form = PreviewLinkForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            try:
                if "revoke" in request.POST:
                    link = get_object_or_404(
                        PreviewLink, pk=request.POST.get("revoke", "0") or 0, article=article
                    )
                    services.preview_link_revoke(link=link, user=request.user)
                    messages.success(request, "预览链接已撤销。")
                    return HttpResponseRedirect(request.path)
                if form.is_valid():
                    link = services.preview_link_create(
                        article=article, user=request.user, hours=form.cleaned_data["hours"]
                    )
                    messages.success(request, "已生成预览链接。")
                    return HttpResponseRedirect(request.path)
            except services.TransitionRefused as refused:
                messages.error(request, str(refused))
            except ValueError:
                raise Http404("没有这个预览链接") from None
        links = [
            (link, request.build_absolute_uri(link.get_absolute_url()))
            for link in article.preview_links.select_related("created_by")
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"对外预览链接：{article.headline}",
            "opts": self.opts,
            "original": article,
            "form": form,
            "links": links,
            "can_share": request.user.has_perm("articles.share_preview"),
        }
        return TemplateResponse(request, "admin/articles/article/share.html", context)

    def versions_view(self, request, object_id):
        article = self._article(request, object_id)
        versions = list(history.versions_of(article)[:100])
        by_id = {v.pk: v for v in versions}
        diff, older, newer = None, None, None
        a, b = request.GET.get("a", ""), request.GET.get("b", "")
        if a.isdigit() and b.isdigit() and int(a) in by_id and int(b) in by_id:
            older, newer = sorted(
                [by_id[int(a)], by_id[int(b)]], key=lambda v: v.revision.date_created
            )
            diff = diff_article_versions(
                history.version_snapshot(older), history.version_snapshot(newer)
            )
        elif a or b:
            messages.error(request, "请从列表中选择两个版本进行比较。")
        context = {
            **self.admin_site.each_context(request),
            "title": f"版本历史：{article.headline}",
            "opts": self.opts,
            "original": article,
            "versions": versions,
            "diff": diff,
            "older": older,
            "newer": newer,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/versions.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self._article(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:articles_article_versions", args=[article.pk])
            )
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        try:
            services.article_restore_version(article=article, version=version, user=request.user)
        except services.TransitionRefused as refused:
            messages.error(request, str(refused))
            return HttpResponseRedirect(
                reverse("admin:articles_article_versions", args=[article.pk])
            )
        messages.success(request, "已恢复旧版本，并作为一次新的保存记录下来。")
        return HttpResponseRedirect(self._change_url(article))


@admin.register(Section)
class SectionAdmin(ShownToReadersAdmin):
    list_display = ["name", "slug", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "slug"]


@admin.register(Author)
class AuthorAdmin(ShownToReadersAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["user"]
    fields = ["name", "slug", "bio", "user"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Corrections mended after the fact; new ones are a workflow step (更正或更新)."""

    list_display = ["article", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["article"]

    def save_model(self, request, obj, form, change):
        services.correction_edit(correction=obj, user=request.user)

    def delete_model(self, request, obj):
        services.correction_edit(correction=obj, user=request.user, delete=True)

    def delete_queryset(self, request, queryset):
        for correction in queryset.select_related("article"):
            services.correction_edit(correction=correction, user=request.user, delete=True)


# taggit's own tag admin, saved through the taxonomy services; without taggit's "merge" action
# and inline, which work on taggit's generic TaggedItem rows this project does not use (标签整理
# merges tags).
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(ShownToReadersAdmin, TaggitTagAdmin):
    actions = ["delete_selected"]
    inlines = []
