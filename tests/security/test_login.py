"""Admin logins: locked out after repeated failures, unlocked by a command; the admin's address
is configurable; weak passwords are refused."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.servers import ROOT

pytestmark = pytest.mark.django_db

PASSWORD = "jingjinji-2026-zhiban"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "bianji", "bianji@example.cn", PASSWORD, is_staff=True
    )


def _login(password: str, *, address: str = "203.0.113.7", username: str = "bianji"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("admin:login"), {"username": username, "password": password})
    return response


def _fail(times: int, **where) -> None:
    for _ in range(times):
        assert _login("wrong-password", **where).status_code == 200  # the form, with its error


def _lock_out(settings, **where) -> None:
    """LOGIN_FAILURE_LIMIT wrong passwords: the last one already gets the lockout page."""
    _fail(settings.AXES_FAILURE_LIMIT - 1, **where)
    assert _login("wrong-password", **where).status_code == 429


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(editor, settings):
    """After LOGIN_FAILURE_LIMIT failures the right password is refused with a 429 page."""
    _lock_out(settings)
    response = _login(PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_the_lockout_page_explains_in_chinese_how_long_and_how_to_unlock(editor, settings):
    """The page names the account, the wait and the unlocking command."""
    _lock_out(settings)
    page = _login(PASSWORD).content.decode()
    assert "登录已暂时锁定" in page
    assert "“bianji”" in page
    assert "30 分钟后自动解除" in page
    assert "python manage.py axes_reset_username bianji" in page


def test_fewer_failures_than_the_limit_do_not_lock(editor, settings):
    """One failure short of the limit, the right password still logs in."""
    _fail(settings.AXES_FAILURE_LIMIT - 1)
    assert _login(PASSWORD).status_code == 302


def test_a_success_starts_the_count_again(editor, settings):
    """Failures before a successful login do not count towards the next lockout."""
    _fail(settings.AXES_FAILURE_LIMIT - 1)
    assert _login(PASSWORD).status_code == 302
    _fail(settings.AXES_FAILURE_LIMIT - 1)
    assert _login(PASSWORD).status_code == 302


def test_the_lockout_holds_for_one_address_only(editor, settings):
    """Failures from one address do not lock the editor out at the office."""
    _lock_out(settings, address="198.51.100.9")
    assert _login(PASSWORD, address="203.0.113.7").status_code == 302


def test_axes_reset_username_unlocks_the_account(editor, settings):
    """The documented command lifts the lockout at once."""
    _lock_out(settings)
    call_command("axes_reset_username", "bianji")
    assert _login(PASSWORD).status_code == 302


MOVED_ADMIN = """
import json, django
django.setup()
from django.test import Client
from django.urls import Resolver404, resolve, reverse
client = Client()
try:
    resolve("/admin/login/")
    old = "resolves"
except Resolver404:
    old = "404"
# No database here: the paths asked for are answered without one.
print(json.dumps({
    "reverse": reverse("admin:login"),
    "moved": client.get("/desk-7f3k/login/").status_code,
    "old": old,
    "moved_styles": client.get("/desk-7f3k/login/")["Content-Security-Policy"],
    "reader_styles": client.get("/robots.txt")["Content-Security-Policy"],
    "robots": client.get("/robots.txt").content.decode(),
}))
"""


@pytest.fixture(scope="module")
def moved_admin() -> dict:
    """What a server started with ADMIN_URL=desk-7f3k/ answers (a process of its own, since
    the URLs are read once at start)."""
    env = {
        **os.environ,
        "ADMIN_URL": "desk-7f3k/",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        # No database is opened: one that cannot exist proves it.
        "DATABASE_URL": "sqlite:////nonexistent/never-opened.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", MOVED_ADMIN], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_admin_url_moves_the_admin(moved_admin):
    """With ADMIN_URL set the admin answers there, and /admin/ is an ordinary 404."""
    assert moved_admin["reverse"] == "/desk-7f3k/login/"
    assert (moved_admin["moved"], moved_admin["old"]) == (200, "404")


def test_robots_txt_does_not_give_the_moved_admin_away(moved_admin):
    """robots.txt names no admin address once the admin has moved."""
    assert "desk-7f3k" not in moved_admin["robots"]
    assert "/admin/" not in moved_admin["robots"]


def test_the_moved_admin_keeps_its_policy_exceptions(moved_admin):
    """The admin's relaxed style policy follows it to its new address, and only there."""
    assert "'unsafe-inline'" in moved_admin["moved_styles"]
    assert "'unsafe-inline'" not in moved_admin["reader_styles"]


@pytest.mark.parametrize(
    "password", ["jingjinji", "123456789012345", "password1234", "bianji@example.cn"]
)
def test_weak_passwords_are_refused(editor, password):
    """Shorter than twelve, all digits, common, or like the account's name: refused."""
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_a_long_uncommon_password_is_accepted(editor):
    """The validators let a sound password through."""
    validate_password("xiongan-qiao-7-yun", user=editor)
