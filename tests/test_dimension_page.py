import pytest

from comparisons.models import Dimension, Status
from tests.factories import log_in, make_comparison

pytestmark = pytest.mark.django_db


def test_it_shows_the_row_with_every_segment(client, comparison):
    response = client.get("/compare/b2b-vs-b2c/row-1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Row 1" in html
    assert "B2B answer for row 1" in html and "B2C answer for row 1" in html
    assert "row 2" not in html
    assert 'href="/compare/b2b-vs-b2c/#row-1"' in html


def test_a_row_of_another_comparison_is_404(client, comparison):
    make_comparison(slug="other", dimensions=0)
    assert client.get("/compare/other/row-1/").status_code == 404


def test_an_unknown_row_is_404(client, comparison):
    assert client.get("/compare/b2b-vs-b2c/no-such-row/").status_code == 404


def test_a_draft_row_is_404_for_anonymous_and_shown_to_staff(client, editor, comparison):
    Dimension.objects.filter(slug="row-1").update(status=Status.DRAFT)
    assert client.get("/compare/b2b-vs-b2c/row-1/").status_code == 404
    log_in(client, editor)
    assert client.get("/compare/b2b-vs-b2c/row-1/").status_code == 200


def test_a_row_of_a_draft_comparison_is_404_for_anonymous(client):
    make_comparison(slug="hidden", status=Status.DRAFT)
    assert client.get("/compare/hidden/row-1/").status_code == 404
