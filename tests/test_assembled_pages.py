"""The first view of a table after an edit (comparisons/assembly.py, stored_rows.py): assembled
from the rows' stored HTML and the page around them kept in the cache, byte for byte the page a
full render gives, and never older than the content."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.template import engines

from comparisons import assembly, stored_rows, writes
from comparisons.models import ComparisonSegment, Dimension, Entry, RowGeneration, Segment, Status
from comparisons.stored_rows import RENDER_AT_WRITE_LIMIT
from comparisons.writes import content_changed
from tests.conftest import log_in, make_comparison

pytestmark = pytest.mark.django_db

TABLE = "/compare/b2b-vs-b2c/"
VIEWS = [TABLE, TABLE + "?only=row-1,row-3", TABLE + "?min=different", TABLE + "?as_of=1700000000"]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE = False  # every request is a first view after an edit


@pytest.fixture
def templates_rendered():
    """Counts whole-page renders (a page assembled from its pieces renders none)."""
    django_engine = engines["django"]
    with mock.patch.object(
        type(django_engine), "get_template", wraps=django_engine.get_template
    ) as get_template:
        yield get_template


def without_pin(content: bytes) -> bytes:
    """The page without the moment the pinned embed snippet names (the request's time)."""
    return re.sub(rb"version=\d+", b"version=N", content)


def edit_cell(row: str, body: str, **fields) -> Entry:
    """Saves the B2B cell of `row` in the table b2b-vs-b2c."""
    entry = Entry.objects.get(
        dimension__comparison__slug="b2b-vs-b2c", dimension__slug=row, segment__slug="b2b"
    )
    entry.body = body
    for name, value in fields.items():
        setattr(entry, name, value)
    writes.save(None, entry)
    return entry


@pytest.mark.parametrize("url", VIEWS)
def test_an_assembled_page_is_the_page_a_full_render_gives(client, table, url):
    rendered = client.get(url)
    assembled = client.get(url)
    assert rendered.status_code == assembled.status_code == 200
    assert without_pin(assembled.content) == without_pin(rendered.content)
    assert b"kbslot" not in assembled.content


def test_an_assembled_page_runs_two_queries_and_renders_no_template(
    client, table, django_assert_max_num_queries, templates_rendered
):
    client.get(TABLE)
    templates_rendered.reset_mock()
    # The rows with their HTML, and the cache generation where the cache lacks it.
    with django_assert_max_num_queries(2):
        response = client.get(TABLE)
    assert response.status_code == 200
    assert templates_rendered.call_count == 0


def test_a_cell_edit_reuses_the_page_around_the_table_and_shows_the_new_text(
    client, table, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.get(TABLE)
    with django_capture_on_commit_callbacks(execute=True):
        edit_cell("row-2", "A cell edited a moment ago")

    with django_assert_max_num_queries(2):  # rendered when it was saved: nothing to render
        response = client.get(TABLE)
    assert b"A cell edited a moment ago" in response.content
    assert b"B2B answer for row 1" in response.content


def test_a_row_is_rendered_when_its_change_is_committed(table, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        edit_cell("row-1", "Rendered at write time")
    stored = RowGeneration.objects.get(dimension__slug="row-1")
    assert "Rendered at write time" in stored.html
    first_row = stored_rows.public_listing("b2b-vs-b2c").rows[0]
    assert first_row.html == stored.html  # labelled with the row's current numbers


def test_stored_html_is_not_used_once_the_row_changed_again(client, table):
    client.get(TABLE)  # stores every row's HTML
    edit_cell("row-1", "Changed after it was stored")  # not committed: nothing rendered yet

    listing = stored_rows.public_listing("b2b-vs-b2c")
    assert [row.html is None for row in listing.rows] == [True, False, False]
    assert b"Changed after it was stored" in client.get(TABLE).content


def test_html_stored_under_numbers_older_than_the_row_is_never_served(client, table):
    client.get(TABLE)
    generation = RowGeneration.objects.get(dimension__slug="row-2")
    generation.html = "<tr><td>An old rendering</td></tr>"
    generation.rendered_for = stored_rows.label(generation.number - 1, 1)
    generation.save()
    assert b"An old rendering" not in client.get(TABLE).content


def test_a_new_source_reaches_the_printed_list_of_sources(client, table):
    client.get(TABLE)
    new_source = {"title": "A new study", "url": "https://example.org/new-study"}
    edit_cell("row-3", "Cites a new study", sources=[new_source])
    client.get(TABLE)  # renders row 3 and stores it
    assembled = client.get(TABLE).content.decode()
    printed = assembled[assembled.index('id="print-sources-heading"') :]
    assert 'A new study: <a href="https://example.org/new-study">' in printed


def test_a_title_edit_renders_the_page_around_the_table_again(client, table, templates_rendered):
    client.get(TABLE)
    row = Dimension.objects.get(slug="row-2")
    row.title = "A renamed row"
    writes.save(None, row)
    templates_rendered.reset_mock()
    content = client.get(TABLE).content.decode()
    assert templates_rendered.call_count > 0
    filter_form = content[content.index('class="filter-form"') :]
    assert "A renamed row" in filter_form  # the row's checkbox, outside the table
    assert "Row 2" not in content


def test_a_renamed_column_shows_in_every_row_and_the_page_around(client, table):
    client.get(TABLE)
    segment = Segment.objects.get(slug="b2b")
    segment.name = "Business buyers"
    writes.save(None, segment)
    rendered = client.get(TABLE).content
    assembled = client.get(TABLE).content
    assert assembled.count(b'data-segment="Business buyers"') == 3
    assert b'data-segment="B2B"' not in assembled
    assert without_pin(assembled) == without_pin(rendered)


def test_a_renamed_tag_shows_in_the_rows(client, table):
    client.get(TABLE)
    tag = Dimension.objects.get(slug="row-1").tags.get(name="research")
    tag.name = "user research"
    writes.rename_tag(None, tag, tag.name)
    client.get(TABLE)
    assert b"user research" in client.get(TABLE).content


def test_a_row_taken_back_to_draft_disappears_from_the_assembled_page(client, table):
    client.get(TABLE)
    row = Dimension.objects.get(slug="row-3")
    row.status = Status.DRAFT
    writes.save(None, row)
    client.get(TABLE)
    assert b"Row 3" not in client.get(TABLE).content


def test_a_column_added_to_the_table_shows_in_every_row(client, table):
    client.get(TABLE)
    with writes.changeset(None, writes.Reason.EDIT):
        segment = Segment.objects.create(name="Government", slug="government", position=3)
        ComparisonSegment.objects.create(comparison=table, segment=segment, position=3)
    client.get(TABLE)
    assert client.get(TABLE).content.count(b'data-segment="Government"') == 3


def test_staff_always_get_the_page_rendered_in_full(client, table, superuser):
    log_in(client, superuser)
    row = Dimension.objects.get(slug="row-1")
    row.status = Status.DRAFT
    writes.save(None, row)
    with mock.patch.object(stored_rows, "public_listing") as public_listing:
        first = client.get(TABLE)
        again = client.get(TABLE)
    public_listing.assert_not_called()
    assert b"badge-draft" in first.content
    assert b"badge-draft" in again.content


def test_the_pinned_snippet_names_a_moment_after_the_last_edit(client, table):
    client.get(TABLE)
    entry = edit_cell("row-1", "Edited before the snippet was copied")
    client.get(TABLE)
    pinned = re.search(rb"version=(\d+)", client.get(TABLE).content)
    assert int(pinned[1]) >= int(entry.updated.timestamp())


def test_a_shared_link_names_rows_changed_since_it_was_shared(client, table):
    shared_at = Entry.objects.latest("updated").updated + timedelta(seconds=1)
    url = f"{TABLE}?as_of={int(shared_at.timestamp()) + 1}"
    client.get(url)
    assert b"Changed since this link was shared" not in client.get(url).content

    with mock.patch("django.utils.timezone.now", return_value=shared_at + timedelta(minutes=5)):
        edit_cell("row-2", "Edited after the link was shared")
    client.get(url)
    content = client.get(url).content.decode()
    notice = content[content.index("Changed since this link was shared") :]
    assert "Row 2" in notice[: notice.index("</div>")]
    assert "Row 1" not in notice[: notice.index("</div>")]


def test_a_table_that_is_not_public_is_never_assembled(client):
    make_comparison(status=Status.DRAFT)
    assert client.get(TABLE).status_code == 404
    assert client.get(TABLE).status_code == 404


@pytest.mark.parametrize("query", ["?utm_source=newsletter", "?only=no-such-row", "?segments=b2b"])
def test_views_nobody_shares_are_rendered_in_full_and_keep_nothing(client, table, query):
    with mock.patch.object(assembly, "_write") as write:
        response = client.get(TABLE + query)
    assert response.status_code == 200
    write.assert_not_called()


def test_an_edit_to_one_table_leaves_another_tables_page_assembled(
    client, table, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    make_comparison(slug="other-table", rows=2)
    client.get("/compare/other-table/")
    with django_capture_on_commit_callbacks(execute=True):
        edit_cell("row-1", "An edit to the first table only")
    with django_assert_max_num_queries(2):
        assert client.get("/compare/other-table/").status_code == 200


def test_a_draft_row_is_never_stored_for_readers(django_capture_on_commit_callbacks):
    make_comparison(row_status=Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        edit_cell("row-1", "A draft's text")
    assert not RowGeneration.objects.filter(html__contains="A draft's text").exists()


def test_a_row_that_cannot_be_rendered_after_its_save_is_still_saved(
    client, table, django_capture_on_commit_callbacks
):
    broken = mock.patch.object(stored_rows, "render", side_effect=RuntimeError("template broken"))
    with broken, django_capture_on_commit_callbacks(execute=True):
        edit_cell("row-1", "Saved whatever the render does")
    assert Entry.objects.filter(body="Saved whatever the render does").exists()
    assert b"Saved whatever the render does" in client.get(TABLE).content


def test_a_reader_who_cannot_store_rows_still_gets_the_page(client, table):
    with mock.patch.object(
        RowGeneration.objects, "bulk_update", side_effect=RuntimeError("read-only database")
    ):
        response = client.get(TABLE)
    assert response.status_code == 200
    assert b"B2B answer for row 1" in response.content


def test_a_row_saved_with_its_cells_is_rendered_once_after_the_commit(
    table, django_capture_on_commit_callbacks
):
    row = Dimension.objects.get(slug="row-1")
    with (
        mock.patch.object(stored_rows, "render", wraps=stored_rows.render) as render,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        row.title = "Saved with both cells"
        writes.save(None, row)
        for entry in row.entries.all():
            entry.body = f"{entry.body}, edited"
            writes.save(None, entry)
    assert render.call_count == 1
    assert row.pk in render.call_args.args[0]
    assert "Saved with both cells" in RowGeneration.objects.get(pk=row.pk).html


def test_a_bulk_write_that_names_its_tables_renders_their_rows_again(client, table):
    client.get(TABLE)
    Entry.objects.filter(dimension__slug="row-2").update(body="Loaded in bulk")
    content_changed([table.pk])  # what bulk loads call after their writes
    client.get(TABLE)
    assert b"Loaded in bulk" in client.get(TABLE).content


def test_rows_left_by_rolled_back_changes_never_crowd_out_a_committed_one(
    table, django_capture_on_commit_callbacks
):
    # Ids no row has, asked for by changes that were rolled back (below any real id).
    stored_rows.render_after_commit(list(range(-2 * RENDER_AT_WRITE_LIMIT, 0)))
    with django_capture_on_commit_callbacks(execute=True):
        edit_cell("row-3", "Committed after a rolled-back import")
    assert (
        "Committed after a rolled-back import"
        in RowGeneration.objects.get(dimension__slug="row-3").html
    )
