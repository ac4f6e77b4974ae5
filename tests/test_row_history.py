"""History of rows in the admin: who, when, what; diffs of fields and entries; restore."""

import pytest

from comparisons.history.versions import dimension_revisions
from comparisons.models import Comparison, Dimension, DimensionSlug, Entry, Segment
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import log_in, make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def dimension(db):
    make_comparison(dimensions=1)
    return Dimension.objects.get()


def _history_url(dimension_id):
    return f"/admin/comparisons/dimension/{dimension_id}/history/"


def _restore(client, revision):
    return client.post(
        f"/admin/comparisons/dimension/{revision.record.id}/history/{revision.key}/restore/"
    )


def test_every_content_model_records_its_changes():
    comparison = make_comparison(dimensions=1)
    assert comparison.history.count() == 1
    assert Segment.history.count() == 2
    assert Dimension.history.count() == 1
    assert Entry.history.count() == 2


def test_an_admin_edit_records_who_when_and_what(editor_client, editor, dimension):
    editor_client.post(
        change_url(dimension),
        opened_dimension_form(dimension, title="Renamed", b2b_body="New B2B text"),
    )
    newest = dimension_revisions(dimension.pk)[0]
    assert newest.record.history_user == editor
    assert newest.record.history_date is not None
    assert [(c.name, c.old, c.new) for c in newest.field_changes] == [("title", "Row 1", "Renamed")]
    [entry_change] = newest.entry_changes
    assert (entry_change.segment, entry_change.kind) == ("B2B", "changed")
    assert entry_change.fields[0].new == "New B2B text"


def test_the_history_page_shows_each_version_with_a_diff_of_fields_and_entries(
    editor_client, dimension
):
    editor_client.post(
        change_url(dimension),
        opened_dimension_form(dimension, title="Renamed", b2c_body="Fresh B2C answer"),
    )
    html = editor_client.get(_history_url(dimension.pk)).content.decode()
    assert "<del>Row 1</del><ins>Renamed</ins>" in html
    assert "B2C · text" in html
    assert "<ins>Fresh </ins>B2C answer<del> for row 1</del>" in html
    assert "<del></del>" not in html
    assert html.count("Restore this version") == 1  # the older version; not the current one


def test_entries_of_a_version_are_those_it_was_saved_with(editor_client, dimension):
    editor_client.post(
        change_url(dimension), opened_dimension_form(dimension, b2b_body="Second text")
    )
    editor_client.post(
        change_url(dimension), opened_dimension_form(dimension, b2b_body="Third text")
    )
    bodies = [
        sorted(e.body for e in revision.entries.values())
        for revision in dimension_revisions(dimension.pk)
    ]
    assert bodies == [
        ["B2C answer for row 1", "Third text"],
        ["B2C answer for row 1", "Second text"],
        ["B2B answer for row 1", "B2C answer for row 1"],
    ]


def test_restoring_a_version_brings_back_its_fields_and_entries_in_one_action(
    editor_client, dimension
):
    editor_client.post(
        change_url(dimension),
        opened_dimension_form(dimension, title="Changed", b2b_body="Changed text"),
    )
    dimension.entries.get(segment__slug="b2c").delete()
    first = dimension_revisions(dimension.pk)[-1]

    response = _restore(editor_client, first)

    assert response.status_code == 302
    dimension.refresh_from_db()
    assert dimension.title == "Row 1"
    assert sorted(dimension.entries.values_list("body", flat=True)) == [
        "B2B answer for row 1",
        "B2C answer for row 1",
    ]


def test_a_restore_is_itself_recorded_and_can_be_undone(editor_client, editor, dimension):
    editor_client.post(change_url(dimension), opened_dimension_form(dimension, title="Changed"))
    _restore(editor_client, dimension_revisions(dimension.pk)[-1])
    newest = dimension_revisions(dimension.pk)[0]
    assert newest.reason.startswith("Restored the version of")
    assert newest.record.changeset.reason == "restore"
    assert newest.record.history_user == editor
    assert [(c.old, c.new) for c in newest.field_changes] == [("Changed", "Row 1")]
    # The version before the restore is still there, and restorable.
    _restore(editor_client, dimension_revisions(dimension.pk)[1])
    dimension.refresh_from_db()
    assert dimension.title == "Changed"


def test_deleting_a_row_keeps_its_history_and_it_can_be_restored_with_its_entries(
    editor_client, dimension
):
    entry_ids = set(dimension.entries.values_list("pk", flat=True))
    response = editor_client.post(
        f"/admin/comparisons/dimension/{dimension.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Dimension.objects.filter(pk=dimension.pk).exists()
    deletion = Dimension.history.get(id=dimension.pk, history_type="-").changeset
    assert Entry.history.filter(changeset=deletion, history_type="-").count() == 2

    deleted_list = editor_client.get("/admin/comparisons/dimension/deleted/").content.decode()
    assert _history_url(dimension.pk) in deleted_list
    history = editor_client.get(_history_url(dimension.pk)).content.decode()
    assert "This row is deleted" in history

    before_deletion = dimension_revisions(dimension.pk)[1]
    assert len(before_deletion.entries) == 2
    assert _restore(editor_client, before_deletion).status_code == 302

    restored = Dimension.objects.get(pk=dimension.pk)
    assert restored.title == "Row 1"
    assert set(restored.entries.values_list("pk", flat=True)) == entry_ids
    assert "Row 1" in editor_client.get("/compare/b2b-vs-b2c/").content.decode()
    assert (
        "/admin/comparisons/dimension/deleted/"
        in editor_client.get("/admin/comparisons/dimension/").content.decode()
    )


def test_a_restore_that_changes_the_slug_keeps_the_old_url_working(
    editor_client, client, dimension
):
    editor_client.post(change_url(dimension), opened_dimension_form(dimension, slug="renamed"))
    assert client.get("/compare/b2b-vs-b2c/row-1/").status_code == 301
    _restore(editor_client, dimension_revisions(dimension.pk)[-1])  # back to "row-1"
    dimension.refresh_from_db()
    assert dimension.slug == "row-1"
    assert DimensionSlug.objects.get(slug="renamed").dimension_id == dimension.pk
    response = client.get("/compare/b2b-vs-b2c/renamed/")
    assert (response.status_code, response["Location"]) == (301, "/compare/b2b-vs-b2c/row-1/")
    assert client.get("/compare/b2b-vs-b2c/row-1/").status_code == 200


def test_a_restore_refuses_a_slug_taken_meanwhile_and_changes_nothing(editor_client, dimension):
    editor_client.post(change_url(dimension), opened_dimension_form(dimension, slug="renamed"))
    Dimension.objects.create(comparison=dimension.comparison, title="Other", slug="row-1")
    response = _restore(editor_client, dimension_revisions(dimension.pk)[-1])
    assert response.status_code == 302
    dimension.refresh_from_db()
    assert dimension.slug == "renamed"
    messages = editor_client.get(response["Location"]).content.decode()
    assert "Not restored" in messages


def test_restore_answers_get_with_405_and_unknown_versions_with_404(editor_client, dimension):
    revision = dimension_revisions(dimension.pk)[0]
    url = (
        f"/admin/comparisons/dimension/{dimension.pk}/history/{revision.record.history_id}/restore/"
    )
    assert editor_client.get(url).status_code == 405
    bad = f"/admin/comparisons/dimension/{dimension.pk}/history/999999/restore/"
    assert editor_client.post(bad).status_code == 404
    assert editor_client.get(_history_url(999999)).status_code == 404


def test_editors_may_read_history_and_restore(client, dimension, editor):
    granted = set(editor.groups.get().permissions.values_list("codename", flat=True))
    assert {"view_historicaldimension", "view_historicalentry"} <= granted
    assert {"view_historicalcomparison", "view_historicalsegment"} <= granted
    log_in(client, editor)
    client.post(change_url(dimension), opened_dimension_form(dimension, title="Changed"))
    assert client.get(_history_url(dimension.pk)).status_code == 200
    assert _restore(client, dimension_revisions(dimension.pk)[-1]).status_code == 302
    assert Dimension.objects.get().title == "Row 1"


def test_a_reader_without_staff_rights_cannot_see_the_history(client, dimension):
    assert client.get(_history_url(dimension.pk)).status_code == 302  # to the login


def test_comparison_history_is_in_the_admin(editor_client):
    comparison = make_comparison(dimensions=0)
    comparison.title = "New title"
    comparison.save()
    response = editor_client.get(f"/admin/comparisons/comparison/{comparison.pk}/history/")
    assert response.status_code == 200
    assert Comparison.history.filter(id=comparison.pk).count() == 2


def test_a_row_saved_before_history_began_has_an_empty_history_page(editor_client, dimension):
    Dimension.history.all().delete()
    response = editor_client.get(_history_url(dimension.pk))
    assert response.status_code == 200
    assert "No version recorded yet" in response.content.decode()
    assert editor_client.get(_history_url("abc")).status_code == 404


def test_the_word_diff_groups_a_replaced_phrase_and_keeps_the_rest():
    from comparisons.history.versions import word_diff

    assert word_diff("Sell to a few large accounts", "Sell to many small users") == [
        ("", "Sell to "),
        ("del", "a few large accounts"),
        ("ins", "many small users"),
    ]
    assert word_diff(None, "New") == [("ins", "New")]
    assert word_diff([{"title": "T", "url": "https://e.com"}], []) == [("del", "T | https://e.com")]


def test_the_per_version_page_of_simple_history_leads_to_the_row_history(editor_client, dimension):
    revision = dimension_revisions(dimension.pk)[0]
    response = editor_client.get(f"{_history_url(dimension.pk)}{revision.record.history_id}/")
    assert response.status_code == 302
    assert response["Location"] == f"{_history_url(dimension.pk)}#version-{revision.key}"


def test_positions_edited_in_the_list_are_saved_and_recorded(editor_client, dimension):
    data = {
        "form-TOTAL_FORMS": 1,
        "form-INITIAL_FORMS": 1,
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "form-0-id": dimension.pk,
        "form-0-position": 7,
        "form-0-difference": dimension.difference,
        "form-0-version": dimension.version,
        "_save": "Save",
    }
    response = editor_client.post("/admin/comparisons/dimension/", data)
    assert response.status_code == 302
    dimension.refresh_from_db()
    assert (dimension.position, dimension.version) == (7, 2)
    assert [(c.old, c.new) for c in dimension_revisions(dimension.pk)[0].field_changes] == [(1, 7)]


def test_a_row_deleted_with_the_bulk_action_comes_back_with_its_entries(editor_client, dimension):
    response = editor_client.post(
        "/admin/comparisons/dimension/",
        {"action": "delete_selected", "_selected_action": [dimension.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Dimension.objects.exists()
    _restore(editor_client, dimension_revisions(dimension.pk)[1])
    assert Dimension.objects.get().entries.count() == 2
    # The restored row's history goes on: deleted, then restored.
    assert [v.record.history_type for v in dimension_revisions(dimension.pk)] == ["+", "-", "+"]


def test_tags_are_part_of_each_version_and_of_a_restore(editor_client, dimension):
    editor_client.post(
        change_url(dimension), opened_dimension_form(dimension, tags="pricing, research")
    )
    newest, first = dimension_revisions(dimension.pk)[0], dimension_revisions(dimension.pk)[-1]
    assert (first.record.tag_names, newest.record.tag_names) == ("research", "pricing, research")
    assert [(c.name, c.old, c.new) for c in newest.field_changes] == [
        ("tags", "research", "pricing, research")
    ]
    _restore(editor_client, first)
    assert sorted(Dimension.objects.get().tags.names()) == ["research"]


def test_a_deleted_row_comes_back_with_its_tags(editor_client, dimension):
    editor_client.post(f"/admin/comparisons/dimension/{dimension.pk}/delete/", {"post": "yes"})
    _restore(editor_client, dimension_revisions(dimension.pk)[1])
    assert list(Dimension.objects.get().tags.names()) == ["research"]
