"""Tag clean-up: near-duplicates found, merged without losing any article's tag, renamed."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import search, services
from articles.desk.tags import near_duplicates, tag_key, tags_with_counts
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"), [("专利导航", "专利 导航"), ("专利导航", "专利导航。"), ("IPv6", "ＩＰｖ６")]
)
def test_same_word_written_differently_has_one_key(a, b):
    """Spaces, punctuation, width and case do not make a different tag."""
    assert tag_key(a) == tag_key(b)


def test_near_duplicates_are_grouped_most_used_first():
    """专利导航 (2 stories) and 专利 导航 (1) form one group, the busier first."""
    make_article(tags=["专利导航"])
    make_article(tags=["专利导航"])
    make_article(tags=["专利 导航"])
    make_article(tags=["人才服务"])
    groups = near_duplicates(tags_with_counts())
    assert [[t.name for t in group] for group in groups] == [["专利导航", "专利 导航"]]


def test_merge_keeps_every_articles_tags_under_the_kept_name():
    """Each article keeps all its tags; the merged ones now read 专利导航, once."""
    one = make_article(tags=["专利 导航", "人才"])
    both = make_article(tags=["专利导航", "专利 导航"])
    keep = Tag.objects.get(name="专利导航")
    services.tags_merge(keep=keep, merge=list(Tag.objects.filter(name="专利 导航")))
    assert set(one.tags.names()) == {"人才", "专利导航"}
    assert list(both.tags.names()) == ["专利导航"]
    assert not Tag.objects.filter(name="专利 导航").exists()


def test_merged_tag_is_searchable_under_the_kept_name():
    """The merged articles are re-indexed at once."""
    story = make_article(headline="园区动态", tags=["专利 导航"])
    keep = Tag.objects.create(name="专利导航", slug="zhuanli-daohang")
    services.tags_merge(keep=keep, merge=list(Tag.objects.filter(name="专利 导航")))
    found = search.matching(Article.objects.all(), search.parse("专利导航"))
    assert list(found.values_list("pk", flat=True)) == [story.pk]


def test_rename_to_an_existing_name_merges():
    """Renaming 专利 导航 to 专利导航 folds it into the existing tag."""
    story = make_article(tags=["专利 导航"])
    make_article(tags=["专利导航"])
    services.tag_rename(tag=Tag.objects.get(name="专利 导航"), name="专利导航")
    assert list(story.tags.names()) == ["专利导航"]
    assert Tag.objects.filter(name__in=["专利导航", "专利 导航"]).count() == 1


def test_rename_gives_a_working_tag_page(client):
    """A renamed tag gets a new slug and its page lists its stories."""
    make_article(headline="通勤班车增开", tags=["通勤"])
    tag = services.tag_rename(tag=Tag.objects.get(name="通勤"), name="跨省通勤")
    response = client.get(reverse("articles:tag", args=[tag.slug]))
    assert response.status_code == 200 and "通勤班车增开" in response.content.decode()


def test_clean_up_page_lists_tags_used_once(client, people):
    """Editors see every tag with its count and the ones used once marked."""
    make_article(tags=["孤零零的标签"])
    client.force_login(people["editor"])
    page = client.get(reverse("admin:articles_article_tags")).content.decode()
    assert "孤零零的标签" in page and "只用过一次" in page


def test_clean_up_page_merges_from_a_post(client, people):
    """Posting two tags and a name merges them under that name."""
    make_article(tags=["专利导航"])
    make_article(tags=["专利 导航"])
    client.force_login(people["editor"])
    client.post(
        reverse("admin:articles_article_tags"),
        {"do": "merge", "tag": list(Tag.objects.values_list("pk", flat=True)), "name": "专利导航"},
    )
    assert list(Tag.objects.values_list("name", flat=True)) == ["专利导航"]


def test_reporters_cannot_use_the_clean_up_page(client, people):
    """Tag clean-up is for editors."""
    client.force_login(people["reporter"])
    assert client.get(reverse("admin:articles_article_tags")).status_code == 403


def _age(article, hours=5):
    """Pretend the article last changed `hours` ago; returns that time."""
    when = timezone.now() - timedelta(hours=hours)
    Article.objects.filter(pk=article.pk).update(updated_at=when)
    return when


def test_merge_moves_the_stories_updated_time():
    """A merge changes the tag the story pages show: their updated time (Last-Modified) moves."""
    story = make_article(tags=["专利 导航"])
    before = _age(story)
    keep = Tag.objects.create(name="专利导航", slug="zhuanli-daohang")
    services.tags_merge(keep=keep, merge=list(Tag.objects.filter(name="专利 导航")))
    assert Article.objects.get(pk=story.pk).updated_at > before


def test_rename_moves_the_stories_updated_time():
    """A renamed tag reads differently on its stories' pages: their updated time moves."""
    story = make_article(tags=["专利 导航"])
    before = _age(story)
    services.tag_rename(tag=Tag.objects.get(name="专利 导航"), name="专利导航服务")
    assert Article.objects.get(pk=story.pk).updated_at > before


def _merge_all(client, name=""):
    return client.post(
        reverse("admin:articles_article_tags"),
        {"do": "merge", "tag": list(Tag.objects.values_list("pk", flat=True)), "name": name},
    )


def test_merge_without_a_name_keeps_the_most_used_spelling(client, people):
    """No name typed: the busier tag's name stays, whichever sorts first."""
    make_article(tags=["专利 导航"])
    make_article(tags=["专利导航"])
    make_article(tags=["专利导航"])
    client.force_login(people["editor"])
    _merge_all(client)
    assert list(Tag.objects.values_list("name", flat=True)) == ["专利导航"]


def test_merge_on_a_tie_keeps_the_spelling_without_stray_spaces(client, people):
    """Equal uses: 专利导航 wins over “ 专利导航 ” and “专利  导航”."""
    for name in [" 专利导航 ", "专利导航", "专利  导航"]:
        Tag.objects.create(name=name, slug=f"t{len(Tag.objects.all())}")
        make_article(tags=[Tag.objects.get(name=name)])
    client.force_login(people["editor"])
    _merge_all(client)
    assert list(Tag.objects.values_list("name", flat=True)) == ["专利导航"]


def test_merge_of_untidy_tags_keeps_a_tidy_spelling(client, people):
    """The most used name is kept without its stray spaces."""
    Tag.objects.create(name=" Smart  City ", slug="smart-city-1")
    make_article(tags=[Tag.objects.get(name=" Smart  City ")])
    make_article(tags=[Tag.objects.get(name=" Smart  City ")])
    make_article(tags=["smart city"])
    client.force_login(people["editor"])
    _merge_all(client)
    assert list(Tag.objects.values_list("name", flat=True)) == ["Smart City"]


def test_a_typed_name_is_stored_stripped(client, people):
    """“  专利导航服务 ” typed: 专利导航服务 stored, every article under it."""
    one = make_article(tags=["专利导航"])
    two = make_article(tags=["专利 导航"])
    client.force_login(people["editor"])
    _merge_all(client, name="  专利导航服务 ")
    assert list(Tag.objects.values_list("name", flat=True)) == ["专利导航服务"]
    assert list(one.tags.names()) == list(two.tags.names()) == ["专利导航服务"]


def test_merge_message_counts_the_stories_whose_tag_reads_differently(client, people):
    """Only the stories under the merged-away spelling changed."""
    make_article(tags=["专利导航"])
    make_article(tags=["专利导航"])
    make_article(tags=["专利 导航"])
    client.force_login(people["editor"])
    response = _merge_all(client)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["已合并为“专利导航”，1 篇稿件的标签随之更新。"]


def test_rename_stores_the_name_stripped():
    """Renaming to “ 跨省通勤 ” gives 跨省通勤."""
    make_article(tags=["通勤"])
    tag = services.tag_rename(tag=Tag.objects.get(name="通勤"), name=" 跨省通勤 ")
    assert tag.name == "跨省通勤"


def test_near_duplicates_put_the_tidy_spelling_first_on_a_tie():
    """The group's first tag (the merge form's default name) has no stray spaces."""
    Tag.objects.create(name=" 专利导航", slug="zhuanli-1")
    make_article(tags=[Tag.objects.get(name=" 专利导航")])
    make_article(tags=["专利导航"])
    groups = near_duplicates(tags_with_counts())
    assert [t.name for t in groups[0]] == ["专利导航", " 专利导航"]
