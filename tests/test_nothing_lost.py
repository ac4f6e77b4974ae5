"""What an editor does is never lost, leaked or silently overwritten: the reproductions of the
write-path issue, on the default content as a fresh `make run` loads it."""

import importlib
import re
import threading
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from comparisons.history import writes
from comparisons.history.versions import dimension_revisions
from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment, Status
from comparisons.transfer.backup import delete_everything
from comparisons.transfer.resources import DimensionResource
from tests.admin_forms import change_url, opened_dimension_form
from tests.admin_import import confirm, preview
from tests.factories import editor_client_for

pytestmark = pytest.mark.django_db

DEFAULT = "product-management-b2b-vs-b2c"
EMPTY_CELL = "Nothing here yet."


@pytest.fixture
def loaded():
    call_command("load_default_content", stdout=StringIO())
    return Comparison.objects.get(slug=DEFAULT)


def _age_history(minutes=2):
    """Move every recorded version into the past, as if written `minutes` ago."""
    for model in apps.get_app_config("comparisons").get_models():
        if model.__name__.startswith("Historical"):
            model.objects.update(history_date=F("history_date") - timedelta(minutes=minutes))


def _a_minute_ago() -> int:
    return int((timezone.now() - timedelta(minutes=1)).timestamp())


def _entries(html: str) -> int:
    return len(re.findall(r"<td[^>]*data-segment", html))


# 1. Restore deletes cells for good.


def test_restoring_an_edited_default_row_brings_back_its_cells(loaded, editor_client, client):
    row = loaded.dimensions.get(slug="dogfooding")
    editor_client.post(change_url(row), opened_dimension_form(row, title="Dogfooding, edited"))
    earlier = dimension_revisions(row.pk)[1]
    response = editor_client.post(
        f"/admin/comparisons/dimension/{row.pk}/history/{earlier.key}/restore/", follow=True
    )
    assert "with its cells" in response.content.decode()
    assert row.entries.count() == 2
    page = client.get(row.get_absolute_url()).content.decode()
    assert EMPTY_CELL not in page


def test_restoring_any_version_of_any_default_row_loses_no_cell(loaded, editor_client):
    for row in loaded.dimensions.all():
        cells = row.entries.count()
        editor_client.post(
            change_url(row), opened_dimension_form(row, title=f"{row.title}!", b2b_body="Edited")
        )
        for revision in dimension_revisions(row.pk):
            if revision.restorable:
                editor_client.post(
                    f"/admin/comparisons/dimension/{row.pk}/history/{revision.key}/restore/"
                )
                assert row.entries.count() == cells, (row.slug, revision.key)
                assert len(revision.entries) == cells


# 2. Pinned embeds are blank.


def test_a_pinned_embed_of_the_default_table_shows_every_cell(loaded, client):
    _age_history()
    html = client.get(f"/embed/{DEFAULT}/?version={_a_minute_ago()}").content.decode()
    rows = loaded.dimensions.count()
    assert EMPTY_CELL not in html
    assert _entries(html) == 2 * rows


def test_after_a_backup_restore_pinned_embeds_and_change_logs_keep_the_past(
    loaded, client, tmp_path
):
    _age_history()
    row = loaded.dimensions.get(slug="dogfooding")
    row.title = "Dogfooding, later"
    writes.save(None, row)
    path = tmp_path / "backup.json"
    call_command("export_kb", str(path), stderr=StringIO())
    delete_everything()
    call_command("import_kb", str(path), stdout=StringIO())
    html = client.get(f"/embed/{DEFAULT}/?version={_a_minute_ago()}").content.decode()
    assert _entries(html) == 2 * Dimension.objects.filter(comparison__slug=DEFAULT).count()
    assert "Dogfooding, later" not in html
    log = client.get(f"/compare/{DEFAULT}/dogfooding/changes/").content.decode()
    assert "Title changed" in log


# 3. A pinned embed shows text that was never public.


def test_a_pinned_embed_never_shows_what_was_a_draft_at_that_moment(client):
    draft = Comparison.objects.create(title="Secret plans", slug="secret", status=Status.DRAFT)
    segment = Segment.objects.create(name="B2B", slug="b2b")
    ComparisonSegment.objects.create(comparison=draft, segment=segment)
    row = Dimension.objects.create(
        comparison=draft, title="Plans", slug="plans", status=Status.PUBLISHED
    )
    entry = Entry.objects.create(dimension=row, segment=segment, body="PINSECRET")
    _age_history()
    moment = _a_minute_ago()
    entry.body = "Public text"
    writes.save(None, entry)
    draft.status = Status.PUBLISHED
    writes.save(None, draft)
    response = client.get(f"/embed/secret/?version={moment}")
    assert response.status_code == 200
    assert "PINSECRET" not in response.content.decode()
    assert "not published on that date" in response.content.decode()
    log = client.get("/compare/secret/plans/changes/").content.decode()
    assert "PINSECRET" not in log


# 4. Imports overwrite and drop changes silently.


def _export_line(row) -> dict:
    return DimensionResource().export(queryset=Dimension.objects.filter(pk=row.pk)).dict[0]


def test_an_import_confirmed_after_another_changed_its_rows_is_refused(loaded):
    alice, bob = editor_client_for("alice"), editor_client_for("bob")
    row = loaded.dimensions.get(slug="dogfooding")
    alice_file = [{**_export_line(row), "b2b_body": "Alice's text."}]
    bob_file = [{**_export_line(row), "b2b_body": "Bob's text."}]
    alice_preview, bob_preview = preview(alice, alice_file), preview(bob, bob_file)
    confirm(alice, alice_preview)
    response = confirm(bob, bob_preview)
    messages = alice_and_bob_messages(bob, response)
    assert "dogfooding" in messages and "alice" in messages
    assert row.entries.get(segment__slug="b2b").body == "Alice's text."


def alice_and_bob_messages(client, response) -> str:
    return client.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_the_same_moment_apply_one_and_refuse_the_other_with_a_reason():
    call_command("load_default_content", stdout=StringIO())
    row = Dimension.objects.get(comparison__slug=DEFAULT, slug="dogfooding")
    editors = {name: editor_client_for(name) for name in ("alice", "bob")}
    forms = {
        name: preview(client, [{**_export_line(row), "b2b_body": f"{name}'s text."}])
        for name, client in editors.items()
    }
    outcomes = {}
    start = threading.Barrier(2)

    def confirm_now(name):
        start.wait()
        response = confirm(editors[name], forms[name])
        outcomes[name] = editors[name].get(response["Location"]).content.decode()
        connection.close()

    threads = [threading.Thread(target=confirm_now, args=(name,)) for name in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [name for name, html in outcomes.items() if "changed since your preview" in html]
    assert len(refused) == 1
    winner = ({"alice", "bob"} - set(refused)).pop()
    assert row.entries.get(segment__slug="b2b").body == f"{winner}'s text."
    assert "skipped" not in outcomes[refused[0]].lower()


# 5. The edit-conflict form reverts the other editor's work.


def test_a_stale_form_keeps_the_other_editors_title_and_cell(loaded):
    alice, carol = editor_client_for("alice"), editor_client_for("carol")
    row = loaded.dimensions.get(slug="dogfooding")
    carol_form = opened_dimension_form(row, question="Carol's question?")
    alice.post(
        change_url(row),
        opened_dimension_form(row, title="Alice's title", b2b_body="Alice's B2B text."),
    )
    response = carol.post(change_url(row), carol_form, follow=True)
    html = response.content.decode()
    assert "kept: Title; B2B · Body" in html
    row.refresh_from_db()
    assert (row.title, row.question) == ("Alice's title", "Carol's question?")
    assert row.entries.get(segment__slug="b2b").body == "Alice's B2B text."


def test_a_field_both_editors_changed_is_shown_side_by_side_and_the_editor_chooses(loaded):
    alice, carol = editor_client_for("alice"), editor_client_for("carol")
    row = loaded.dimensions.get(slug="dogfooding")
    carol_form = opened_dimension_form(row, title="Carol's title", b2c_body="Carol's B2C.")
    alice.post(change_url(row), opened_dimension_form(row, title="Alice's title"))
    refused = carol.post(change_url(row), carol_form).content.decode()
    assert "You and alice both changed this" in refused
    assert "Alice&#x27;s title" in refused and "Carol&#x27;s title" in refused
    # Carol takes Alice's title and keeps her own cell.
    again = {**carol_form, "version": Dimension.objects.get(pk=row.pk).version}
    for index in range(2):
        again[f"entries-{index}-version"] = Entry.objects.get(
            pk=again[f"entries-{index}-id"]
        ).version
    again["resolve-title"] = "theirs"
    assert carol.post(change_url(row), again).status_code == 302
    row.refresh_from_db()
    assert row.title == "Alice's title"
    assert row.entries.get(segment__slug="b2c").body == "Carol's B2C."


# Existing databases are repaired by `migrate`.


def test_the_migration_gives_bulk_loaded_content_a_version_dated_when_it_last_changed(
    loaded, editor_client, client
):
    Entry.history.all().delete()  # as `load_default_content` left them before this change
    migration = importlib.import_module(
        "comparisons.migrations.0011_history_baseline_for_bulk_loads"
    )
    migration.record_baseline(apps, SimpleNamespace(connection=connection))
    for entry in Entry.objects.all():
        assert list(entry.history.values_list("history_date", flat=True)) == [entry.updated]
    row = loaded.dimensions.get(slug="dogfooding")
    editor_client.post(change_url(row), opened_dimension_form(row, title="Edited"))
    editor_client.post(
        f"/admin/comparisons/dimension/{row.pk}/history/{dimension_revisions(row.pk)[1].key}/restore/"
    )
    assert row.entries.count() == 2
