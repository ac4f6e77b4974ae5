"""comparisons/filters.py: parsing, normalising and applying the filter of a table."""

import pytest
from django.http import QueryDict

from comparisons.filters import MAX_VALUES, apply_filter, normalised_query_string, parse_query
from comparisons.grids import load_grid
from comparisons.models import Comparison, Dimension
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def _filter(query_string: str, dimensions: int = 3):
    comparison = Comparison.objects.first() or make_comparison(dimensions=dimensions)
    grid = load_grid(comparison, Dimension.objects.all())
    return apply_filter(grid, parse_query(QueryDict(query_string)))


def test_it_reads_comma_lists_and_repeated_keys_alike():
    assert parse_query(QueryDict("only=a,b&only=c")).get("only") == ("a", "b", "c")


def test_it_lowercases_trims_and_drops_duplicates_and_empties():
    query = parse_query(QueryDict("only=A,, a ,B&segments=&tag=Research"))
    assert query.get("only") == ("a", "b")
    assert query.get("segments") == ()
    assert query.get("tag") == ("research",)


def test_it_caps_how_many_values_one_query_may_ask_for():
    query = parse_query(QueryDict("only=" + ",".join(f"r{n}" for n in range(5000))))
    assert len(query.get("only")) == MAX_VALUES


def test_the_normalised_query_string_has_a_fixed_parameter_order_and_commas():
    chosen = {"segments": ("b2b", "b2c"), "only": ("a", "b"), "tag": ()}
    assert normalised_query_string(chosen) == "only=a,b&segments=b2b,b2c"


def test_order_and_case_do_not_change_the_normalised_view():
    first = _filter("segments=B2C,b2b&only=ROW-3,row-1&tag=research")
    second = _filter("tag=Research&only=row-1&only=row-3&segments=b2b&segments=b2c")
    assert first.query_string == second.query_string
    assert first.query_string == "only=row-1,row-3&tag=research&segments=b2b,b2c"


def test_rows_keep_the_tables_order_whatever_order_they_are_named_in():
    view = _filter("only=row-3,row-1")
    assert [line.dimension.slug for line in view.grid.lines] == ["row-1", "row-3"]
    assert view.total_dimensions == 3


def test_unknown_values_are_ignored_and_reported():
    view = _filter("only=row-1,nope&tag=missing&segments=b2b,b2g")
    assert [line.dimension.slug for line in view.grid.lines] == ["row-1"]
    assert [(i.parameter, i.value) for i in view.ignored] == [
        ("only", "nope"),
        ("tag", "missing"),
        ("segments", "b2g"),
    ]
    assert view.query_string == "only=row-1&segments=b2b"


def test_only_unknown_values_leave_the_table_whole():
    view = _filter("only=nope")
    assert len(view.grid.lines) == 3
    assert not view.is_filtered


def test_a_tag_keeps_only_rows_that_carry_it():
    make_comparison(dimensions=3)
    Dimension.objects.get(slug="row-2").tags.add("pricing")
    view = _filter("tag=pricing")
    assert [line.dimension.slug for line in view.grid.lines] == ["row-2"]


def test_rows_and_tag_together_can_leave_nothing():
    make_comparison(dimensions=3)
    Dimension.objects.get(slug="row-2").tags.add("pricing")
    view = _filter("only=row-1&tag=pricing")
    assert view.grid.lines == []
    assert view.is_filtered


def test_segments_choose_the_columns_and_the_cells():
    view = _filter("segments=b2c")
    assert [segment.slug for segment in view.grid.segments] == ["b2c"]
    assert all([slot.segment.slug for slot in line.slots] == ["b2c"] for line in view.grid.lines)


def test_slugs_stored_with_capitals_still_match_and_keep_their_spelling():
    make_comparison(dimensions=2)
    Dimension.objects.filter(slug="row-2").update(slug="Row-Two")
    view = _filter("only=ROW-TWO")
    assert [line.dimension.slug for line in view.grid.lines] == ["Row-Two"]
    assert view.query_string == "only=Row-Two"
