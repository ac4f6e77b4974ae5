"""An old export imported later is a three-way merge against the versions it was exported from:
another editor's work since the export survives (issue 25, finding 2)."""

import json

import pytest

from comparisons.models import Dimension, Entry
from tests.admin_forms import change_url, opened_dimension_form
from tests.admin_import import confirm, confirm_form, export, upload_file
from tests.factories import editor_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported_by_a(comparison_of_three):
    """Editor A exports the table (JSON, CSV and XLSX carry the same versions)."""
    a = editor_client_for("editor-a")
    return a, json.loads(export(a, "json"))


def _b_edits_dimension_1_in_the_admin():
    b = editor_client_for("editor-b")
    row = Dimension.objects.get(slug="row-1")
    form = opened_dimension_form(row, title="B's title", b2c_body="B's B2C text")
    assert b.post(change_url(row), form).status_code == 302


def _line(rows, slug):
    return next(row for row in rows if row["slug"] == slug)


def _b2c(slug):
    return Entry.objects.get(dimension__slug=slug, segment__slug="b2c").body


def test_the_export_carries_the_version_of_each_row_and_cell(exported_by_a):
    _a, rows = exported_by_a
    assert {(row["version"], row["b2b_version"], row["b2c_version"]) for row in rows} == {
        ("1", "1", "1")
    }


def test_an_old_file_keeps_what_another_editor_saved_since_the_export(exported_by_a):
    a, rows = exported_by_a
    _b_edits_dimension_1_in_the_admin()
    _line(rows, "row-2")["title"] = "A's title for row 2"

    preview = upload_file(a, json.dumps(rows).encode(), "json")
    html = preview.content.decode()
    assert "Conflicts" not in html
    assert html.count("Update\n") == 1  # row-2 only: row-1 is B's, untouched by A
    assert confirm(a, confirm_form(html)).status_code == 302

    row1 = Dimension.objects.get(slug="row-1")
    assert (row1.title, _b2c("row-1")) == ("B's title", "B's B2C text")
    assert Dimension.objects.get(slug="row-2").title == "A's title for row 2"


def test_a_field_both_editors_changed_is_a_conflict_the_site_keeps_unless_chosen(exported_by_a):
    a, rows = exported_by_a
    _b_edits_dimension_1_in_the_admin()
    _line(rows, "row-1")["title"] = "A's title"
    _line(rows, "row-1")["question"] = "A's question?"  # B left the question alone

    html = upload_file(a, json.dumps(rows).encode(), "json").content.decode()
    assert "Conflicts" in html
    assert 'name="conflict:b2b-vs-b2c/row-1:title"' in html
    assert "saved by editor-b since your export" in html
    assert "conflict:b2b-vs-b2c/row-1:b2c_body" not in html  # A left B2C as exported
    confirm(a, confirm_form(html))

    row1 = Dimension.objects.get(slug="row-1")
    assert (row1.title, row1.question) == ("B's title", "A's question?")
    assert _b2c("row-1") == "B's B2C text"


def test_the_editor_may_take_the_file_s_side_of_a_conflict(exported_by_a):
    a, rows = exported_by_a
    _b_edits_dimension_1_in_the_admin()
    _line(rows, "row-1")["title"] = "A's title"

    html = upload_file(a, json.dumps(rows).encode(), "json").content.decode()
    confirm(a, {**confirm_form(html), "conflict:b2b-vs-b2c/row-1:title": "file"})

    assert Dimension.objects.get(slug="row-1").title == "A's title"
    assert _b2c("row-1") == "B's B2C text"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spreadsheets_merge_as_json_does(exported_by_a, fmt):
    a, _counted = exported_by_a
    data = export(a, fmt)
    _b_edits_dimension_1_in_the_admin()

    html = upload_file(a, data, fmt).content.decode()
    assert "Update\n" not in html and "Conflicts" not in html
    confirm(a, confirm_form(html))
    assert Dimension.objects.get(slug="row-1").title == "B's title"
