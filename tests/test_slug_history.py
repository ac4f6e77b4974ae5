"""Renamed slugs leave permanent redirects behind; deleted rows do not."""

import time

import pytest
from django.utils import timezone

from comparisons.models import Comparison, ComparisonSlug, Dimension, DimensionSlug
from tests.factories import make_comparison, redirects

pytestmark = pytest.mark.django_db


def _rename(model, old: str, new: str, **lookup):
    instance = model.objects.get(slug=old, **lookup)
    instance.slug = new
    instance.save()
    return instance


@pytest.fixture
def old_comparison(db):
    return make_comparison(slug="old-table", dimensions=3)


def test_a_slug_change_through_save_is_recorded(old_comparison):
    _rename(Comparison, "old-table", "new-table")
    _rename(Dimension, "row-1", "first-row")
    assert ComparisonSlug.objects.get(slug="old-table").comparison == old_comparison
    assert DimensionSlug.objects.get(slug="row-1").dimension.slug == "first-row"


def test_saving_without_a_slug_change_records_nothing(old_comparison):
    comparison = Comparison.objects.get()
    comparison.title = "New title"
    comparison.save()
    Dimension.objects.get(slug="row-1").save()
    assert not ComparisonSlug.objects.exists() and not DimensionSlug.objects.exists()


def test_a_change_on_an_instance_not_loaded_from_the_database_is_recorded(old_comparison):
    stale = Comparison(
        pk=old_comparison.pk,
        title=old_comparison.title,
        slug="fresh",
        status=old_comparison.status,
        created=old_comparison.created,
    )
    stale.save()
    assert ComparisonSlug.objects.get(slug="old-table").comparison_id == old_comparison.pk


def test_renaming_back_drops_the_now_live_slug_from_the_history(old_comparison):
    _rename(Comparison, "old-table", "new-table")
    _rename(Comparison, "new-table", "old-table")
    assert list(ComparisonSlug.objects.values_list("slug", flat=True)) == ["new-table"]


def test_an_admin_rename_is_recorded(editor_client, old_comparison):
    segment = old_comparison.ordered_segments()[0]
    link = old_comparison.comparisonsegment_set.get(segment=segment)
    data = {
        "title": old_comparison.title,
        "slug": "renamed-in-admin",
        "summary": old_comparison.summary,
        "status": old_comparison.status,
        "comparisonsegment_set-TOTAL_FORMS": 1,
        "comparisonsegment_set-INITIAL_FORMS": 1,
        "comparisonsegment_set-MIN_NUM_FORMS": 1,
        "comparisonsegment_set-MAX_NUM_FORMS": 1000,
        "comparisonsegment_set-0-id": link.pk,
        "comparisonsegment_set-0-comparison": old_comparison.pk,
        "comparisonsegment_set-0-segment": segment.pk,
        "comparisonsegment_set-0-position": 0,
    }
    response = editor_client.post(
        f"/admin/comparisons/comparison/{old_comparison.pk}/change/", data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ComparisonSlug.objects.filter(slug="old-table").exists()
    assert editor_client.get("/compare/old-table/")["Location"] == "/compare/renamed-in-admin/"


@pytest.mark.parametrize(
    "old_url, new_url",
    [
        ("/compare/old-table/", "/compare/new-table/"),
        ("/compare/old-table/row-1/", "/compare/new-table/row-1/"),
        ("/compare/old-table/?only=row-1,row-2", "/compare/new-table/?only=row-1,row-2"),
        ("/compare/old-table/export.md", "/compare/new-table/export.md"),
        (
            "/compare/old-table/export.csv?segments=b2b",
            "/compare/new-table/export.csv?segments=b2b",
        ),
        ("/compare/old-table/export.json", "/compare/new-table/export.json"),
        ("/embed/old-table/?only=row-2", "/embed/new-table/?only=row-2"),
    ],
)
def test_every_old_comparison_url_redirects_permanently(client, old_comparison, old_url, new_url):
    _rename(Comparison, "old-table", "new-table")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == new_url


def test_a_comparison_renamed_twice_still_redirects_from_its_first_name(client, old_comparison):
    _rename(Comparison, "old-table", "middle-table")
    _rename(Comparison, "middle-table", "new-table")
    old_urls = ["/compare/old-table/", "/compare/middle-table/"]
    assert redirects(client, old_urls) == ["/compare/new-table/"] * 2


def test_a_renamed_row_page_redirects_after_one_and_two_renames(client, old_comparison):
    _rename(Dimension, "row-1", "first")
    _rename(Dimension, "first", "opening-row")
    old_urls = ["/compare/old-table/row-1/", "/compare/old-table/first/"]
    assert redirects(client, old_urls) == ["/compare/old-table/opening-row/"] * 2


def test_a_filtered_view_naming_an_old_row_slug_redirects(client, old_comparison):
    _rename(Dimension, "row-1", "first")
    _rename(Dimension, "first", "opening-row")
    response = client.get("/compare/old-table/?only=row-1,row-2&segments=b2c")
    assert response.status_code == 301
    assert response["Location"] == "/compare/old-table/?only=opening-row,row-2&segments=b2c"
    assert client.get(response["Location"]).status_code == 200


def test_exports_and_embed_naming_an_old_row_slug_redirect(client, old_comparison):
    _rename(Dimension, "row-1", "opening-row")
    for path in ("/compare/old-table/export.csv", "/embed/old-table/"):
        response = client.get(f"{path}?only=row-1")
        assert response.status_code == 301
        assert response["Location"] == f"{path}?only=opening-row"


def test_a_rename_redirect_keeps_every_query_parameter_in_place(client, old_comparison):
    _rename(Comparison, "old-table", "new-table")
    _rename(Dimension, "row-1", "opening-row")
    query = "utm_source=chat&only=row-2,ROW-1&as_of=1700000000"
    first = client.get(f"/compare/old-table/?{query}")
    assert first.status_code == 301
    assert first["Location"] == f"/compare/new-table/?{query}"
    second = client.get(first["Location"])
    assert second.status_code == 301
    assert second["Location"] == (
        "/compare/new-table/?utm_source=chat&only=row-2,opening-row&as_of=1700000000"
    )


def test_a_rename_keeps_changed_since_you_shared_this(client, old_comparison):
    shared_at = int(time.time()) - 60
    row = _rename(Dimension, "row-1", "opening-row")
    Dimension.objects.filter(pk=row.pk).update(updated=timezone.now())
    for old, new in [
        (f"/compare/old-table/?only=row-1&as_of={shared_at}",
         f"/compare/old-table/?only=opening-row&as_of={shared_at}"),
        (f"/compare/old-table/row-1/?as_of={shared_at}",
         f"/compare/old-table/opening-row/?as_of={shared_at}"),
    ]:  # fmt: skip
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == new
        html = client.get(new).content.decode()
        assert "Changed since this link was shared" in html


def test_renamed_table_and_row_both_reach_the_current_row(client, old_comparison):
    _rename(Comparison, "old-table", "new-table")
    _rename(Dimension, "row-1", "opening-row")
    first = client.get("/compare/old-table/row-1/")
    assert first["Location"] == "/compare/new-table/row-1/"
    second = client.get(first["Location"])
    assert second.status_code == 301
    assert second["Location"] == "/compare/new-table/opening-row/"


def test_a_deleted_rows_old_url_is_404_and_its_last_url_410_gone(client, old_comparison):
    _rename(Dimension, "row-1", "opening-row")
    Dimension.objects.get(slug="opening-row").delete()
    assert client.get("/compare/old-table/row-1/").status_code == 404
    assert client.get("/compare/old-table/opening-row/").status_code == 410


def test_an_old_slug_of_a_draft_comparison_is_404_for_anonymous(client, old_comparison):
    _rename(Comparison, "old-table", "new-table")
    Comparison.objects.update(status="draft")
    assert client.get("/compare/old-table/").status_code == 404


def test_the_current_url_looks_up_no_old_url(client, old_comparison, django_assert_num_queries):
    _rename(Comparison, "old-table", "new-table")
    with django_assert_num_queries(7) as queries:  # the old anchors' query among them
        assert client.get("/compare/new-table/").status_code == 200
    assert not any("comparisonslug" in query["sql"] for query in queries.captured_queries)


def _line_html(html: str, slug: str) -> str:
    start = html.index(f'<tbody class="row" id="{slug}"')
    return html[start : html.index("</tbody>", start)]


def test_a_renamed_row_answers_to_its_old_anchors_in_the_table(client, old_comparison):
    _rename(Dimension, "row-1", "first")
    _rename(Dimension, "first", "opening-row")
    html = client.get("/compare/old-table/").content.decode()
    row = _line_html(html, "opening-row")
    assert '<span class="old-anchor" id="first"></span>' in row
    assert '<span class="old-anchor" id="row-1"></span>' in row
    assert html.count('id="row-1"') == 1 and html.count('id="first"') == 1


def test_an_old_slug_taken_by_another_row_is_that_rows_anchor_only(client, old_comparison):
    _rename(Dimension, "row-1", "opening-row")
    _rename(Dimension, "row-2", "row-1")  # row 2 now owns the slug, and the anchor
    html = client.get("/compare/old-table/").content.decode()
    assert html.count('id="row-1"') == 1
    assert '<tbody class="row" id="row-1"' in html
    assert "old-anchor" not in _line_html(html, "opening-row")


def test_old_anchors_cost_one_query_whatever_the_number_of_rows_and_renames(
    client, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE = False
    make_comparison(slug="large", dimensions=40, bulk=True)
    for number in range(1, 41):
        _rename(Dimension, f"row-{number}", f"renamed-{number}", comparison__slug="large")
    with django_assert_max_num_queries(9):  # the table's budget (tests/test_query_budget.py)
        html = client.get("/compare/large/").content.decode()
    assert html.count('class="old-anchor"') == 40
