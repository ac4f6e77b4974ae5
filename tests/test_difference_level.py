"""How different each row is: the level, its marker, and "big differences only" (min=)."""

import importlib
import json
from io import StringIO
from unittest import mock

import pytest
import tablib
from django.apps import apps
from django.core.management import call_command

from comparisons.models import Comparison, DifferenceLevel, Dimension
from comparisons.transfer.resources import DimensionResource
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

DEFAULT_SLUG = "product-management-b2b-vs-b2c"


@pytest.fixture
def one_dimension_per_level(db):
    """Four rows, one per level: row-1 same, row-2 similar, row-3 different, row-4 opposite."""
    comparison = make_comparison(dimensions=4)
    for number, level in enumerate(DifferenceLevel.values, start=1):
        Dimension.objects.filter(slug=f"row-{number}").update(difference=level)
    return comparison


def _dimension_slugs(html: str) -> list[str]:
    return [f"row-{n}" for n in range(1, 5) if f'id="row-{n}"' in html]


def test_the_levels_are_ordered_from_same_to_opposite():
    ranks = [DifferenceLevel.rank(value) for value in ("same", "similar", "different", "opposite")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 4


def test_min_keeps_rows_at_least_that_different(client, one_dimension_per_level):
    html = client.get("/compare/b2b-vs-b2c/?min=different").content.decode()
    assert _dimension_slugs(html) == ["row-3", "row-4"]
    assert "Showing 2 of 4 rows" in html
    assert _dimension_slugs(client.get("/compare/b2b-vs-b2c/?min=opposite").content.decode()) == [
        "row-4"
    ]
    html = client.get("/compare/b2b-vs-b2c/?min=same").content.decode()
    assert _dimension_slugs(html) == ["row-1", "row-2", "row-3", "row-4"]


def test_a_bad_level_is_ignored_and_listed(client, one_dimension_per_level):
    response = client.get("/compare/b2b-vs-b2c/?min=huge")
    assert response.status_code == 200
    html = response.content.decode()
    assert _dimension_slugs(html) == ["row-1", "row-2", "row-3", "row-4"]
    assert "difference level “huge”" in html


@pytest.mark.parametrize("value", ["%00", "different%00", "-1", "x" * 500, "%ff%fe", "[]"])
def test_bad_levels_never_fail(client, one_dimension_per_level, value):
    for path in ("/compare/b2b-vs-b2c/", "/embed/b2b-vs-b2c/", "/compare/b2b-vs-b2c/export.json"):
        assert client.get(f"{path}?min={value}").status_code == 200


def test_the_strictest_of_several_levels_wins_and_the_link_is_normalised(
    client, one_dimension_per_level
):
    response = client.get("/compare/b2b-vs-b2c/?min=Similar&min=OPPOSITE")
    assert response.status_code == 302
    assert response["Location"] == "/compare/b2b-vs-b2c/?min=opposite"


def test_the_canonical_url_carries_the_level(client, one_dimension_per_level):
    html = client.get("/compare/b2b-vs-b2c/?only=row-1,row-4&min=different").content.decode()
    assert "/compare/b2b-vs-b2c/?only=row-1,row-4&amp;min=different" in html


def test_exports_and_the_embed_honour_the_level(client, one_dimension_per_level):
    data = json.loads(client.get("/compare/b2b-vs-b2c/export.json?min=opposite").content)
    assert [row["slug"] for row in data["rows"]] == ["row-4"]
    assert data["filter"]["min"] == ["opposite"]
    assert data["rows"][0]["difference"] == "opposite"
    csv = client.get("/compare/b2b-vs-b2c/export.csv?min=different").content.decode()
    assert "Row 3" in csv and "Row 4" in csv and "Row 2" not in csv
    embed = client.get("/embed/b2b-vs-b2c/?min=opposite").content.decode()
    assert _dimension_slugs(embed) == ["row-4"]


def test_each_row_shows_its_level_as_text(client, one_dimension_per_level):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    for value, label in DifferenceLevel.choices:
        assert f'class="difference difference-{value}"' in html
        assert f'<span class="visually-hidden">Difference level: </span>{label}</span>' in html


def test_the_filter_form_offers_big_differences_only(client, one_dimension_per_level):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert '<input type="checkbox" name="min" value="different">' in html
    assert "Big differences only" in html
    checked = client.get("/compare/b2b-vs-b2c/?min=different").content.decode()
    assert 'name="min" value="different" checked' in checked


def test_the_filter_stays_within_the_query_budget(
    client, one_dimension_per_level, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9):  # the table page's budget (test_query_budget.py)
        client.get("/compare/b2b-vs-b2c/?min=different&segments=b2b")
    with django_assert_max_num_queries(6):
        client.get("/compare/b2b-vs-b2c/export.csv?min=different")


def test_editors_set_the_level_in_the_admin_list_and_filter_by_it(
    editor_client, one_dimension_per_level
):
    html = editor_client.get("/admin/comparisons/dimension/?difference__exact=opposite")
    html = html.content.decode()
    assert "Row 4" in html and "Row 3" not in html
    assert "By difference level" in html
    assert 'name="form-0-difference"' in html  # editable right in the list


def test_the_spreadsheet_carries_the_level_both_ways(one_dimension_per_level):
    rows = json.loads(DimensionResource().export().export("json"))
    assert [row["difference"] for row in rows] == DifferenceLevel.values
    rows[0]["difference"] = "opposite"
    dataset = tablib.Dataset().load(json.dumps(rows), format="json")
    result = DimensionResource().import_data(dataset)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Dimension.objects.get(slug="row-1").difference == "opposite"


def test_a_backup_carries_the_level(one_dimension_per_level, tmp_path):
    path = tmp_path / "backup.json"
    call_command("export_kb", str(path), stderr=StringIO())
    levels = [item["difference"] for item in json.loads(path.read_text())["data"]["dimensions"]]
    assert levels == DifferenceLevel.values
    Dimension.objects.all().delete()
    Comparison.objects.all().delete()
    call_command("import_kb", str(path), "--replace", stdout=StringIO())
    restored = Dimension.objects.order_by("position").values_list("difference", flat=True)
    assert list(restored) == DifferenceLevel.values


def test_every_default_row_has_a_considered_level(db):
    call_command("load_default_content", stdout=StringIO())
    levels = dict(
        Dimension.objects.filter(comparison__slug=DEFAULT_SLUG).values_list("slug", "difference")
    )
    assert len(levels) == 20
    # Product-led B2B often has the buyer as the user, so the two sides differ, not oppose.
    assert levels["buyer-vs-user"] == "different"
    assert levels["usability"] == "similar"
    # The seed says B2C PMs are *more likely* to use their product, not that B2B PMs never do.
    assert levels["dogfooding"] == "different"
    assert set(levels.values()) >= {"similar", "different"}


class AppsOfMigration0010:
    """Today's models, standing in for the migration's: all but ContentVersion, whose bump
    is left out (the model is SiteGeneration since migration 0014)."""

    def get_model(self, app_label: str, name: str):
        if name == "ContentVersion":
            return mock.MagicMock()
        return apps.get_model(app_label, name)


def test_the_migration_sets_default_levels_but_keeps_an_editors_choice(db):
    # The default table as it was when the migration was written, before the levels.
    make_comparison(slug=DEFAULT_SLUG, dimensions=3)
    rows = Dimension.objects.filter(comparison__slug=DEFAULT_SLUG)
    for row, slug in zip(rows, ["buyer-vs-user", "usability", "dogfooding"], strict=True):
        row.slug = slug
        row.save()
    rows.update(difference=DifferenceLevel.DIFFERENT)
    rows.filter(slug="dogfooding").update(difference=DifferenceLevel.SAME)  # an editor's
    before = {row.slug: row.updated for row in rows}
    migration = importlib.import_module(
        "comparisons.migrations.0010_default_content_difference_levels"
    )
    migration.set_levels(AppsOfMigration0010(), None)
    levels = dict(rows.values_list("slug", "difference"))
    assert levels["buyer-vs-user"] == "opposite"
    assert levels["usability"] == "similar"
    assert levels["dogfooding"] == "same"
    assert {row.slug: row.updated for row in rows} == before
