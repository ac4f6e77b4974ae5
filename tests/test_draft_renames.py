"""A renamed draft row's old slug is no reader's business: it never redirects for them,
on any route that reads `?only=`; staff are still sent to the current slug."""

import pytest

from comparisons.models import Dimension, Status
from tests.factories import make_comparison, rename

pytestmark = pytest.mark.django_db

ROUTES = [
    "/compare/b2b-vs-b2c/",
    "/compare/b2b-vs-b2c/export.md",
    "/compare/b2b-vs-b2c/export.csv",
    "/compare/b2b-vs-b2c/export.json",
    "/compare/b2b-vs-b2c/changes.atom",
    "/compare/b2b-vs-b2c/preview.png",
    "/embed/b2b-vs-b2c/",
    "/api/v1/comparisons/b2b-vs-b2c/",
]


@pytest.fixture
def renamed_draft(db):
    make_comparison(dimensions=2)
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    rename(Dimension, "row-2", "secret-new-name")


@pytest.mark.parametrize("route", ROUTES)
def test_a_renamed_drafts_old_slug_never_redirects_a_reader(client, renamed_draft, route):
    response = client.get(route, {"only": "row-2"})
    assert response.status_code == 200, route
    assert "secret-new-name" not in response.get("Location", "")
    if not response.streaming and response["Content-Type"].startswith(("text", "appl")):
        assert b"secret-new-name" not in response.content


def test_staff_are_sent_to_the_drafts_current_slug(renamed_draft, editor_client):
    response = editor_client.get("/compare/b2b-vs-b2c/", {"only": "row-2"})
    assert response.status_code == 301
    assert "only=secret-new-name" in response["Location"]


def test_a_published_rows_old_slug_still_redirects_readers(client):
    make_comparison(dimensions=2)
    rename(Dimension, "row-2", "new-name")
    response = client.get("/compare/b2b-vs-b2c/", {"only": "row-2"})
    assert response.status_code == 301
    assert "only=new-name" in response["Location"]
