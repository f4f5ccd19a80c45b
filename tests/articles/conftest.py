"""The desk's people: one staff user per role, reporters linked to their author records; and the
section most stories are filed in."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Author
from tests.factories import make_section

# Role in tests → the group made by migration 0003 (None: superuser, or staff with no group).
ROLES = {
    "reporter": "记者",
    "other_reporter": "记者",
    "editor": "编辑",
    "duty_editor": "值班主编",
    "superuser": None,
    "staff": None,
}


def make_user(username: str, role: str):
    """A staff account in the role's group."""
    users = get_user_model().objects
    if role == "superuser":
        return users.create_superuser(username, f"{username}@example.cn", "mima")
    user = users.create_user(username, f"{username}@example.cn", "mima", is_staff=True)
    if ROLES[role]:
        user.groups.add(Group.objects.get(name=ROLES[role]))
    return user


@pytest.fixture
def people(db) -> dict:
    """One user per role, keyed by role; each reporter has a byline name linked to the account."""
    users = {role: make_user(role.replace("_", ""), role) for role in ROLES}
    Author.objects.create(name="林晓雯", user=users["reporter"])
    Author.objects.create(name="温若溪", user=users["other_reporter"])
    return users


@pytest.fixture
def section():
    """协同发展 (slug xietong), the desk's everyday section."""
    return make_section(name="协同发展", slug="xietong")
