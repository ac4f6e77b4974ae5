"""The edit version and the history next to bulk import and backup/restore."""

import json
from io import StringIO

import pytest
import tablib
from django.core.management import call_command

from comparisons.models import Dimension, Entry
from comparisons.transfer.backup import delete_everything
from comparisons.transfer.resources import DimensionResource
from tests.admin_forms import change_url, opened_dimension_form

pytestmark = pytest.mark.django_db


def _import(rows):
    dataset = tablib.Dataset().load(json.dumps(rows), format="json")
    result = DimensionResource().import_data(dataset)
    assert not result.has_errors() and not result.has_validation_errors()
    return result


def _exported_lines():
    return json.loads(DimensionResource().export().export("json"))


def test_an_import_bumps_the_versions_of_what_it_changes_and_records_history(comparison):
    rows = _exported_lines()
    rows[0]["title"] = "Imported title"
    rows[0]["b2b_body"] = "Imported text"
    _import(rows)
    row = Dimension.objects.get(slug="row-1")
    assert (row.title, row.version) == ("Imported title", 2)
    assert row.entries.get(segment__slug="b2b").version == 2
    assert row.entries.get(segment__slug="b2c").version == 1  # unchanged cell untouched
    assert row.history.count() == 2
    # Importing the same file again changes nothing.
    _import(rows)
    assert Dimension.objects.get(slug="row-1").version == 2


def test_a_form_opened_before_an_import_is_refused(editor_client, comparison):
    row = Dimension.objects.get(slug="row-1")
    form = opened_dimension_form(row, title="Typed in the form")
    rows = _exported_lines()
    rows[0]["title"] = "Imported title"
    _import(rows)
    response = editor_client.post(change_url(row), form)
    assert response.status_code == 200
    assert "after you opened this form" in response.content.decode()
    assert Dimension.objects.get(pk=row.pk).title == "Imported title"


def test_a_backup_keeps_versions_and_a_restored_row_saves_as_usual(comparison, tmp_path):
    row = Dimension.objects.get(slug="row-1")
    row.title = "Edited once"
    row.save()
    path = tmp_path / "backup.json"
    call_command("export_kb", str(path), stderr=StringIO())
    assert {d["slug"]: d["version"] for d in json.loads(path.read_text())["data"]["dimensions"]}[
        "row-1"
    ] == 2
    delete_everything()
    call_command("import_kb", str(path), stdout=StringIO())
    restored = Dimension.objects.get(slug="row-1")
    assert restored.version == 2
    restored.title = "Edited after the restore"
    restored.save()
    assert Dimension.objects.get(slug="row-1").version == 3
    entry = Entry.objects.filter(dimension=restored).first()
    entry.body = "Edited cell"
    entry.save()
    assert entry.version == 2


def test_a_backup_older_than_versions_restores_with_version_one(comparison, tmp_path):
    path = tmp_path / "backup.json"
    call_command("export_kb", str(path), stderr=StringIO())
    backup = json.loads(path.read_text())
    for item in backup["data"]["dimensions"] + backup["data"]["entries"]:
        del item["version"]
    path.write_text(json.dumps(backup))
    delete_everything()
    call_command("import_kb", str(path), stdout=StringIO())
    assert set(Dimension.objects.values_list("version", flat=True)) == {1}
    assert set(Entry.objects.values_list("version", flat=True)) == {1}
