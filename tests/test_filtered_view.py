"""The filtered view of a comparison page: /compare/<comparison>/?only=&tag=&segments=."""

import pytest

from comparisons.models import Dimension
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def comparison_of_four(db):
    comparison = make_comparison(dimensions=4)
    Dimension.objects.get(slug="row-2").tags.add("pricing")
    return comparison


def test_it_shows_only_the_chosen_rows_and_segments(client, comparison_of_four):
    html = client.get("/compare/b2b-vs-b2c/?only=row-1,row-2&segments=b2c").content.decode()
    assert 'id="row-1"' in html and 'id="row-2"' in html
    assert 'id="row-3"' not in html
    assert '<th scope="col">B2C</th>' in html and '<th scope="col">B2B</th>' not in html
    assert "Showing 2 of 4 rows" in html
    assert '<a href="/compare/b2b-vs-b2c/">show all</a>' in html


def test_it_says_which_values_were_ignored(client, comparison_of_four):
    html = client.get("/compare/b2b-vs-b2c/?only=row-1,ghost&tag=nothing").content.decode()
    assert "Ignored, not found in this table" in html
    assert "row “ghost”" in html and "tag “nothing”" in html
    assert 'id="row-1"' in html and 'id="row-2"' not in html


def test_an_empty_result_says_so(client, comparison_of_four):
    html = client.get("/compare/b2b-vs-b2c/?only=row-1&tag=pricing").content.decode()
    assert "No rows match this filter" in html
    assert "Showing 0 of 4 rows" in html


def test_the_unfiltered_table_has_no_filter_summary(client, comparison_of_four):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert "Showing" not in html and "Ignored" not in html


def test_a_submitted_form_redirects_to_the_short_share_link(client, comparison_of_four):
    response = client.get(
        "/compare/b2b-vs-b2c/?only=row-2&only=row-1&tag=&segments=B2B&segments=b2c"
    )
    assert response.status_code == 302
    assert response["Location"] == "/compare/b2b-vs-b2c/?only=row-1,row-2&segments=b2b,b2c"


def test_an_empty_form_redirects_to_the_whole_table(client, comparison_of_four):
    response = client.get("/compare/b2b-vs-b2c/?tag=")
    assert response["Location"] == "/compare/b2b-vs-b2c/"


def test_the_normalised_link_is_served_without_a_redirect(client, comparison_of_four):
    response = client.get("/compare/b2b-vs-b2c/?only=row-1,row-2&tag=pricing&segments=b2b")
    assert response.status_code == 200


def test_the_form_is_a_plain_get_form_with_the_current_choices(client, comparison_of_four):
    html = client.get("/compare/b2b-vs-b2c/?only=row-2&tag=pricing&segments=b2c").content.decode()
    assert '<form class="filter-form" method="get" action="/compare/b2b-vs-b2c/">' in html
    assert '<input type="checkbox" name="only" value="row-2" checked>' in html
    assert '<input type="checkbox" name="only" value="row-1">' in html
    assert '<option value="pricing" selected>pricing</option>' in html
    assert '<input type="checkbox" name="segments" value="b2c" checked>' in html
    assert '<input type="checkbox" name="segments" value="b2b">' in html


def test_the_filtered_view_links_to_its_exports_with_the_same_query(client, comparison_of_four):
    html = client.get("/compare/b2b-vs-b2c/?only=row-1&segments=b2c").content.decode()
    for format in ("md", "csv", "json"):
        assert f'href="/compare/b2b-vs-b2c/export.{format}?only=row-1&amp;segments=b2c"' in html


def test_a_normalised_link_to_a_capitalised_slug_does_not_redirect_again(
    client, comparison_of_four
):
    Dimension.objects.filter(slug="row-3").update(slug="Row-3")
    response = client.get("/compare/b2b-vs-b2c/?only=row-3")
    assert response["Location"] == "/compare/b2b-vs-b2c/?only=Row-3"
    assert client.get(response["Location"]).status_code == 200
