import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from comparisons.history import writes
from comparisons.history.versions import dimension_revisions
from comparisons.models import Changeset, Comparison, Dimension, Entry
from comparisons.suggestions import apply
from comparisons.suggestions.models import Suggestion
from comparisons.transfer.backup import delete_everything
from tests import suggestions
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import editor_client_for, make_comparison, make_editor
from tests.public_pages import render_public_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_default_content", stdout=StringIO())


def _export(tmp_path, name="backup.json"):
    path = tmp_path / name
    call_command("export_kb", str(path), stderr=StringIO())
    return path


def _import(path, *args):
    out = StringIO()
    call_command("import_kb", str(path), *args, stdout=out)
    return out.getvalue()


def _wipe():
    delete_everything()


def _without_date(path):
    backup = json.loads(path.read_text())
    del backup["exported"]
    return backup


def test_export_wipe_import_renders_every_public_page_identically(loaded, tmp_path):
    pages = render_public_pages()
    path = _export(tmp_path)
    _wipe()
    assert "Restored" in _import(path)
    assert render_public_pages() == pages
    assert len(pages) > 20


def test_a_restored_database_exports_the_same_backup_and_the_restore(loaded, tmp_path):
    first = _export(tmp_path, "first.json")
    _wipe()
    _import(first)
    second = _without_date(_export(tmp_path, "second.json"))
    restore = second["data"]["changesets"].pop()  # the restore is a changeset of its own
    assert (restore["reason"], restore["user"]) == ("backup", None)
    assert second == _without_date(first)


def test_the_backup_names_relations_by_slug_and_keeps_ids(comparison, tmp_path):
    data = json.loads(_export(tmp_path).read_text())["data"]
    assert data["dimensions"][0]["comparison"] == ["b2b-vs-b2c"]
    assert data["entries"][0]["dimension"] == ["b2b-vs-b2c", "row-1"]
    assert data["entries"][0]["sources"] == [
        {"title": "A source", "url": "https://example.com/source"}
    ]
    assert {
        "tag": ["research"],
        "model": "comparisons.dimension",
        "object": ["b2b-vs-b2c", "row-1"],
    } in data["tagged_items"]
    # Ids are kept too: history names its objects by id.
    assert data["dimensions"][0]["id"] == Dimension.objects.get(slug="row-1").pk


def test_it_keeps_timestamps_and_row_order(comparison, tmp_path):
    fields = ("slug", "position", "created", "updated")
    before = list(Dimension.objects.order_by("pk").values_list(*fields))  # no default order
    path = _export(tmp_path)
    _wipe()
    _import(path)
    assert list(Dimension.objects.order_by("pk").values_list(*fields)) == before
    assert [s.slug for s in Comparison.objects.get().ordered_segments()] == ["b2b", "b2c"]


def test_it_refuses_a_database_with_content_and_changes_nothing(comparison, tmp_path):
    path = _export(tmp_path)
    Dimension.objects.filter(slug="row-1").update(title="Edited since the backup")
    with pytest.raises(CommandError, match="already has content"):
        _import(path)
    assert Dimension.objects.get(slug="row-1").title == "Edited since the backup"
    assert Dimension.objects.count() == 2


def test_replace_swaps_the_content_for_the_backup(comparison, tmp_path):
    path = _export(tmp_path)
    make_comparison(slug="added-later", dimensions=1)
    Dimension.objects.filter(slug="row-1").update(title="Edited since the backup")
    _import(path, "--replace")
    assert list(Comparison.objects.values_list("slug", flat=True)) == ["b2b-vs-b2c"]
    assert Dimension.objects.get(slug="row-1").title == "Row 1"
    assert Entry.objects.count() == 4


def test_a_broken_backup_never_half_applies_even_with_replace(comparison, tmp_path):
    path = _export(tmp_path)
    backup = json.loads(path.read_text())
    backup["data"]["entries"][-1]["dimension"] = ["b2b-vs-b2c", "no-such-row"]
    path.write_text(json.dumps(backup))
    with pytest.raises(CommandError, match=r"no-such-row.*Nothing was changed"):
        _import(path, "--replace")
    assert Dimension.objects.count() == 2
    assert Entry.objects.count() == 4
    assert Dimension.objects.get(slug="row-1").tags.names()[0] == "research"


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "Cannot read"),
        ('{"format": "something-else"}', "not a kb backup"),
        ('{"format": "kb-backup", "schema": 99, "data": {}}', "schema 99"),
        ('{"format": "kb-backup", "version": 99, "data": {}}', "schema 99"),
        ('{"format": "kb-backup", "version": 1, "data": {"polls": []}}', "cannot restore"),
    ],
)
def test_it_rejects_files_that_are_not_backups(db, tmp_path, text, message):
    path = tmp_path / "backup.json"
    path.write_text(text)
    with pytest.raises(CommandError, match=message):
        _import(path)


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _import(tmp_path / "missing.json")


def test_old_links_keep_redirecting_after_a_restore(client, comparison, tmp_path):
    dimension = comparison.dimensions.get(slug="row-1")
    dimension.slug = "renamed-row"
    dimension.save()
    comparison.slug = "renamed-table"
    comparison.save()
    path = _export(tmp_path)
    _wipe()
    _import(path)
    response = client.get("/compare/b2b-vs-b2c/row-1/", follow=True)
    assert response.redirect_chain[-1] == ("/compare/renamed-table/renamed-row/", 301)
    assert response.status_code == 200


def test_files_that_call_their_schema_version_still_restore(loaded, tmp_path):
    path = _export(tmp_path)
    backup = json.loads(path.read_text())
    backup["version"] = backup.pop("schema")
    path.write_text(json.dumps(backup))
    _wipe()
    _import(path)
    assert Dimension.objects.filter(comparison__slug="product-management-b2b-vs-b2c").exists()


def test_a_schema_1_backup_gets_one_history_record_of_everything(loaded, tmp_path):
    path = _export(tmp_path)
    backup = json.loads(path.read_text())
    del backup["schema"]
    backup["version"] = 1
    for section in ("segment_history", "comparison_history", "dimension_history", "entry_history"):
        del backup["data"][section]
    backup["data"].pop("comparison_segment_history", None)
    path.write_text(json.dumps(backup))
    _wipe()
    _import(path)
    rows = Dimension.objects.all()
    assert rows and all(dimension.history.count() == 1 for dimension in rows)
    assert {r.changeset.get_reason_display() for r in Dimension.history.all()} == {
        "Restored from a backup"
    }


def _revisions(dimension) -> list[tuple]:
    """A row's history as its page lists it: each revision, who made it and why."""
    return [
        (r.key, r.user.username if r.user else None, r.reason, len(r.entry_changes))
        for r in dimension_revisions(dimension.pk)
    ]


def _edit_then_restore_within_seconds(dimension):
    """Two changesets by ed1, seconds apart: an edit of the title and a cell, then a restore."""
    ed1 = editor_client_for("ed1")
    ed1.post(
        change_url(dimension),
        opened_dimension_form(dimension, title="Saved by ed1", b2c_body="New"),
    )
    first = dimension_revisions(dimension.pk)[-1]
    ed1.post(f"/admin/comparisons/dimension/{dimension.pk}/history/{first.key}/restore/")


@pytest.mark.parametrize("author_in_target", [True, False], ids=["author-kept", "author-gone"])
def test_a_restore_keeps_each_rows_revisions_grouped_by_changeset(
    comparison, tmp_path, author_in_target
):
    dimension = Dimension.objects.get(slug="row-1")
    _edit_then_restore_within_seconds(dimension)
    before = _revisions(dimension)
    assert [(user, reason[:24]) for _, user, reason, _ in before] == [
        ("ed1", "Restored the version of "),
        ("ed1", ""),
        (None, ""),
    ]
    path = _export(tmp_path)
    _wipe()
    if not author_in_target:
        get_user_model().objects.filter(username="ed1").delete()
    _import(path)

    assert _revisions(dimension) == before
    author = Changeset.objects.get(reason="restore").user
    assert author.username == "ed1"
    assert author.is_active == author_in_target
    assert author.has_usable_password() == author_in_target
    # Saved after the restore: a changeset of its own, after every restored one.
    dimension.refresh_from_db()
    dimension.title = "After the restore"
    made = writes.save(None, dimension)
    assert made.pk > Changeset.objects.exclude(pk=made.pk).order_by("pk").last().pk
    assert len(_revisions(dimension)) == len(before) + 1


def test_a_restore_keeps_readers_suggestions_and_their_status_pages(client, comparison, tmp_path):
    suggestions.send(client, b2c_body="B2C buyers now read reviews first.")
    suggestion = Suggestion.objects.get()
    apply.decline(suggestion, make_editor("ed2"), note="Thanks; not yet true.")
    fields = ("id", "dimension", "token", "status", "cells", "editor_note", "created", "decided")
    before = list(Suggestion.objects.values(*fields))
    path = _export(tmp_path)
    _wipe()
    get_user_model().objects.filter(username="ed2").delete()
    _import(path)

    assert list(Suggestion.objects.values(*fields)) == before
    assert Suggestion.objects.get().decided_by.username == "ed2"
    page = client.get(f"/suggestions/{before[0]['token']}/")
    assert page.status_code == 200
    assert "Declined" in page.content.decode()
    assert "Thanks; not yet true." in page.content.decode()


def test_a_backup_made_before_changesets_and_suggestions_were_carried_still_restores(
    comparison, client, tmp_path
):
    suggestions.send(client, b2c_body="Not in the old backup.")
    path = _export(tmp_path)
    backup = json.loads(path.read_text())
    del backup["data"]["changesets"], backup["data"]["suggestions"]
    for section in ("segment_history", "comparison_history", "dimension_history"):
        for record in backup["data"][section]:
            del record["changeset"]
    for record in backup["data"]["entry_history"]:
        del record["changeset"]
    backup["data"].pop("comparison_segment_history")
    path.write_text(json.dumps(backup))
    _wipe()
    _import(path)

    assert Dimension.objects.count() == 2
    assert not Suggestion.objects.exists()
    # Its records have no changeset (grouped as before changesets); the restore is the only one.
    assert not Dimension.history.filter(changeset__isnull=False).exists()
    assert list(Changeset.objects.values_list("reason", flat=True)) == ["backup"]
    assert [r.reason for r in dimension_revisions(Dimension.objects.get(slug="row-1").pk)] == [""]
