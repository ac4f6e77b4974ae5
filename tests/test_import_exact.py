"""An exact re-import of an unchanged export changes nothing and flags no row "Update", in
every format, whatever whitespace and line separators the text holds (issue 28, finding 13)."""

import pytest

from comparisons.models import Dimension, Entry
from tests.admin_import import confirm, confirm_form, export, upload_file

pytestmark = pytest.mark.django_db

AWKWARD = [
    "\tStarts with a tab",
    "Ends with a vertical tab\x0b",
    "Ends with a line separator\u2028",
    "Carriage return at the end\r",
    " Spaces around ",
]


@pytest.fixture
def awkward(comparison_of_three):
    rows = Dimension.objects.order_by("position")
    for row, text in zip(rows, AWKWARD, strict=False):
        Dimension.objects.filter(pk=row.pk).update(title=text, question=text)
        Entry.objects.filter(dimension=row).update(
            body="First line\r\nsecond line\u2028third\n",
            sources=[{"title": f"Title with a\u2028line separator {row.pk}", "url": ""}],
        )
    return comparison_of_three


def _state():
    rows = list(Dimension.objects.order_by("pk").values_list("title", "question", "version"))
    cells = list(Entry.objects.order_by("pk").values_list("body", "sources", "version"))
    return rows, cells


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_an_unchanged_export_imports_as_all_skipped_and_changes_nothing(
    editor_client, awkward, fmt
):
    before = _state()
    html = upload_file(editor_client, export(editor_client, fmt), fmt).content.decode()
    assert html.count("Skipped\n") == 3
    assert "Update\n" not in html
    assert confirm(editor_client, confirm_form(html)).status_code == 302
    assert _state() == before
