"""Who may do what to an article. The admin and the services both ask here, so a crafted
request meets the same rule as a button."""

from articles.models import Article

EDITABLE_BY_EDITORS = {Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.APPROVED}


def is_own_article(user, article: Article) -> bool:
    """The user created it, or is one of its bylined authors."""
    if not article.pk:
        return True
    if article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def can_edit_article(user, article: Article) -> bool:
    """Reporters edit their own drafts; editors any draft or story in review; duty editors all."""
    if not (user.is_active and user.has_perm("articles.change_article")):
        return False
    if user.has_perm("articles.publish_article"):
        return True
    if user.has_perm("articles.review_article"):
        return article.status in EDITABLE_BY_EDITORS
    return article.status == Article.Status.DRAFT and is_own_article(user, article)
