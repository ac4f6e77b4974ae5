"""/compare/<comparison>/export.<md|csv|json>: the table or filtered view as a file."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from comparisons.markdown import plain_text
from comparisons.models import Dimension, Entry
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def comparison_with_pipes(db, settings):
    settings.SITE_URL = "https://kb.example.org"
    comparison = make_comparison(dimensions=3)
    Entry.objects.filter(dimension__slug="row-1", segment__slug="b2b").update(
        body='Seats, "contracts" | pipes,\nand two lines — ünïcode'
    )
    return comparison


@pytest.mark.parametrize(
    "format, content_type",
    [
        ("md", "text/markdown; charset=utf-8"),
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
    ],
)
def test_each_export_has_its_content_type_and_a_download_name(
    client, comparison_with_pipes, format, content_type
):
    response = client.get(f"/compare/b2b-vs-b2c/export.{format}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="b2b-vs-b2c.{format}"'


def test_a_filtered_export_says_so_in_its_file_name(client, comparison_with_pipes):
    response = client.get("/compare/b2b-vs-b2c/export.csv?only=row-1")
    assert response["Content-Disposition"] == 'attachment; filename="b2b-vs-b2c-filtered.csv"'


def test_markdown_is_a_github_table_with_escaped_pipes_and_no_raw_newlines(
    client, comparison_with_pipes
):
    text = client.get("/compare/b2b-vs-b2c/export.md").content.decode()
    lines = text.splitlines()
    assert lines[0] == "# Comparison b2b-vs-b2c"
    assert lines[2] == "| Row | B2B | B2C |"
    assert lines[3] == "|---|---|---|"
    row = lines[4]
    assert row.startswith("| **Row 1**<br>_Question 1?_ | ")
    assert 'Seats, "contracts" \\| pipes,<br>and two lines — ünïcode' in row
    assert "[A source](https://example.com/source)" in row
    assert len([line for line in lines if line.startswith("| **Row")]) == 3
    assert "Source: <https://kb.example.org/compare/b2b-vs-b2c/>" in text


def test_csv_has_a_row_per_dimension_and_a_column_per_segment(client, comparison_with_pipes):
    body = client.get("/compare/b2b-vs-b2c/export.csv").content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark, for spreadsheets
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [
        "Row", "Question", "Difference", "Common ground",
        "B2B", "B2B sources", "B2C", "B2C sources", "Tags", "URL",
    ]  # fmt: skip
    assert len(rows) == 4
    assert rows[1][4] == 'Seats, "contracts" | pipes,\nand two lines — ünïcode'
    assert rows[1][9] == "https://kb.example.org/compare/b2b-vs-b2c/row-1/"


def test_every_export_has_a_column_per_segment_of_a_three_column_table(client, db):
    make_comparison(slug="three", segments=("SLG", "PLG", "B2C"), dimensions=2)
    body = client.get("/compare/three/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][4:10] == ["SLG", "SLG sources", "PLG", "PLG sources", "B2C", "B2C sources"]
    assert rows[2][4:10:2] == [
        "SLG answer for row 2",
        "PLG answer for row 2",
        "B2C answer for row 2",
    ]
    lines = client.get("/compare/three/export.md").content.decode().splitlines()
    assert lines[2:4] == ["| Row | SLG | PLG | B2C |", "|---|---|---|---|"]
    assert all(line.count(" answer for row ") == 3 for line in lines if line.startswith("| **Row"))
    data = json.loads(client.get("/compare/three/export.json").content)
    assert [segment["slug"] for segment in data["segments"]] == ["slg", "plg", "b2c"]
    assert all(len(row["entries"]) == 3 for row in data["rows"])


def test_csv_of_a_filtered_view_keeps_the_chosen_rows_and_segments(client, comparison_with_pipes):
    body = client.get("/compare/b2b-vs-b2c/export.csv?only=row-2&segments=b2c").content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][4:7] == ["B2C", "B2C sources", "Tags"]
    assert [row[0] for row in rows[1:]] == ["Row 2"]


def test_json_has_the_documented_shape(client, comparison_with_pipes):
    Dimension.objects.filter(slug="row-2").update(common_ground="Both listen.")
    data = json.loads(client.get("/compare/b2b-vs-b2c/export.json?only=row-2,ghost").content)
    assert set(data) == {"comparison", "url", "filter", "segments", "rows"}
    assert data["comparison"]["slug"] == "b2b-vs-b2c"
    assert data["comparison"]["url"] == "https://kb.example.org/compare/b2b-vs-b2c/"
    assert data["comparison"]["updated"]
    assert data["url"] == "https://kb.example.org/compare/b2b-vs-b2c/?only=row-2"
    assert data["filter"] == {
        "only": ["row-2"],
        "tag": [],
        "segments": [],
        "min": [],
        "ignored": [{"parameter": "only", "value": "ghost"}],
    }
    assert data["segments"] == [{"slug": "b2b", "name": "B2B"}, {"slug": "b2c", "name": "B2C"}]
    [row] = data["rows"]
    assert row["slug"] == "row-2" and row["common_ground"] == "Both listen."
    assert row["tags"] == ["research"]
    assert row["difference"] == "different"
    assert row["url"] == "https://kb.example.org/compare/b2b-vs-b2c/row-2/"
    assert [entry["segment"] for entry in row["entries"]] == ["b2b", "b2c"]
    assert row["entries"][0]["body"] == "B2B answer for row 2"
    assert row["entries"][0]["sources"] == [
        {"title": "A source", "url": "https://example.com/source"}
    ]
    assert row["entries"][0]["updated"]


def test_a_missing_entry_is_null_in_json(client, comparison_with_pipes):
    Entry.objects.filter(dimension__slug="row-1", segment__slug="b2c").delete()
    data = json.loads(client.get("/compare/b2b-vs-b2c/export.json?only=row-1").content)
    assert data["rows"][0]["entries"][1] == {
        "segment": "b2c",
        "body": None,
        "sources": [],
        "updated": None,
    }


def test_exports_hide_draft_rows_and_draft_tables_from_anonymous(client, comparison_with_pipes):
    Dimension.objects.filter(slug="row-2").update(status="draft")
    data = json.loads(client.get("/compare/b2b-vs-b2c/export.json").content)
    assert [row["slug"] for row in data["rows"]] == ["row-1", "row-3"]
    make_comparison(slug="hidden", status="draft")
    assert client.get("/compare/hidden/export.md").status_code == 404


def test_an_unknown_format_is_404(client, comparison_with_pipes):
    assert client.get("/compare/b2b-vs-b2c/export.xlsx").status_code == 404


@pytest.mark.parametrize("format", ["md", "csv", "json"])
def test_exports_load_in_a_fixed_number_of_queries(client, format, django_assert_max_num_queries):
    make_comparison(slug="small", dimensions=3)
    make_comparison(slug="large", dimensions=40, bulk=True)
    for slug in ("small", "large"):
        with django_assert_max_num_queries(6):
            client.get(f"/compare/{slug}/export.{format}?tag=research")


def test_csv_reads_as_plain_text_with_each_cells_sources_and_the_difference_level(client, db):
    """Issue 30, 10: sources and level were missing, Markdown marks were left in the cells."""
    call_command("load_default_content", verbosity=0)
    body = client.get("/compare/product-management-b2b-vs-b2c/export.csv?only=customers")
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    header, customers = rows
    line = dict(zip(header, customers, strict=True))
    assert line["Row"] == "Customers and target market"
    assert line["Difference"] in {"Same", "Similar", "Different", "Opposite"}
    b2b = Entry.objects.get(
        dimension__comparison__slug="product-management-b2b-vs-b2c",
        dimension__slug="customers",
        segment__slug="b2b",
    )
    assert "**" in b2b.body and "**" not in "".join(customers)
    assert line["B2B"] == plain_text(b2b.body)
    first_source = b2b.sources[0]
    assert first_source["title"] in line["B2B sources"]
    assert first_source["url"] in line["B2B sources"]
