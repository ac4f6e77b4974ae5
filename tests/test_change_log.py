"""Trust signals: "updated <date>" on each row, and a public change log per row."""

import pytest
from django.test import Client

from comparisons.grids import load_grid
from comparisons.history import writes
from comparisons.models import Dimension, Entry, Status
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return Client()


CHANGES = "/compare/b2b-vs-b2c/row-1/changes/"


@pytest.fixture
def dimension(db):
    make_comparison(dimensions=1)
    return Dimension.objects.get()


def test_a_rows_updated_date_is_the_latest_of_the_row_and_its_entries(dimension):
    Dimension.objects.filter(pk=dimension.pk).update(updated="2020-01-01T00:00:00Z")
    Entry.objects.filter(dimension=dimension).update(updated="2021-06-15T00:00:00Z")
    Entry.objects.filter(dimension=dimension, segment__slug="b2c").update(
        updated="2022-03-04T00:00:00Z"
    )
    grid = load_grid(dimension.comparison, Dimension.objects.all())
    assert grid.lines[0].updated.date().isoformat() == "2022-03-04"


def test_a_row_page_shows_when_the_row_was_updated_and_the_table_does_not_repeat_it(
    client, dimension
):
    """Issue 30, 4: every row of the table repeated the same "Updated" date."""
    Entry.objects.filter(dimension=dimension).update(updated="2022-03-04T10:00:00Z")
    Dimension.objects.filter(pk=dimension.pk).update(updated="2020-01-01T00:00:00Z")
    assert "Updated <time" not in client.get("/compare/b2b-vs-b2c/").content.decode()
    html = client.get(f"/compare/b2b-vs-b2c/{dimension.slug}/").content.decode()
    assert '<time datetime="2022-03-04T10:00:00+00:00">4 Mar 2022' in html


def test_the_updated_date_costs_no_query_per_row(client, django_assert_max_num_queries):
    make_comparison(slug="large", dimensions=40, bulk=True)
    with django_assert_max_num_queries(9):  # the table's budget (tests/test_query_budget.py)
        client.get("/compare/large/")


def test_the_row_page_links_to_its_change_log(client, dimension):
    html = client.get("/compare/b2b-vs-b2c/row-1/").content.decode()
    assert f'href="{CHANGES}"' in html


def test_the_change_log_lists_dates_and_summaries_without_editor_names(
    anonymous, editor_client, editor, dimension
):
    editor_client.post(
        change_url(dimension),
        opened_dimension_form(dimension, question="Why?", b2b_body="New B2B text"),
    )
    response = anonymous.get(CHANGES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Question and B2B answer changed." in html
    assert "Row added." in html
    assert "<time datetime=" in html
    assert editor.username not in html
    assert editor.email not in html
    assert "New B2B text" not in html  # a summary, not the content


def test_the_change_log_follows_renames(anonymous, editor_client, dimension):
    editor_client.post(change_url(dimension), opened_dimension_form(dimension, slug="renamed"))
    response = anonymous.get(CHANGES)
    assert response.status_code == 301
    assert response["Location"] == "/compare/b2b-vs-b2c/renamed/changes/"


def test_the_change_log_of_a_draft_row_is_404_for_anonymous_and_shown_to_staff(
    anonymous, editor_client
):
    make_comparison(dimensions=1, dimension_status=Status.DRAFT)
    assert anonymous.get(CHANGES).status_code == 404
    assert editor_client.get(CHANGES).status_code == 200


def test_unknown_rows_and_comparisons_have_no_change_log(client, dimension):
    assert client.get("/compare/b2b-vs-b2c/nope/changes/").status_code == 404
    assert client.get("/compare/nope/row-1/changes/").status_code == 404


def test_a_restore_shows_in_the_change_log(anonymous, editor_client, dimension):
    from comparisons.history.versions import dimension_revisions

    editor_client.post(change_url(dimension), opened_dimension_form(dimension, title="Changed"))
    first = dimension_revisions(dimension.pk)[-1]
    editor_client.post(f"/admin/comparisons/dimension/{dimension.pk}/history/{first.key}/restore/")
    html = anonymous.get(CHANGES).content.decode()
    assert "Restored the version of" in html


def test_the_change_log_loads_in_a_fixed_number_of_queries(
    anonymous, dimension, django_assert_max_num_queries
):
    for number in range(15):
        with writes.changeset(None, writes.Reason.EDIT):
            dimension.question = f"Edit {number}?"
            dimension.save()
            entry = dimension.entries.first()
            entry.body = f"Body {number}"
            entry.save()
    # Five to render the log, one to read the cache generation of the page cache.
    with django_assert_max_num_queries(6):
        response = anonymous.get(CHANGES)
    assert response.content.decode().count("<time") == 16
