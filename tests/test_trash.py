"""Finding 5 of issue 25: the Trash lists deleted tables, columns, rows and tags with who
deleted them and when, and brings each back in one click with everything it held."""

import pytest
from taggit.models import Tag

from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

TRASH = "/admin/comparisons/dimension/trash/"


def _restore(client, kind: str):
    html = client.get(TRASH).content.decode()
    assert f"{kind}:" in html
    action = html.split(f"{kind}:", 1)[1].split('action="', 1)[1].split('"', 1)[0]
    assert client.post(action).status_code == 302


def test_a_deleted_table_comes_back_with_its_columns_rows_and_cells(superuser_client):
    table = make_comparison(dimensions=3)
    superuser_client.post(f"/admin/comparisons/comparison/{table.pk}/delete/", {"post": "yes"})
    assert not Comparison.objects.exists()
    html = superuser_client.get(TRASH).content.decode()
    assert "Table: Comparison b2b-vs-b2c" in html and "operator" in html

    _restore(superuser_client, "Table")
    table = Comparison.objects.get(slug="b2b-vs-b2c")
    assert table.segments.count() == 2
    assert table.dimensions.count() == 3
    assert Entry.objects.filter(dimension__comparison=table).count() == 6
    assert set(Dimension.objects.get(slug="row-1").tags.names()) == {"research"}
    assert "The Trash is empty." in superuser_client.get(TRASH).content.decode()


def test_a_removed_column_keeps_its_cells_restorable_and_never_blocks_saving_rows(
    superuser_client,
):
    table = make_comparison(dimensions=2)
    columns = list(ComparisonSegment.objects.filter(comparison=table).order_by("position"))
    data = {
        "title": table.title,
        "slug": table.slug,
        "topic": "",
        "summary": table.summary,
        "status": table.status,
        "comparisonsegment_set-TOTAL_FORMS": 2,
        "comparisonsegment_set-INITIAL_FORMS": 2,
    }
    for index, column in enumerate(columns):
        data |= {
            f"comparisonsegment_set-{index}-id": column.pk,
            f"comparisonsegment_set-{index}-comparison": table.pk,
            f"comparisonsegment_set-{index}-segment": column.segment_id,
            f"comparisonsegment_set-{index}-position": column.position,
        }
    data["comparisonsegment_set-1-DELETE"] = "on"
    response = superuser_client.post(f"/admin/comparisons/comparison/{table.pk}/change/", data)
    assert response.status_code == 302
    assert Entry.objects.filter(segment__slug="b2c").count() == 0

    row = Dimension.objects.get(slug="row-1")
    response = superuser_client.post(change_url(row), opened_dimension_form(row, title="Saved"))
    assert response.status_code == 302  # the other rows still save

    _restore(superuser_client, "Column")
    assert table.segments.filter(slug="b2c").exists()
    assert Entry.objects.filter(segment__slug="b2c").count() == 2


def test_deleted_rows_and_tags_come_back_from_the_trash(superuser_client):
    make_comparison(dimensions=2)
    row = Dimension.objects.get(slug="row-1")
    superuser_client.post(f"/admin/comparisons/dimension/{row.pk}/delete/", {"post": "yes"})
    tag = Tag.objects.get(name="research")
    superuser_client.post(f"/admin/taggit/tag/{tag.pk}/delete/", {"post": "yes"})
    html = superuser_client.get(TRASH).content.decode()
    assert "Rows: Row 1" in html and "Tag: research" in html

    _restore(superuser_client, "Tag")
    assert set(Dimension.objects.get(slug="row-2").tags.names()) == {"research"}
    _restore(superuser_client, "Rows")
    assert Dimension.objects.get(slug="row-1").entries.count() == 2


def test_deleted_rows_and_tables_answer_410_gone_with_a_link(superuser_client, client):
    table = make_comparison(dimensions=2)
    row = Dimension.objects.get(slug="row-1")
    superuser_client.post(f"/admin/comparisons/dimension/{row.pk}/delete/", {"post": "yes"})
    response = client.get("/compare/b2b-vs-b2c/row-1/")
    assert response.status_code == 410
    assert 'href="/compare/b2b-vs-b2c/"' in response.content.decode()
    assert client.get("/compare/b2b-vs-b2c/no-such-row/").status_code == 404

    superuser_client.post(f"/admin/comparisons/comparison/{table.pk}/delete/", {"post": "yes"})
    response = client.get("/compare/b2b-vs-b2c/")
    assert response.status_code == 410
    assert 'href="/"' in response.content.decode()
    assert client.get("/compare/never-was/").status_code == 404


def test_the_tables_feed_carries_a_removed_entry_for_a_deleted_row(superuser_client, client):
    make_comparison(dimensions=2)
    row = Dimension.objects.get(slug="row-1")
    superuser_client.post(f"/admin/comparisons/dimension/{row.pk}/delete/", {"post": "yes"})
    feed = client.get("/compare/b2b-vs-b2c/changes.atom").content.decode()
    assert "Row 1: Row removed." in feed


def test_a_table_whose_address_was_taken_meanwhile_is_not_restored_and_says_why(
    superuser_client,
):
    table = make_comparison(dimensions=1)
    superuser_client.post(f"/admin/comparisons/comparison/{table.pk}/delete/", {"post": "yes"})
    make_comparison(dimensions=1)  # a new table under the same slug
    html = superuser_client.get(TRASH).content.decode()
    action = html.split("Table:", 1)[1].split('action="', 1)[1].split('"', 1)[0]
    response = superuser_client.post(action, follow=True)
    assert "Not restored" in response.content.decode()
    assert Comparison.objects.count() == 1
