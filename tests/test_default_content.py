from io import StringIO

import pytest
from django.core.management import call_command

from comparisons.models import Comparison, Dimension, Entry, Segment

pytestmark = pytest.mark.django_db
SLUG = "product-management-b2b-vs-b2c"
GO_TO_MARKET = "go-to-market-sales-led-vs-product-led-vs-b2c"


@pytest.fixture
def loaded():
    call_command("load_default_content", stdout=StringIO())
    return Comparison.objects.get(slug=SLUG)


def test_it_loads_the_b2b_vs_b2c_table_published(loaded):
    assert loaded.title == "Product management: B2B vs B2C"
    assert loaded.status == "published"
    assert [s.slug for s in loaded.ordered_segments()] == ["b2b", "b2c"]


def test_every_row_has_a_sourced_entry_per_segment_and_tags(loaded):
    dimensions = loaded.dimensions.all()
    assert dimensions.count() >= 12
    for dimension in dimensions:
        entries = dimension.entries.all()
        assert sorted(e.segment.slug for e in entries) == ["b2b", "b2c"], dimension.slug
        assert all(e.sources and e.body for e in entries), dimension.slug
        assert dimension.tags.exists(), dimension.slug
        assert dimension.question, dimension.slug


def test_it_loads_a_go_to_market_table_with_three_sourced_columns(loaded):
    table = Comparison.objects.get(slug=GO_TO_MARKET)
    columns = ["sales-led-b2b", "product-led-b2b", "b2c"]
    assert [s.slug for s in table.ordered_segments()] == columns
    assert table.dimensions.count() >= 10
    for dimension in table.dimensions.all():
        entries = dimension.entries.all()
        assert sorted(e.segment.slug for e in entries) == sorted(columns), dimension.slug
        assert all(e.sources and e.body for e in entries), dimension.slug


def test_tables_share_a_segment_by_its_slug(loaded):
    b2c = Segment.objects.get(slug="b2c")
    assert loaded.segments.filter(pk=b2c.pk).exists()
    assert Comparison.objects.get(slug=GO_TO_MARKET).segments.filter(pk=b2c.pk).exists()


def test_the_three_column_table_renders_a_cell_per_segment(client, loaded):
    rows = Comparison.objects.get(slug=GO_TO_MARKET).dimensions.count()
    html = client.get(f"/compare/{GO_TO_MARKET}/").content.decode()
    for column in ("Sales-led B2B", "Product-led B2B", "B2C"):
        assert html.count(f'<td data-segment="{column}"') == rows, column


def test_it_covers_the_dimensions_named_in_the_seed(loaded):
    slugs = set(loaded.dimensions.values_list("slug", flat=True))
    assert {
        "customers",
        "sales-influence",
        "feedback-loops",
        "dogfooding",
        "go-to-market",
        "data-and-experiments",
        "internal-stakeholders",
    } <= slugs


def test_it_covers_what_an_experienced_pm_expects(loaded):
    slugs = set(loaded.dimensions.values_list("slug", flat=True))
    assert {
        "security-compliance",
        "contracts-and-support",
        "churn-and-retention",
        "sales-cycle",
        "compatibility-and-deprecation",
        "customisation",
        "integrations",
        "success-metrics",
        "ai-and-data-use",
    } <= slugs


def test_it_carries_the_common_ground_the_seed_names(loaded):
    common = " ".join(loaded.dimensions.values_list("common_ground", flat=True)).lower()
    assert "vision" in common and "launch" in common and "functions" in common


def test_running_it_again_creates_nothing_new(loaded):
    counts = (Dimension.objects.count(), Entry.objects.count())
    call_command("load_default_content", stdout=StringIO())
    assert (Dimension.objects.count(), Entry.objects.count()) == counts


def test_running_it_again_keeps_editors_changes(loaded):
    entry = Entry.objects.filter(dimension__comparison=loaded, dimension__slug="dogfooding").first()
    entry.body = "Rewritten by an editor."
    entry.save()
    loaded.dimensions.get(slug="usability").delete()
    call_command("load_default_content", stdout=StringIO())
    entry.refresh_from_db()
    assert entry.body == "Rewritten by an editor."
    assert not loaded.dimensions.filter(slug="usability").exists()


def test_the_loaded_table_renders(client, loaded):
    response = client.get(f"/compare/{SLUG}/")
    assert response.status_code == 200
    assert response.content.decode().count('<tbody class="row" id=') == loaded.dimensions.count()
