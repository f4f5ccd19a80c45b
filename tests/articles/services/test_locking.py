"""No lost edits: optimistic locking, checked in the same UPDATE that writes."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from articles import services
from articles.models import Article
from tests.articles.desk import change_form
from tests.factories import make_article, make_author


@pytest.fixture
def editors(db):
    User = get_user_model()
    a = User.objects.create_superuser("bianji-a", "", "x")
    b = User.objects.create_superuser("bianji-b", "", "x")
    return a, b


@pytest.fixture
def draft(editors):
    return make_article(
        headline="通武廊跨省通办事项再扩容",
        status=Article.Status.DRAFT,
        authors=[(make_author(name="林晓雯"), "reporter")],
        body="<p>三地政务服务中心新增一批可异地办理的事项。</p>",
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_stale_save_is_refused_and_keeps_what_was_typed(editors, draft):
    """B saves from an older form: refused, B's text is still in the page, A's save stands."""
    a, b = editors
    url = reverse("admin:articles_article_change", args=[draft.pk])
    opened = draft.lock_version
    first = _client(a).post(url, change_form(draft, headline="A 的新标题", opened_version=opened))
    assert first.status_code == 302

    second = _client(b).post(
        url, change_form(draft, headline="B 的另一个标题", opened_version=opened)
    )

    assert second.status_code == 200
    page = second.content.decode()
    assert 'value="B 的另一个标题"' in page
    assert "bianji-a" in page and "没有生效" in page
    assert Article.objects.get(pk=draft.pk).headline == "A 的新标题"


def test_stale_save_shows_what_changed_in_between(editors, draft):
    """The refusal lists the other editor's change, character by character."""
    a, b = editors
    url = reverse("admin:articles_article_change", args=[draft.pk])
    opened = draft.lock_version
    _client(a).post(
        url, change_form(draft, headline="通武廊跨省通办事项扩容", opened_version=opened)
    )
    response = _client(b).post(url, change_form(draft, headline="B 的标题", opened_version=opened))
    page = response.content.decode()
    assert "别人保存了这些改动" in page
    assert "<del>再</del>" in page


def test_second_save_after_seeing_the_conflict_goes_through(editors, draft):
    """After the refusal, saving the re-shown form again is B's informed choice and succeeds."""
    a, b = editors
    url = reverse("admin:articles_article_change", args=[draft.pk])
    opened = draft.lock_version
    _client(a).post(url, change_form(draft, headline="A 的新标题", opened_version=opened))
    client_b = _client(b)
    refused = client_b.post(url, change_form(draft, headline="B 的标题", opened_version=opened))
    new_version = refused.context["adminform"].form["opened_version"].value()
    accepted = client_b.post(
        url, change_form(draft, headline="B 的标题", opened_version=new_version)
    )
    assert accepted.status_code == 302
    assert Article.objects.get(pk=draft.pk).headline == "B 的标题"


def test_save_edit_refuses_a_stale_change_to_a_field_changed_since(draft, editors):
    """The service itself refuses a save from an older version that changes a field someone
    changed after it: nothing of the late save is written."""
    article = Article.objects.get(pk=draft.pk)
    article.headline = "先到的修改"
    services.article_save_edit(article=article, base_version=draft.lock_version, user=editors[0])
    stale = Article.objects.get(pk=draft.pk)
    stale.headline = "迟到的修改"
    with pytest.raises(services.EditConflict):
        services.article_save_edit(article=stale, base_version=draft.lock_version, user=editors[1])
    assert Article.objects.get(pk=draft.pk).headline == "先到的修改"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_through_the_admin_let_exactly_one_win():
    """Eight editors post the same opened version at the same instant: one save, seven refusals."""
    User = get_user_model()
    users = [User.objects.create_superuser(f"bianji-{n}", "", "x") for n in range(8)]
    draft = make_article(
        headline="原始标题",
        status=Article.Status.DRAFT,
        authors=[(make_author(name="周启航"), "reporter")],
    )
    url = reverse("admin:articles_article_change", args=[draft.pk])
    opened = draft.lock_version
    clients = [_client(user) for user in users]
    barrier = threading.Barrier(len(clients))
    statuses: dict[int, int] = {}

    def save(n: int) -> None:
        try:
            data = change_form(draft, headline=f"第{n}位编辑的标题", opened_version=opened)
            barrier.wait(timeout=20)
            statuses[n] = clients[n].post(url, data).status_code
        finally:
            connections.close_all()  # each thread has its own real connection

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [n for n, status in statuses.items() if status == 302]
    assert sorted(statuses.values()) == [200] * 7 + [302], statuses
    final = Article.objects.get(pk=draft.pk)
    assert final.headline == f"第{winners[0]}位编辑的标题"
    assert final.lock_version == opened + 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL"
)
def test_concurrent_service_saves_on_postgresql_never_both_win():
    """Many threads racing article_save_edit on PostgreSQL: exactly one UPDATE matches."""
    User = get_user_model()
    user = User.objects.create_superuser("bianji-race", "", "x")
    draft = make_article(headline="竞态测试", status=Article.Status.DRAFT)
    opened = draft.lock_version
    barrier = threading.Barrier(12)
    outcomes: list[str] = []

    def save(n: int) -> None:
        try:
            article = Article.objects.get(pk=draft.pk)
            article.headline = f"线程{n}"
            barrier.wait(timeout=20)
            try:
                services.article_save_edit(article=article, base_version=opened, user=user)
                outcomes.append("saved")
            except services.EditConflict:
                outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict"] * 11 + ["saved"]
    assert Article.objects.get(pk=draft.pk).lock_version == opened + 1
