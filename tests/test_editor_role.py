from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from comparisons.models import Dimension
from comparisons.roles import EDITOR_PERMISSIONS, EDITORS
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import log_in, make_comparison

pytestmark = pytest.mark.django_db


def _create_editor(username="casey", email="casey@example.com"):
    out = StringIO()
    call_command("createeditor", username, email, stdout=out)
    return out.getvalue()


@pytest.fixture
def group_editor_client(client):
    _create_editor()
    log_in(client, get_user_model().objects.get(username="casey"))
    return client


def test_the_migration_gives_the_editors_group_exactly_the_content_permissions():
    group = Group.objects.get(name=EDITORS)
    granted = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
    assert granted == set(EDITOR_PERMISSIONS)
    assert ("comparisons", "change_dimension") in granted
    assert ("taggit", "delete_tag") in granted
    assert not {label for label, _ in granted} & {"auth", "contenttypes", "sessions", "admin"}


def test_createeditor_makes_a_staff_user_in_the_group_with_a_printed_password():
    output = _create_editor()
    password = output.split("password: ", 1)[1].split()[0]
    user = authenticate(RequestFactory().get("/"), username="casey", password=password)
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS]
    assert user.email == "casey@example.com"


def test_createeditor_refuses_an_existing_username_and_a_bad_email():
    _create_editor()
    with pytest.raises(CommandError, match="already exists"):
        _create_editor()
    with pytest.raises(CommandError, match="not an email"):
        _create_editor("robin", "robin-at-example")
    assert not get_user_model().objects.filter(username="robin").exists()


def test_an_editor_edits_a_row_in_the_admin(group_editor_client):
    make_comparison(dimensions=1)
    dimension = Dimension.objects.get()
    data = opened_dimension_form(
        dimension, title="Renamed row", b2b_body="Edited b2b", b2c_body="Edited b2c"
    )
    url = change_url(dimension)
    assert group_editor_client.get(url).status_code == 200
    response = group_editor_client.post(url, data)
    assert response.status_code == 302
    dimension.refresh_from_db()
    assert dimension.title == "Renamed row"
    assert sorted(dimension.entries.values_list("body", flat=True)) == ["Edited b2b", "Edited b2c"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
    ],
)
def test_an_editor_gets_403_on_users_and_groups(group_editor_client, url):
    assert group_editor_client.get(url).status_code == 403


def test_an_operator_manages_users_and_groups_that_editors_cannot(superuser_client, editor):
    assert superuser_client.get("/admin/auth/user/").status_code == 200
    assert superuser_client.get(f"/admin/auth/user/{editor.pk}/change/").status_code == 200
    assert superuser_client.get("/admin/auth/group/").status_code == 200


def test_a_reader_is_sent_to_log_in_and_sees_no_admin_page(reader):
    response = reader.get("/admin/comparisons/dimension/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_editor_cannot_promote_themself(group_editor_client):
    user = get_user_model().objects.get(username="casey")
    response = group_editor_client.post(
        f"/admin/auth/user/{user.pk}/change/", {"is_superuser": "on"}
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser
