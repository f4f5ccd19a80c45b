"""Every write the desk or a reader can see, one module per family of actions (as zulip's
`zerver/actions/` and `wagtail/actions/`). Each service checks the user and the article's state,
writes, and owns every consequence of its change (search index, coverage counts, validators,
cache, versions) through `derived.py`. The admin, commands and imports call these and nothing
else writes."""

from .base import EditConflict, TransitionRefused
from .derived import article_derived_refresh
from .editing import (
    article_add_correction,
    article_create,
    article_save_edit,
    article_set_bylines,
    articles_delete,
    author_get_or_create,
    correction_edit,
)
from .history import article_restore_version
from .previews import PREVIEW_HOURS, preview_link_create, preview_link_revoke
from .related import article_related_refresh, articles_related_refresh_all
from .tagging import articles_bulk_tag, tag_rename, tags_merge, tags_merge_as, tidy_tag_name
from .taxonomy import taxonomy_delete, taxonomy_save
from .workflow import (
    TRANSITIONS,
    article_apply_transition,
    article_approve,
    article_correct,
    article_publish,
    article_return,
    article_submit,
    article_withdraw,
    available_transitions,
)

__all__ = [
    "PREVIEW_HOURS",
    "TRANSITIONS",
    "EditConflict",
    "TransitionRefused",
    "article_add_correction",
    "article_apply_transition",
    "article_approve",
    "article_correct",
    "article_create",
    "article_derived_refresh",
    "article_publish",
    "article_related_refresh",
    "article_restore_version",
    "article_return",
    "article_save_edit",
    "article_set_bylines",
    "article_submit",
    "article_withdraw",
    "articles_bulk_tag",
    "articles_delete",
    "articles_related_refresh_all",
    "author_get_or_create",
    "available_transitions",
    "correction_edit",
    "preview_link_create",
    "preview_link_revoke",
    "tag_rename",
    "tags_merge",
    "tags_merge_as",
    "taxonomy_delete",
    "taxonomy_save",
    "tidy_tag_name",
]
