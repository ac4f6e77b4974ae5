"""Load a comparison as the table the pages show, in a fixed number of queries.

A `ComparisonGrid` holds the segments shown (its columns) and one `DimensionLine` per
dimension (its rows), each with one `EntrySlot` per segment (its cells; empty where the
dimension has no entry for that segment).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from taggit.models import Tag

from comparisons.models import Comparison, Dimension, Entry, Segment


@dataclass(frozen=True)
class EntrySlot:
    segment: Segment
    entry: Entry | None  # None where the segment has no entry yet


@dataclass(frozen=True)
class DimensionLine:
    dimension: Dimension
    slots: list[EntrySlot]  # one per column, in column order
    updated: datetime  # the latest change to the row or any of its entries
    tags: list[Tag]  # in the order the row carries them


@dataclass(frozen=True)
class ComparisonGrid:
    comparison: Comparison
    segments: list[Segment]
    lines: list[DimensionLine]


def with_entries(dimensions):
    """Dimensions with their entries and tags prefetched: two extra queries in all.

    The entries are matched to columns in Python, so they are fetched unordered.
    """
    entries = Entry.objects.select_related("segment")
    return (
        dimensions.select_related("comparison")
        .defer("search_vector")
        .prefetch_related("tags", Prefetch("entries", queryset=entries))
    )


def grid_dimensions(dimensions):
    """As `with_entries`, with the entries and tags put in lists (`loaded_entries`,
    `loaded_tags`) rather than in each row's related managers: Django builds a queryset per
    row and relation for those, which cost more than the two queries (half of a 16-row
    table's load)."""
    entries = Entry.objects.select_related("segment")
    return (
        dimensions.select_related("comparison")
        .defer("search_vector")
        .prefetch_related(
            Prefetch("tags", to_attr="loaded_tags"),
            Prefetch("entries", queryset=entries, to_attr="loaded_entries"),
        )
    )


def build_line(
    dimension: Dimension, entries: list[Entry], tags: list[Tag], segments
) -> DimensionLine:
    """The row of `dimension` with one cell per segment (empty where it has no entry)."""
    by_segment = {entry.segment_id: entry for entry in entries}
    slots = [EntrySlot(segment, by_segment.get(segment.pk)) for segment in segments]
    updated = max([dimension.updated, *(entry.updated for entry in entries)])
    return DimensionLine(dimension, slots, updated, tags)


def build_lines(dimensions, segments) -> list[DimensionLine]:
    """Lines of dimensions loaded with `grid_dimensions`: no query per dimension."""
    return [
        build_line(dimension, dimension.loaded_entries, dimension.loaded_tags, segments)
        for dimension in dimensions
    ]


def load_grid(comparison: Comparison, dimensions) -> ComparisonGrid:
    """The table of `comparison` restricted to `dimensions` (a queryset). Runs four queries."""
    segments = list(comparison.ordered_segments())
    dimensions = grid_dimensions(dimensions.filter(comparison=comparison)).order_by(
        "position", "title", "pk"
    )
    return ComparisonGrid(comparison, segments, build_lines(dimensions, segments))
