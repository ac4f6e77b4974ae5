import json
from io import StringIO

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command

from comparisons.models import Dimension, Entry
from comparisons.transfer.resources import DimensionResource
from tests.admin_import import confirm, confirm_form, upload
from tests.factories import log_in, make_comparison

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "json", "xlsx"]


def _export(fmt="csv"):
    return DimensionResource().export().export(fmt)


def _import(data, fmt="csv", dry_run=False):
    dataset = tablib.Dataset().load(data, format=fmt)
    return DimensionResource().import_data(dataset, dry_run=dry_run)


def _snapshot():
    """Everything an import could change, by natural keys."""
    rows = {
        (d.comparison.slug, d.slug): (
            d.title,
            d.question,
            d.status,
            d.position,
            d.common_ground,
            sorted(t.name for t in d.tags.all()),
            d.updated,
        )
        for d in Dimension.objects.select_related("comparison")
    }
    cells = {
        (e.dimension.slug, e.segment.slug): (e.body, e.sources, e.updated)
        for e in Entry.objects.select_related("dimension", "segment")
    }
    return rows, cells


def _edited_lines(**changes):
    """The exported rows as dicts, with `changes` applied to row index -> {column: value}."""
    rows = json.loads(_export("json"))
    for index, columns in changes.items():
        rows[int(index.removeprefix("row"))].update(columns)
    return rows


def test_the_export_has_one_row_per_dimension_with_its_cells_side_by_side(comparison):
    rows = json.loads(_export("json"))
    assert [row["slug"] for row in rows] == ["row-1", "row-2"]
    first = rows[0]
    assert first["comparison"] == "b2b-vs-b2c"
    assert first["tags"] == "research"
    assert first["b2b_body"] == "B2B answer for row 1"
    assert first["b2c_sources"] == "A source | https://example.com/source"
    assert "id" not in first


@pytest.mark.parametrize("fmt", FORMATS)
def test_reimporting_an_unchanged_export_changes_nothing(comparison, fmt):
    before = _snapshot()
    result = _import(_export(fmt), fmt)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 2
    assert result.totals["update"] == result.totals["new"] == 0
    assert _snapshot() == before


def test_an_edited_file_creates_and_changes_rows_and_cells(comparison):
    before = _snapshot()
    rows = _edited_lines(row0={"b2c_body": "Edited in a spreadsheet", "tags": "research, money"})
    rows.append(
        {
            **rows[1],
            "slug": "pricing",
            "title": "Pricing",
            "b2b_body": "Per seat.",
            "b2b_sources": "Price list | https://example.com/prices",
            "b2c_body": "Free first.",
            "b2c_sources": "",
        }
    )
    result = _import(json.dumps(rows), "json")
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (1, 1, 1)
    row1 = Dimension.objects.get(slug="row-1")
    assert row1.entries.get(segment__slug="b2c").body == "Edited in a spreadsheet"
    untouched = row1.entries.get(segment__slug="b2b")
    assert untouched.updated == before[1][("row-1", "b2b")][2]
    assert sorted(row1.tags.names()) == ["money", "research"]
    pricing = Dimension.objects.get(slug="pricing")
    assert pricing.comparison == comparison
    assert pricing.entries.get(segment__slug="b2b").sources == [
        {"title": "Price list", "url": "https://example.com/prices"}
    ]


def test_one_bad_line_rolls_back_the_whole_import_and_names_its_line(comparison):
    before = _snapshot()
    rows = _edited_lines(
        row0={"title": "A good change"},
        row1={"b2b_sources": "Bad link | javascript:alert(1)"},
    )
    result = _import(json.dumps(rows), "json")
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "http" in str(invalid.error_dict["b2b_sources"])
    assert _snapshot() == before


def test_a_row_error_names_its_line_and_rolls_back(comparison):
    before = _snapshot()
    rows = _edited_lines(row0={"title": "A good change"}, row1={"comparison": "no-such-table"})
    result = _import(json.dumps(rows), "json")
    assert result.has_errors()
    [(line, errors)] = result.row_errors()
    assert line == 2
    assert "no-such-table" in str(errors[0].error)
    assert _snapshot() == before


def test_import_refuses_a_cell_for_a_segment_the_comparison_does_not_compare(comparison):
    make_comparison(slug="other", segments=("B2G",), dimensions=0)
    rows = _edited_lines(row0={"b2g_body": "Tenders."}, row1={"b2g_body": ""})
    result = _import(json.dumps(rows), "json")
    assert "no b2g column" in str(result.invalid_rows[0].error_dict["b2g_body"])
    assert not Entry.objects.filter(segment__slug="b2g").exists()


def test_an_emptied_cell_is_an_error_not_a_deletion(comparison):
    rows = _edited_lines(row0={"b2b_body": "", "b2b_sources": ""})
    result = _import(json.dumps(rows), "json")
    assert "never deletes" in str(result.invalid_rows[0].error_dict["b2b_body"])
    assert Entry.objects.count() == 4


def test_an_unknown_segment_column_is_reported(comparison):
    rows = _edited_lines(row0={"b2x_body": "Typo in the header"}, row1={"b2x_body": ""})
    result = _import(json.dumps(rows), "json")
    assert "Unknown segment columns: b2x_body" in str(result.base_errors[0].error)


def test_a_row_twice_in_one_file_is_refused(comparison):
    rows = json.loads(_export("json"))
    rows.append({**rows[0], "title": "Second version"})
    result = _import(json.dumps(rows), "json")
    assert "b2b-vs-b2c/row-1 is on lines 1, 3" in str(result.base_errors[0].error)
    assert Dimension.objects.get(slug="row-1").title == "Row 1"


def test_the_admin_preview_shows_new_changed_and_unchanged_rows_then_imports(
    editor_client, comparison
):
    rows = _edited_lines(row0={"title": "Changed title"})
    rows.append({**rows[1], "slug": "row-3", "title": "Row 3"})
    response = upload(editor_client, rows)
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("New", "Update", "Skipped"):
        assert f"{label}\n" in html
    assert 'name="import_file_name"' in html
    assert not Dimension.objects.filter(slug="row-3").exists()

    response = confirm(editor_client, confirm_form(html))
    assert response.status_code == 302
    assert Dimension.objects.get(slug="row-1").title == "Changed title"
    assert Dimension.objects.filter(slug="row-3").exists()


def test_the_admin_preview_lists_row_errors_and_offers_no_confirm(editor_client, comparison):
    rows = _edited_lines(row1={"b2b_sources": "Bad link | ftp://example.com/file"})
    response = upload(editor_client, rows)
    html = response.content.decode()
    assert "Some rows failed to validate" in html
    assert "the URL must start with http:// or https://" in html
    assert 'name="import_file_name"' not in html


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_admin_exports_the_filtered_comparison(editor_client, comparison, fmt):
    make_comparison(slug="other", dimensions=1)
    html = editor_client.get(
        f"/admin/comparisons/dimension/export/?comparison__id__exact={comparison.pk}"
    ).content.decode()
    options = html.split('name="format"', 1)[1].split("</select>", 1)[0]
    index = next(
        part.split('"', 1)[0]
        for part in options.split('value="')[1:]
        if part.split(">", 1)[1].strip().lower().startswith(fmt)
    )
    response = editor_client.post(
        f"/admin/comparisons/dimension/export/?comparison__id__exact={comparison.pk}",
        {
            "format": index,
            "resource": 0,
            "dimensionresource_slug": "on",
            "dimensionresource_comparison": "on",
            "dimensionresource_b2b_body": "on",
        },
    )
    assert response.status_code == 200
    dataset = tablib.Dataset().load(
        response.content if fmt == "xlsx" else response.content.decode(), format=fmt
    )
    assert set(dataset["comparison"]) == {"b2b-vs-b2c"}
    assert "B2B answer for row 1" in dataset["b2b_body"]


def test_an_editor_of_the_editors_group_may_import_and_export(client, comparison):
    call_command("createeditor", "casey", "casey@example.com", stdout=StringIO())
    log_in(client, get_user_model().objects.get(username="casey"))
    assert client.get("/admin/comparisons/dimension/import/").status_code == 200
    assert client.get("/admin/comparisons/dimension/export/").status_code == 200


def test_a_staff_user_who_may_only_view_rows_cannot_import(client, comparison):
    viewer = get_user_model().objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_dimension"))
    log_in(client, viewer)
    assert client.get("/admin/comparisons/dimension/import/").status_code == 403
    assert client.get("/admin/comparisons/dimension/export/").status_code == 200
