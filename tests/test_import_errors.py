"""The admin's import errors, as an editor sees them with DEBUG=0: line numbers and messages,
never a traceback."""

import json

import pytest

from comparisons.models import Dimension
from comparisons.transfer.resources import DimensionResource
from tests.admin_import import upload, upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _exported_lines():
    return json.loads(DimensionResource().export().export("json"))


def _errors_of(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert "Traceback" not in html
    assert 'name="import_file_name"' not in html  # nothing to confirm
    return html


def test_a_file_without_the_key_columns_is_refused_with_a_message(editor_client, comparison):
    html = _errors_of(upload(editor_client, [{"name": "Pricing", "colour": "blue"}]))
    assert "The header line has no comparison or slug column" in html


def test_a_column_the_import_does_not_know_is_refused(editor_client, comparison):
    rows = [{**row, "titel": "A typo"} for row in _exported_lines()]
    html = _errors_of(upload(editor_client, rows))
    assert "Unknown columns: titel." in html


def test_an_unknown_segment_column_is_refused_with_a_message(editor_client, comparison):
    rows = [{**row, "b2x_body": ""} for row in _exported_lines()]
    html = _errors_of(upload(editor_client, rows))
    assert "Unknown segment columns: b2x_body." in html


def test_a_duplicated_row_names_both_lines(editor_client, comparison):
    rows = _exported_lines()
    rows.append({**rows[0], "title": "Second version"})
    html = _errors_of(upload(editor_client, rows))
    assert "b2b-vs-b2c/row-1 is on lines 1, 3" in html
    assert Dimension.objects.get(slug="row-1").title == "Row 1"


def test_a_line_with_an_error_is_named_with_its_message(editor_client, comparison):
    rows = _exported_lines()
    rows[1]["comparison"] = "no-such-table"
    html = _errors_of(upload(editor_client, rows))
    assert "Line 2: No comparison with slug &#x27;no-such-table&#x27;." in html


def test_a_file_that_is_not_of_its_format_is_a_form_error(editor_client, comparison):
    html = _errors_of(upload_file(editor_client, b"not a zip", "xlsx"))
    assert "Ensure you have chosen the correct format for the file." in html
