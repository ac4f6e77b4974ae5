import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comparisons.models import Comparison, Dimension, Entry
from comparisons.transfer.backup import delete_everything
from tests.conftest import make_comparison
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


def test_a_restored_database_exports_the_same_backup(loaded, tmp_path):
    first = _export(tmp_path, "first.json")
    _wipe()
    _import(first)
    assert _without_date(_export(tmp_path, "second.json")) == _without_date(first)


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
    make_comparison(slug="added-later", rows=1)
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
    assert rows and all(row.history.count() == 1 for row in rows)
    assert {r.changeset.get_reason_display() for r in Dimension.history.all()} == {
        "Restored from a backup"
    }
