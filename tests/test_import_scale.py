"""Imports at spreadsheet scale (issue 25, finding 6; issue 28, finding 12): a fixed number of
queries per import and at most 3 per line, for the admin's preview and confirm alike; a cell
size cap; a preview whose diff stays linear in the size of a cell."""

import json
import random
import string

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comparisons.models import Dimension, Entry
from tests.admin_import import (
    CONFIRM_URL,
    IMPORT_URL,
    confirm_form,
    export,
    format_index,
    upload_file,
)
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

PER_LINE = 3


def _edited_export(client, **changes) -> bytes:
    rows = json.loads(export(client, "json"))
    for row in rows:
        row.update({name: f"{value} {row['slug']}" for name, value in changes.items()})
    return json.dumps(rows).encode()


def _queries(client, url, data) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    return len(queries), response


def _preview_and_confirm(client, data: bytes) -> tuple[int, int]:
    form = {"resource": 0, "format": format_index(client, "json")}
    file = SimpleUploadedFile("rows.json", data)
    previewed, response = _queries(client, IMPORT_URL, {**form, "import_file": file})
    assert response.status_code == 200
    confirmed, response = _queries(client, CONFIRM_URL, confirm_form(response.content.decode()))
    assert response.status_code == 302
    return previewed, confirmed


def test_an_import_costs_a_fixed_number_of_queries_and_at_most_3_a_line(editor_client, db):
    make_comparison(slug="small", dimensions=5)
    make_comparison(slug="large", dimensions=35)
    small = _preview_and_confirm(editor_client, _only(editor_client, "small"))
    large = _preview_and_confirm(editor_client, _only(editor_client, "large"))
    for few, many in zip(small, large, strict=True):
        assert (many - few) / 30 <= PER_LINE, (small, large)
    assert Dimension.objects.filter(title__startswith="Edited").count() == 40
    assert Entry.objects.filter(body__startswith="Edited text").count() == 40


def _only(client, comparison: str) -> bytes:
    rows = json.loads(_edited_export(client, title="Edited", b2b_body="Edited text"))
    return json.dumps([row for row in rows if row["comparison"] == comparison]).encode()


def test_a_cell_over_the_size_cap_is_a_form_error_naming_its_line_and_column(
    editor_client, comparison, settings
):
    settings.IMPORT_MAX_CELL_BYTES = 1000
    rows = json.loads(export(editor_client, "json"))
    rows[1]["b2c_body"] = "x" * 1001
    html = _upload(editor_client, rows)
    assert (
        "Line 2, column b2c_body: this cell is 1,001 bytes; a cell may hold at most 1,000" in html
    )
    assert 'name="import_file_name"' not in html


def _upload(client, rows) -> str:
    return upload_file(client, json.dumps(rows).encode(), "json").content.decode()


def _prose(size: int, seed: int) -> str:
    rng = random.Random(seed)
    words = (
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in iter(int, 1)
    )
    text = ""
    while len(text) < size:
        text += next(words) + " "
    return text[:size]


def test_a_preview_of_large_rewritten_cells_shows_each_as_one_replacement(editor_client, db):
    """Issue 28, 12: a word diff of 8 KB cells took the preview past the worker's timeout. The
    preview now shows a rewritten cell as its middle deleted and inserted, a diff linear in
    the cell's size (times: `make bench-imports`)."""
    make_comparison(dimensions=30, bulk=True)
    for number, entry in enumerate(Entry.objects.all()):
        Entry.objects.filter(pk=entry.pk).update(body=_prose(8000, number))
    rows = json.loads(export(editor_client, "json"))
    for number, row in enumerate(rows):
        row["b2b_body"] = _prose(8000, 1000 + number)
        row["b2c_body"] = _prose(8000, 2000 + number)
    html = _upload(editor_client, rows)
    assert html.count("Update\n") == 30
    assert html.count("<del>") == html.count("<ins>") == 60
