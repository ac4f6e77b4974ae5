import pytest

from comparisons.models import Status
from tests.conftest import make_comparison

pytestmark = pytest.mark.django_db


def test_it_lists_published_comparisons_with_their_row_counts(client):
    make_comparison(slug="public", rows=3)
    html = client.get("/").content.decode()
    assert 'href="/compare/public/"' in html
    assert "3 rows" in html


def test_it_hides_draft_comparisons_from_anonymous(client):
    make_comparison(slug="hidden", status=Status.DRAFT)
    assert "/compare/hidden/" not in client.get("/").content.decode()


def test_it_shows_draft_comparisons_to_staff_marked(editor_client):
    make_comparison(slug="hidden", status=Status.DRAFT)
    html = editor_client.get("/").content.decode()
    assert "/compare/hidden/" in html
    assert "badge-draft" in html


def test_it_links_tags_of_published_rows_with_counts(client):
    make_comparison(slug="public", rows=2)
    html = client.get("/").content.decode()
    assert 'href="/tags/research/"' in html
    assert '<span class="count">2</span>' in html
