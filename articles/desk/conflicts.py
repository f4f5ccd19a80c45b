"""An edit that met another editor's changes, shown back: the form holding the merge, and for
each field both changed, the two values side by side with the character diff and a choice."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.safestring import SafeString
from taggit.utils import edit_string_for_tags

from articles.desk.diff import diff_article_versions
from articles.desk.forms import PENDING_PREFIX, pending_upload_token
from articles.models import Article, Section
from articles.services import versions

TEXT_INPUTS = {"kicker", "headline", "deck", "slug", "summary", "body", "source_line", "dateline"}


@dataclass
class ConflictField:
    name: str
    label: str
    theirs: str
    mine: str
    diff: SafeString | None  # from theirs to mine


def field_label(form, name: str) -> str:
    labels = {"bylines": "署名"}
    if name in form.fields:
        return str(form.fields[name].label)
    return labels.get(name, name)


def _shown(name: str, value) -> str:
    if value is None:
        return ""
    if name == "section":
        section = Section.objects.filter(pk=value).first()
        return section.name if section else ""
    if name == "lead_image":
        return getattr(value, "name", value) or "（无题图）"
    return str(value)


def conflict_fields(form, conflict) -> list[ConflictField]:
    theirs = conflict.theirs
    fields = []
    for name in conflict.conflicts:
        their_value = _shown(name, theirs.values.get(name))
        my_value = _shown(name, conflict.mine.values.get(name))
        diff = diff_article_versions({name: their_value}, {name: my_value})
        fields.append(
            ConflictField(
                name=name,
                label=field_label(form, name),
                theirs=their_value,
                mine=my_value,
                diff=SafeString(diff[0].html) if diff else None,
            )
        )
    return fields


def conflict_changes(conflict):
    """What the others changed since the form was opened, or None when that is not known."""
    if conflict.base_row is None:
        return None
    return diff_article_versions(
        versions.version_snapshot(conflict.base_row), versions.article_snapshot(conflict.current)
    )


def conflict_form_data(request, conflict):
    """The POST to show again: the merge's values, the user's own where both changed, and the
    version merged with, so the next save writes only what the user changed or resolved."""
    data = request.POST.copy()
    if conflict.result is None:
        return data  # saves kept racing: the same form, merged again on the next save
    state = conflict.result.state
    current: Article = conflict.current
    for name in (*TEXT_INPUTS, "lead_image_caption", "lead_image_credit"):
        if name not in conflict.conflicts:
            data[name] = state.values.get(name) or ""
    if "section" not in conflict.conflicts:
        data["section"] = str(state.values.get("section") or "")
    data["tags"] = edit_string_for_tags([SimpleNamespace(name=n) for n in sorted(state.tags)])
    data.setlist("regions", [str(pk) for pk in sorted(state.regions)])
    data.setlist("themes", [str(pk) for pk in sorted(state.themes)])
    for key in [k for k in data if k.startswith("bylines-")]:
        del data[key]
    data["bylines-TOTAL_FORMS"] = str(len(state.bylines))
    data["bylines-INITIAL_FORMS"] = "0"
    data["bylines-MIN_NUM_FORMS"] = "0"
    data["bylines-MAX_NUM_FORMS"] = "1000"
    for index, (author_id, role) in enumerate(state.bylines):
        data[f"bylines-{index}-article"] = str(current.pk)
        data[f"bylines-{index}-author"] = str(author_id)
        data[f"bylines-{index}-role"] = role
        data[f"bylines-{index}-order"] = str(index)
    upload = request.FILES.get("lead_image")
    if upload is not None:
        storage = Article._meta.get_field("lead_image").storage
        kept = storage.save(f"{PENDING_PREFIX}{upload.name}", upload)
        data["pending_lead_image"] = pending_upload_token(kept)
    if "lead_image" not in conflict.conflicts:
        data.pop("lead_image-clear", None)
    for key in [k for k in data if k.startswith("resolve_")]:
        del data[key]
    data["opened_version"] = str(current.lock_version)
    return data
