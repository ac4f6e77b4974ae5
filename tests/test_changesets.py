"""Every write path (tests/write_paths.py) records exactly one changeset (history/writes.py):
who, why (a reason code) and every object it touched, each history record pointing to it."""

from io import StringIO

import pytest
from django.core.management import call_command

from comparisons.history import writes
from comparisons.models import Changeset, Comparison, ComparisonSegment, Dimension, Entry, Segment
from comparisons.transfer.backup import delete_everything
from tests import write_paths
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import make_comparison
from tests.write_paths import WRITE_PATHS

pytestmark = pytest.mark.django_db

HISTORIES = [Segment, Comparison, ComparisonSegment, Dimension, Entry]


def touched(changeset: Changeset) -> set[tuple[str, int]]:
    """(model, id) of every object the changeset recorded."""
    return {
        (model.__name__, pk)
        for model in HISTORIES
        for pk in model.history.filter(changeset=changeset).values_list("id", flat=True)
    }


def _row(slug="row-1") -> Dimension:
    return Dimension.objects.get(comparison__slug="b2b-vs-b2c", slug=slug)


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda path: path.__name__)
def test_every_write_path_records_one_changeset_of_everything_it_touched(
    editor_client, editor, path, tmp_path
):
    make_comparison()
    last = Changeset.objects.order_by("-pk").values_list("pk", flat=True).first()
    written = write_paths.run(path, editor_client, tmp_path)
    made = list(Changeset.objects.filter(pk__gt=last))[written.setup_changesets :]
    assert [c.reason for c in made] == [written.reason]
    assert touched(made[0]) == (set() if written.history_kept else written.touched)
    assert made[0].user == (editor if written.by_editor else None)
    for model in HISTORIES:
        assert not model.history.filter(changeset__isnull=True).exists(), model


def _changesets() -> list[tuple[int, str, set]]:
    return [(c.pk, c.reason, touched(c)) for c in Changeset.objects.order_by("pk")]


def test_restoring_a_backup_is_one_changeset_and_keeps_the_backups_own(tmp_path):
    make_comparison()
    cell = Entry.objects.first()
    cell.body = "Edited."
    writes.save(None, cell)  # a second changeset
    backed_up = _changesets()
    path = tmp_path / "backup.json"
    call_command("export_kb", str(path), stderr=StringIO())
    delete_everything()
    call_command("import_kb", str(path), stdout=StringIO())
    # The backup's changesets come back as they were, with every record each held; the
    # restore adds one (tests/write_paths.py: import_kb).
    restored = _changesets()
    assert restored[:-1] == backed_up
    assert restored[-1][1] == "backup"


def test_a_changeset_that_fails_writes_nothing():
    make_comparison()
    before = Changeset.objects.count()
    row = _row()
    with pytest.raises(RuntimeError), writes.changeset(None, writes.Reason.EDIT):
        row.title = "Half done"
        row.save()
        raise RuntimeError
    assert Changeset.objects.count() == before
    assert _row().title == "Row 1"


def test_a_changeset_updates_derived_state_once_for_all_it_touched(client):
    """A search finds the new words of a row and of its cell saved in one changeset."""
    from django.contrib.auth.models import AnonymousUser

    from comparisons.search.queries import search

    make_comparison()
    row = _row()
    cell = row.entries.get(segment__slug="b2b")
    with writes.changeset(None, writes.Reason.EDIT):
        row.title = "Zebrafinch row"
        row.save()
        cell.body = "A quokkaword cell."
        cell.save()
    for word in ("zebrafinch", "quokkaword"):
        hits = search(word, AnonymousUser(), 1).page.object_list
        assert [hit.dimension.pk for hit in hits] == [row.pk], word


def _save_row_with_two_cells(client) -> int:
    """The admin POST of a row's form with its title and both cells changed: its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    row = _row()
    data = opened_dimension_form(row, title="New title", b2b_body="New B2B.", b2c_body="New B2C.")
    with CaptureQueriesContext(connection) as queries:
        assert client.post(change_url(row), data).status_code == 302
    return len(queries)


# Measured: 53 on SQLite, 54 on PostgreSQL (the search vector). Most are the admin's own reads.
SAVE_ROW_WITH_TWO_CELLS = 54


def test_saving_a_row_with_two_cells_in_the_admin_runs_a_fixed_number_of_queries(editor_client):
    make_comparison(dimensions=2)
    _save_row_with_two_cells(editor_client)  # first-time work: the session, content types
    small = _save_row_with_two_cells(editor_client)
    make_comparison(slug="other", dimensions=30, bulk=True)
    assert _save_row_with_two_cells(editor_client) == small  # whatever the site's size
    print("queries per admin save of a row with two cells:", small)
    assert small <= SAVE_ROW_WITH_TWO_CELLS
