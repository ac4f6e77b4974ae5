"""Rows rendered once per change (comparisons/fragments.py): pages after an edit re-render
only the rows that changed, and a fragment is never reused for a row that would look different."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from comparisons import fragments, writes
from comparisons.models import Comparison, Dimension, Entry, Status
from comparisons.tables import load_table
from tests.conftest import make_comparison

pytestmark = pytest.mark.django_db

TABLE = "/compare/b2b-vs-b2c/"


@pytest.fixture
def renders():
    """Counts the rows actually rendered (cache misses)."""
    with mock.patch.object(fragments, "render_row", wraps=fragments.render_row) as render_row:
        yield render_row


def rendered_titles(renders) -> list[str]:
    return [call.args[0].dimension.title for call in renders.call_args_list]


def test_a_table_after_an_edit_to_one_row_renders_only_that_row(client, table, renders):
    client.get(TABLE)
    assert renders.call_count == 3
    renders.reset_mock()

    entry = Entry.objects.get(dimension__slug="row-2", segment__slug="b2b")
    entry.body = "An edited answer"
    writes.save(None, entry)
    response = client.get(TABLE)

    assert rendered_titles(renders) == ["Row 2"]
    assert b"An edited answer" in response.content
    assert b"B2B answer for row 1" in response.content


def test_a_row_title_edit_renders_only_that_row(client, table, renders):
    client.get(TABLE)
    renders.reset_mock()
    dimension = Dimension.objects.get(slug="row-3")
    dimension.title = "A renamed row"
    writes.save(None, dimension)
    assert b"A renamed row" in client.get(TABLE).content
    assert rendered_titles(renders) == ["A renamed row"]


def test_filtered_views_reuse_the_rows_the_table_rendered(client, table, renders):
    client.get(TABLE)
    renders.reset_mock()
    response = client.get(TABLE + "?only=row-1,row-3")
    assert response.status_code == 200
    assert b"Row 3" in response.content
    assert renders.call_count == 0


def test_the_same_table_for_staff_reuses_the_readers_rows(table, renders):
    Client().get(TABLE)
    renders.reset_mock()
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("staff", is_staff=True))
    assert staff.get(TABLE).status_code == 200
    assert renders.call_count == 0


def test_an_edit_to_one_table_renders_no_row_of_another(client, table, renders):
    make_comparison(slug="other", rows=2)
    client.get(TABLE)
    client.get("/compare/other/")
    renders.reset_mock()
    writes.save(None, Comparison.objects.get(slug="other").dimensions.get(slug="row-1"))
    client.get(TABLE)
    assert renders.call_count == 0


def test_a_row_differing_only_in_status_never_gets_the_published_fragment(table):
    comparison = Comparison.objects.get(slug="b2b-vs-b2c")
    published = load_table(comparison, Dimension.objects.filter(slug="row-1"))
    [html] = fragments.rows_html(published.rows, published.segments)
    assert "Draft" not in html

    # A draft (or an unsaved preview) with the same edit version as the published row.
    as_draft = load_table(comparison, Dimension.objects.filter(slug="row-1"))
    as_draft.rows[0].dimension.status = Status.DRAFT
    [draft_html] = fragments.rows_html(as_draft.rows, as_draft.segments)
    assert "badge-draft" in draft_html
    [again] = fragments.rows_html(published.rows, published.segments)
    assert "badge-draft" not in again


def test_an_unsaved_change_to_a_cell_gets_its_own_fragment(table):
    comparison = Comparison.objects.get(slug="b2b-vs-b2c")
    saved = load_table(comparison, Dimension.objects.filter(slug="row-1"))
    fragments.rows_html(saved.rows, saved.segments)
    changed = load_table(comparison, Dimension.objects.filter(slug="row-1"))
    changed.rows[0].cells[0].entry.body = "Not saved yet"
    [html] = fragments.rows_html(changed.rows, changed.segments)
    assert "Not saved yet" in html


def test_the_embed_and_the_row_page_keep_their_own_links(client, table):
    client.get(TABLE)
    embed = client.get("/embed/b2b-vs-b2c/").content.decode()
    row_page = client.get(TABLE + "row-1/").content.decode()
    assert 'target="_blank"' in embed
    assert "data-copy-link" not in embed
    assert "data-copy-link" not in row_page


def test_a_change_to_the_row_templates_renders_every_row_again(client, table, renders):
    client.get(TABLE)
    renders.reset_mock()
    with mock.patch.object(fragments, "templates_digest", return_value="new-templates"):
        client.get(TABLE + "?only=row-1,row-2")
    assert renders.call_count == 2


def test_rows_still_render_when_the_cache_is_down(table):
    down = ConnectionError("the cache server does not answer")
    with (
        mock.patch.object(fragments.cache, "get_many", side_effect=down),
        mock.patch.object(fragments.cache, "set_many", side_effect=down),
    ):
        loaded = load_table(Comparison.objects.get(), Dimension.objects.all())
        rows = fragments.rows_html(loaded.rows, loaded.segments)
    assert [row.count("<tr") for row in rows] == [2, 2, 2]
