from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.demo import content as demo_content
from articles.demo.loader import ADMIN_USERNAME
from articles.models import Article, Author, Byline, Correction, RelatedArticle, Section
from regions.models import Region
from tests.articles.services import assert_scored

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "articles": sorted(
            Article.objects.values_list("headline", "status", "published_at", "updated_at", "slug")
        ),
        "bylines": Byline.objects.count(),
        "corrections": Correction.objects.count(),
        "authors": Author.objects.count(),
        "sections": Section.objects.count(),
        "users": get_user_model().objects.count(),
    }


def _load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_load_demo_twice_changes_nothing():
    """The second run creates and updates nothing and says so."""
    _load("--admin")
    first = _snapshot()
    output = _load("--admin")
    assert _snapshot() == first
    assert "没有改动" in output


def test_load_demo_publishes_the_stories_and_hides_draft_and_scheduled():
    """At least 12 stories are readable; the draft and the scheduled story are not."""
    _load()
    published = Article.objects.published()
    assert published.count() >= 12
    draft, scheduled = (
        next(a for a in demo_content.ARTICLES if a["key"] == key)
        for key in ("demo-draft", "demo-scheduled")
    )
    assert Article.objects.filter(headline=draft["headline"], status="draft").exists()
    assert Article.objects.filter(headline=scheduled["headline"]).exists()
    assert not published.filter(headline__in=[draft["headline"], scheduled["headline"]]).exists()


def test_load_demo_gives_every_story_its_related_stories():
    """Each demo story's list is scored among all the demo stories, not only those loaded
    before it."""
    _load()
    stories = Article.objects.exclude(status=Article.Status.WITHDRAWN)
    for article in stories.filter(pk__in=Article.objects.published().values("pk")):
        assert_scored(article)
    assert RelatedArticle.objects.filter(article__in=Article.objects.published()).count() >= 12


def test_load_demo_spreads_stories_over_the_three_provinces():
    """Beijing, Tianjin and Hebei each have published stories (sub-regions included)."""
    _load()
    for slug in ("beijing", "tianjin", "hebei"):
        region = Region.objects.get(slug=slug)
        assert Article.objects.published().in_region(region).count() >= 3, slug


def test_load_demo_gives_every_section_published_stories():
    """No section of the demo desk is empty."""
    _load()
    for section in Section.objects.all():
        assert Article.objects.published().filter(section=section).exists(), section.name


def test_load_demo_prints_the_local_admin_credentials():
    """With --admin a superuser is created and its password printed once."""
    output = _load("--admin")
    user = get_user_model().objects.get(username=ADMIN_USERNAME)
    assert user.is_superuser
    password = output.split("密码")[1].split()[0]
    assert user.check_password(password)


def test_load_demo_makes_no_admin_without_debug_or_flag(settings):
    """Outside DEBUG, the admin account is only made when asked for."""
    settings.DEBUG = False
    _load()
    assert not get_user_model().objects.filter(username=ADMIN_USERNAME).exists()


def test_load_demo_makes_one_account_per_desk_role():
    """With --admin, a reporter, an editor and a duty editor account exist in their groups."""
    _load("--admin")
    User = get_user_model()
    groups = {
        username: list(User.objects.get(username=username).groups.values_list("name", flat=True))
        for username in ("demo-reporter", "demo-editor", "demo-duty")
    }
    assert groups == {
        "demo-reporter": ["记者"],
        "demo-editor": ["编辑"],
        "demo-duty": ["值班主编"],
    }
    assert Author.objects.get(user__username="demo-reporter").name == "林晓雯"
