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


def test_tag_counts_follow_an_edit_on_the_next_request(client, settings):
    settings.PAGE_CACHE = False  # the counts are cached on their own, by cache generation
    comparison = make_comparison(slug="public", rows=2)
    assert 'href="/tags/pricing/"' not in client.get("/").content.decode()
    comparison.dimensions.first().tags.add("pricing")
    assert 'href="/tags/pricing/"' in client.get("/").content.decode()


def test_tag_counts_are_computed_once_per_generation(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    make_comparison(slug="public", rows=2)
    client.get("/search/?q=nothing-matches-this")  # suggests tags, with their counts
    with django_assert_max_num_queries(10) as captured:
        html = client.get("/search/?q=nor-this").content.decode()
    assert 'href="/tags/research/"' in html
    assert not any('"row_count"' in query["sql"] for query in captured.captured_queries)
