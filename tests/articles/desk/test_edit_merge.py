"""Two editors on one story, through the real admin: edits are merged field by field, nothing
either one changed is lost, and only fields both changed are shown as conflicts."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from taggit.models import Tag
from taggit.utils import edit_string_for_tags

from articles import services
from articles.models import Article, Byline
from articles.services import versions
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def open_form(client: Client, article: Article) -> dict:
    """The change page as a browser holds it: every field's value, ready to post back."""
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "lead_image":
            continue
        if name == "tags":
            data[name] = edit_string_for_tags(article.tags.all())
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None:
                    data[form.add_prefix(name)] = getattr(value, "pk", value)
    return data


def post(client: Client, article: Article, data: dict):
    return client.post(reverse("admin:articles_article_change", args=[article.pk]), data)


@pytest.fixture
def editors():
    users = get_user_model().objects
    return (
        users.create_superuser("bianji-a", "", "x"),
        users.create_superuser("bianji-b", "", "x"),
        users.create_superuser("zhiban", "", "x"),
    )


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def story():
    return make_article(
        headline="雄安新区新增一批跨省通办事项",
        deck="三地政务窗口互认材料",
        body="<p>首批事项覆盖社保、公积金和企业登记。</p><p>办事群众不必往返奔波。</p>",
        authors=[(make_author(name="林晓雯"), "reporter")],
        tags=["政务服务"],
        status=Article.Status.DRAFT,
    )


def test_headline_by_one_and_deck_by_the_other_both_stay(editors, story):
    """A changes the headline and adds a tag; B, on an older form, changes the deck: B's save
    goes through at once and keeps A's headline and tag."""
    a, b, _ = editors
    form_a, form_b = open_form(as_user(a), story), open_form(as_user(b), story)
    form_a |= {"headline": "雄安新区跨省通办事项再扩容", "tags": "政务服务, 跨省通办"}
    assert post(as_user(a), story, form_a).status_code == 302

    response = post(as_user(b), story, form_b | {"deck": "材料互认，一窗受理"})

    assert response.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert saved.headline == "雄安新区跨省通办事项再扩容"
    assert saved.deck == "材料互认，一窗受理"
    assert set(saved.tags.names()) == {"政务服务", "跨省通办"}


def test_a_merged_save_says_whose_work_it_kept(editors, story):
    """The page after B's merged save names A and the field taken from A's save."""
    a, b, _ = editors
    form_a, form_b = open_form(as_user(a), story), open_form(as_user(b), story)
    post(as_user(a), story, form_a | {"headline": "雄安新区跨省通办事项再扩容"})

    client_b = as_user(b)
    response = post(client_b, story, form_b | {"deck": "材料互认"})
    page = client_b.get(response["Location"]).content.decode()
    assert "已合并 bianji-a" in page and "主题" in page


def test_both_editing_the_body_is_a_conflict_that_keeps_both(editors, story):
    """Both change the body: B's save is refused, B's body is still in the form, A's stands,
    and the page shows both versions of the body with a choice."""
    a, b, _ = editors
    form_a, form_b = open_form(as_user(a), story), open_form(as_user(b), story)
    post(as_user(a), story, form_a | {"body": "<p>首批事项覆盖社保和企业登记。</p>"})

    response = post(as_user(b), story, form_b | {"body": "<p>首批事项共有二十项。</p>"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="resolve_body"' in page
    assert "首批事项共有二十项。" in page and "首批事项覆盖社保和企业登记。" in page
    assert "没有生效" in page and "bianji-a" in page
    assert Article.objects.get(pk=story.pk).body == "<p>首批事项覆盖社保和企业登记。</p>"


def _resubmit(response) -> dict:
    """The re-shown form posted back as the browser would: its data as the server set it."""
    return response.context["adminform"].form.data.dict() | {
        key: response.context["adminform"].form.data.getlist(key)
        for key in ("regions", "themes")
        if key in response.context["adminform"].form.data
    }


def test_keeping_mine_after_a_conflict_writes_only_what_i_changed(editors, story):
    """B, having changed the deck and the headline, meets A's headline and A's new tag; B keeps
    B's headline: the saved story has B's headline and deck and still A's tag."""
    a, b, _ = editors
    form_a, form_b = open_form(as_user(a), story), open_form(as_user(b), story)
    form_a |= {"headline": "A 改的主题", "tags": "政务服务, 一网通办"}
    post(as_user(a), story, form_a)
    refused = post(as_user(b), story, form_b | {"headline": "B 改的主题", "deck": "B 改的副题"})
    assert refused.status_code == 200

    accepted = post(as_user(b), story, _resubmit(refused) | {"resolve_headline": "mine"})

    assert accepted.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert (saved.headline, saved.deck) == ("B 改的主题", "B 改的副题")
    assert set(saved.tags.names()) == {"政务服务", "一网通办"}


def test_keeping_theirs_after_a_conflict_never_reverts_the_other_editor(editors, story):
    """The same, with B choosing A's headline: A's headline and tag stay, B's deck is saved."""
    a, b, _ = editors
    form_a, form_b = open_form(as_user(a), story), open_form(as_user(b), story)
    post(as_user(a), story, form_a | {"headline": "A 改的主题", "tags": "政务服务, 一网通办"})
    refused = post(as_user(b), story, form_b | {"headline": "B 改的主题", "deck": "B 改的副题"})

    accepted = post(as_user(b), story, _resubmit(refused) | {"resolve_headline": "theirs"})

    assert accepted.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert (saved.headline, saved.deck) == ("A 改的主题", "B 改的副题")
    assert set(saved.tags.names()) == {"政务服务", "一网通办"}


def test_bulk_tagging_between_opening_and_saving_is_kept(editors, story):
    """A opens the story; the duty editor bulk-adds a tag; A saves a new headline from the old
    form: the bulk tag is still there."""
    a, _, duty = editors
    form_a = open_form(as_user(a), story)
    services.articles_bulk_tag(
        articles=[story], operation="add", tag="京津冀协同发展十周年", user=duty
    )

    response = post(as_user(a), story, form_a | {"headline": "A 的新主题"})

    assert response.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert saved.headline == "A 的新主题"
    assert "京津冀协同发展十周年" in saved.tags.names()


def test_bulk_tagging_moves_the_lock_version(editors, story):
    """A bulk change is a change an open form must meet: the lock version moves."""
    before = Article.objects.get(pk=story.pk).lock_version
    services.articles_bulk_tag(articles=[story], operation="add", tag="营商环境", user=editors[2])
    assert Article.objects.get(pk=story.pk).lock_version == before + 1


def test_a_tag_merge_between_opening_and_saving_is_kept(editors, story):
    """A opens the story tagged 政务服务; the duty editor merges 政务服务 into 政务服务改革; A saves
    from the old form: the story carries the merged tag, not the old one again."""
    a, _, duty = editors
    form_a = open_form(as_user(a), story)
    keep = Tag.objects.create(name="政务服务改革", slug="zhengwu-gaige")
    services.tags_merge(keep=keep, merge=list(Tag.objects.filter(name="政务服务")), user=duty)

    response = post(as_user(a), story, form_a | {"deck": "A 改的副题"})

    assert response.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert set(saved.tags.names()) == {"政务服务改革"}
    assert saved.deck == "A 改的副题"


def test_a_tag_rename_between_opening_and_saving_is_kept(editors, story):
    """A rename while A's form is open: A's save keeps the new name."""
    a, _, duty = editors
    form_a = open_form(as_user(a), story)
    services.tag_rename(tag=Tag.objects.get(name="政务服务"), name="政务服务一体化", user=duty)

    post(as_user(a), story, form_a | {"deck": "A 改的副题"})

    assert set(Article.objects.get(pk=story.pk).tags.names()) == {"政务服务一体化"}


def test_a_restore_between_opening_and_saving_is_kept(editors, story):
    """B restores the first version (the old headline) while A's form is open; A's deck change
    is saved on top of the restored headline."""
    a, b, _ = editors
    first = versions.versions_of(story).last()
    form_b = open_form(as_user(b), story)
    post(as_user(b), story, form_b | {"headline": "后来改过的主题"})
    form_a = open_form(as_user(a), story)
    services.article_restore_version(article=story, version=first, user=b)

    response = post(as_user(a), story, form_a | {"deck": "A 改的副题"})

    assert response.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert (saved.headline, saved.deck) == ("雄安新区新增一批跨省通办事项", "A 改的副题")


def test_bylines_added_by_one_and_removed_by_the_other_both_apply(editors, story):
    """A adds a correspondent; B, on an older form, adds a photographer: both are on the story."""
    a, b, _ = editors
    form_a, form_b = open_form(as_user(a), story), open_form(as_user(b), story)
    li, gao = make_author(name="李东野"), make_author(name="高峰")
    form_a |= {
        "bylines-TOTAL_FORMS": "2",
        "bylines-1-author": li.pk,
        "bylines-1-role": "correspondent",
        "bylines-1-order": 1,
    }
    assert post(as_user(a), story, form_a).status_code == 302
    form_b |= {
        "bylines-TOTAL_FORMS": "2",
        "bylines-1-author": gao.pk,
        "bylines-1-role": "photographer",
        "bylines-1-order": 1,
    }

    assert post(as_user(b), story, form_b).status_code == 302

    names = list(
        Byline.objects.filter(article=story).order_by("order").values_list("author__name", "role")
    )
    assert names == [
        ("林晓雯", "reporter"),
        ("李东野", "correspondent"),
        ("高峰", "photographer"),
    ]


def test_saving_an_unchanged_stale_form_changes_nothing(editors, story):
    """B saves an old form without touching anything: A's headline, tag and body all stay."""
    a, b, _ = editors
    form_a, form_b = open_form(as_user(a), story), open_form(as_user(b), story)
    post(
        as_user(a),
        story,
        form_a | {"headline": "A 的主题", "body": "<p>A 的正文。</p>", "tags": "A的标签"},
    )

    assert post(as_user(b), story, form_b).status_code == 302

    saved = Article.objects.get(pk=story.pk)
    assert (saved.headline, saved.body) == ("A 的主题", "<p>A 的正文。</p>")
    assert set(saved.tags.names()) == {"A的标签"}


def _jpeg(colour: str) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 40), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_replaced_lead_image_is_stored_and_shown_to_readers(editors, story):
    """A new JPEG chosen on a published story's change page is written through the storage and
    the reader page's image answers with its bytes; the old file stays for the old version."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    a, _, duty = editors
    services.article_submit(article=story, user=duty)
    services.article_approve(article=story, user=duty)
    services.article_publish(article=story, user=duty)
    client = as_user(a)
    first, second = _jpeg("red"), _jpeg("blue")
    for picture in (first, second):
        form = open_form(client, story)
        upload = SimpleUploadedFile("lead.jpg", picture, content_type="image/jpeg")
        assert post(client, story, form | {"lead_image": upload}).status_code == 302

    saved = Article.objects.get(pk=story.pk)
    assert saved.lead_image.name.startswith("lead/") and saved.lead_image.name != "lead.jpg"
    page = Client().get(saved.get_absolute_url()).content.decode()
    assert saved.lead_image.url in page
    image = Client().get(saved.lead_image.url)
    assert image.status_code == 200
    assert b"".join(image.streaming_content) == second
    old = [str(v.field_dict["lead_image"] or "") for v in versions.versions_of(saved)]
    assert any(name and name != saved.lead_image.name for name in old)
    assert all(saved.lead_image.storage.exists(name) for name in old if name)


@pytest.fixture
def filed_story():
    from regions.models import Region, Theme

    return make_article(
        headline="一批协同项目落地",
        body="<p>三地签约一批产业项目。</p>",
        authors=[(make_author(name="温若溪"), "reporter")],
        tags=["冰雪运动"],
        regions=[Region.objects.filter(parent__isnull=False).first().slug],
        themes=[Theme.objects.first().slug],
    )


def _found(client, word: str, article) -> bool:
    response = client.get(reverse("articles:search"), {"q": word})
    return article.get_absolute_url() in response.content.decode()


def _admin_post(client, model_admin_url: str, obj, **changes):
    """Post an object's admin change form with `changes`, as an editor would."""
    response = client.get(model_admin_url)
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    data |= changes
    saved = client.post(model_admin_url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    return saved


@pytest.mark.parametrize(
    ("kind", "field", "new_word", "old_word"),
    [
        ("tag", "name", "冰雪赛事", "冰雪运动"),
        ("author", "name", "温若曦", "温若溪"),
        ("region", "name", "协同样板区", None),
        ("theme", "name", "协作清单", None),
    ],
)
def test_a_rename_in_its_admin_reaches_search_and_the_list_validators(
    editors, filed_story, kind, field, new_word, old_word
):
    """Renaming a tag, an author, a region or a theme in their own admin: search finds the story
    filed under it by the new name (and not the old), and the list's ETag changes."""
    client = as_user(editors[2])
    obj = {
        "tag": lambda: filed_story.tags.get(),
        "author": lambda: filed_story.bylines.get().author,
        "region": lambda: filed_story.regions.get(),
        "theme": lambda: filed_story.themes.get(),
    }[kind]()
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    reader = Client()

    def list_url():
        fresh = type(obj).objects.get(pk=obj.pk)
        if kind == "tag":  # a renamed tag's page moves with its slug
            return reverse("articles:tag", args=[fresh.slug])
        return fresh.get_absolute_url()

    etag_before = reader.get(list_url())["ETag"]
    assert not _found(reader, new_word, filed_story)

    _admin_post(client, url, obj, **{field: new_word})

    assert _found(reader, new_word, filed_story)
    if old_word:
        assert not _found(reader, old_word, filed_story)
    assert reader.get(list_url())["ETag"] != etag_before


def test_the_tag_admin_has_no_taggit_merge_action(editors):
    """taggit's merge action moves rows this project does not use: it is not offered."""
    response = as_user(editors[2]).get(reverse("admin:taggit_tag_changelist"))
    actions = [value for value, _ in response.context["action_form"].fields["action"].choices]
    assert "render_tag_form" not in actions


def test_the_version_diff_shows_a_replaced_lead_image_and_its_caption(editors, story):
    """版本历史 compares the lead image's file and its caption too."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(editors[0])
    form = open_form(client, story)
    upload = SimpleUploadedFile("gangkou.jpg", _jpeg("green"), content_type="image/jpeg")
    post(client, story, form | {"lead_image": upload, "lead_image_caption": "港口的集装箱码头"})
    newer, older = list(versions.versions_of(story)[:2])
    url = reverse("admin:articles_article_versions", args=[story.pk])
    page = client.get(url, {"a": older.pk, "b": newer.pk}).content.decode()
    assert "题图" in page and "gangkou" in page
    assert "港口的集装箱码头" in page


def test_a_lead_image_chosen_before_a_conflict_is_kept_until_it_is_resolved(editors, story):
    """B chooses a picture and a headline while A saves another headline: B's save is refused,
    and once B keeps B's headline the picture B chose is the story's, without choosing it again."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    a, b, _ = editors
    client_b = as_user(b)
    form_a, form_b = open_form(as_user(a), story), open_form(client_b, story)
    post(as_user(a), story, form_a | {"headline": "A 改的主题"})
    upload = SimpleUploadedFile("jiaotong.jpg", _jpeg("yellow"), content_type="image/jpeg")
    refused = post(client_b, story, form_b | {"headline": "B 改的主题", "lead_image": upload})
    assert refused.status_code == 200
    token = refused.context["adminform"].form.data["pending_lead_image"]
    assert token and f'name="pending_lead_image" value="{token}"' in refused.content.decode()

    accepted = post(client_b, story, _resubmit(refused) | {"resolve_headline": "mine"})

    assert accepted.status_code == 302
    saved = Article.objects.get(pk=story.pk)
    assert saved.headline == "B 改的主题"
    assert "jiaotong" in saved.lead_image.name
    assert saved.lead_image.read() == _jpeg("yellow")


def test_a_forged_pending_image_is_refused(editors, story):
    """The kept upload is named by a signed token: a form naming any other file is an error."""
    form = open_form(as_user(editors[0]), story)
    response = post(as_user(editors[0]), story, form | {"pending_lead_image": "../settings.py"})
    assert response.status_code == 200
    assert "题图的临时文件已失效" in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "field", "word"),
    [("region", "aliases", "协作样板片区"), ("theme", "keywords", "协作成果清单")],
)
def test_a_new_alias_or_keyword_rebuilds_the_filed_stories_search_entries(
    editors, filed_story, kind, field, word
):
    """An alias or keyword is a word of the search dictionary: saving one in its admin re-indexes
    the stories filed under it with the new dictionary, and their list's ETag changes."""
    from articles.models import SearchEntry

    obj = filed_story.regions.get() if kind == "region" else filed_story.themes.get()
    url = reverse(f"admin:regions_{kind}_change", args=[obj.pk])
    reader = Client()
    etag_before = reader.get(obj.get_absolute_url())["ETag"]
    before = SearchEntry.objects.get(article=filed_story).dictionary

    _admin_post(as_user(editors[2]), url, obj, **{field: f"{getattr(obj, field)}\n{word}"})

    assert SearchEntry.objects.get(article=filed_story).dictionary != before
    assert reader.get(obj.get_absolute_url())["ETag"] != etag_before


def test_a_save_that_keeps_losing_the_race_asks_to_save_again(editors, story, monkeypatch):
    """When every attempt met another save at the same instant, nothing is written and the
    same form comes back, still at the version it was opened at, asking for one more save."""
    from articles.services import editing

    client = as_user(editors[0])
    form = open_form(client, story) | {"deck": "仍然是我的副题"}
    monkeypatch.setattr(editing, "SAVE_ATTEMPTS", 0)

    response = post(client, story, form)

    assert response.status_code == 200
    assert "请再次保存" in response.content.decode()
    shown = response.context["adminform"].form.data
    assert shown["deck"] == "仍然是我的副题"
    assert shown["opened_version"] == str(form["opened_version"])
    assert Article.objects.get(pk=story.pk).deck == "三地政务窗口互认材料"
