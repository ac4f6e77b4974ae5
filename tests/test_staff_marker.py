"""Staff never read or fill the page cache, whatever cookies say; the staff marker (which only
sends staff past nginx's cache) holds while its session does and the user is staff."""

import re
from pathlib import Path

import pytest
from django.test import Client

from comparisons import staff_marker
from comparisons.models import Dimension, Status
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

TABLE = "/compare/b2b-vs-b2c/"


@pytest.fixture
def cached(client):
    make_comparison(dimensions=2)
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    assert client.get(TABLE).status_code == 200
    return client


def served_from_cache(response) -> bool:
    return response.wsgi_request.resolver_match is None


def logged_in(user) -> Client:
    """A client logged in through the admin's login page, as staff do."""
    staff = Client()
    response = staff.post("/admin/login/", {"username": user.username, "password": "password"})
    assert response.status_code == 302
    return staff


def test_staff_login_sets_the_signed_marker(cached, editor):
    staff = logged_in(editor)
    assert staff_marker.COOKIE in staff.cookies
    assert staff.cookies[staff_marker.COOKIE]["httponly"]


def test_staff_logged_in_see_drafts_and_never_read_the_cache(cached, editor):
    staff = logged_in(editor)
    response = staff.get(TABLE)
    assert not served_from_cache(response)
    assert b"Row 2" in response.content
    assert "private" in response["Cache-Control"]


def test_staff_never_fill_the_cache(client, editor):
    make_comparison(dimensions=2)
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    logged_in(editor).get(TABLE)
    response = client.get(TABLE)
    assert not served_from_cache(response)
    assert b"Row 2" not in response.content


def test_logout_deletes_the_marker(cached, editor):
    staff = logged_in(editor)
    staff.post("/admin/logout/")
    assert staff.cookies[staff_marker.COOKIE].value == ""
    assert served_from_cache(staff.get(TABLE))


def test_a_marker_replayed_after_logout_grants_nothing_and_is_deleted(cached, editor):
    staff = logged_in(editor)
    replayed = {name: morsel.value for name, morsel in staff.cookies.items()}
    staff.post("/admin/logout/")
    replayer = Client()
    replayer.cookies.load(replayed)
    response = replayer.get(TABLE)
    assert served_from_cache(response)
    assert b"Row 2" not in response.content
    assert response.cookies[staff_marker.COOKIE].value == ""


def test_a_demoted_editor_loses_the_marker_and_the_drafts(cached, editor):
    staff = logged_in(editor)
    editor.is_staff = False
    editor.save()
    response = staff.get(TABLE)
    assert b"Row 2" not in response.content
    assert response.cookies[staff_marker.COOKIE].value == ""


@pytest.mark.parametrize(
    "cookies",
    [
        {"sessionid": "x"},
        {"sessionid": "forged", staff_marker.COOKIE: "1"},
        {staff_marker.COOKIE: "0123456789abcdef0123456789abcdef:1abcde:forged-signature"},
    ],
)
def test_forged_cookies_are_served_from_the_cache(cached, cookies):
    forger = Client()
    forger.cookies.load(cookies)
    response = forger.get(TABLE)
    assert response.status_code == 200
    assert served_from_cache(response)
    assert b"Row 2" not in response.content


def test_the_marker_set_at_login_looks_valid_to_nginx(cached, editor):
    """deploy/nginx.conf passes staff past its cache only for a value of the marker's shape."""
    config = (Path(__file__).resolve().parent.parent / "deploy/nginx.conf").read_text()
    pattern = re.search(r'map \$cookie_kb_staff \$kb_staff \{\s+default "";\s+"~(.+?)" 1;', config)
    staff = logged_in(editor)
    assert re.fullmatch(pattern[1].strip("^$"), staff.cookies[staff_marker.COOKIE].value)
