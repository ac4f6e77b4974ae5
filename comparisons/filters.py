"""The filtered view of a table: parse its query string, apply it, and say it back normalised.

One filter serves the table page, the exports and the embed, so a share link means the
same rows everywhere. Parsing is two steps:

1. `parse_query` reads the query string alone: for each parameter in `PARAMETERS`, its values
   from comma lists and repeated keys, lower-cased, without duplicates. It never fails.
2. `apply_filter` checks those values against the table that was loaded (no extra query):
   known values filter the table, unknown ones are collected as ignored.

To add a parameter: name it in `PARAMETERS`, and give `apply_filter` a step that reads it.
"""

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.http import QueryDict

from comparisons.grids import ComparisonGrid, DimensionLine
from comparisons.models import DifferenceLevel

PARAMETERS = ("only", "tag", "segments", "min")

# Bounds on what one query string may ask for; the rest is ignored, never an error.
MAX_VALUES = 200
MAX_VALUE_LENGTH = 100


@dataclass(frozen=True)
class Query:
    """The filter as asked for: lower-cased values per parameter, in the order first given."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, name: str) -> tuple[str, ...]:
        return self.values.get(name, ())

    def __bool__(self) -> bool:
        return any(self.values.values())


@dataclass(frozen=True)
class Ignored:
    parameter: str
    value: str


@dataclass(frozen=True)
class FilteredGrid:
    """A table after the filter: what is shown, what was asked for, what was ignored."""

    grid: ComparisonGrid
    source: ComparisonGrid  # the table before the filter: every row the user may see
    chosen: dict[str, tuple[str, ...]]  # known values per parameter, normalised
    ignored: list[Ignored]

    @property
    def total_dimensions(self) -> int:
        return len(self.source.lines)

    @property
    def is_filtered(self) -> bool:
        return any(self.chosen.values())

    @property
    def query_string(self) -> str:
        """The normalised query string: the canonical form of this view's URL."""
        return normalised_query_string(self.chosen)

    def ignored_values(self, parameter: str) -> list[str]:
        return [item.value for item in self.ignored if item.parameter == parameter]

    def chosen_dimension_titles(self) -> list[str]:
        return [line.dimension.title for line in self.grid.lines]

    def tags(self) -> list:
        """The tags the table's rows carry, by name. Runs no query."""
        tags = {tag.slug: tag for line in self.source.lines for tag in line.tags}
        return sorted(tags.values(), key=lambda tag: tag.name.lower())


def parse_query(query: QueryDict) -> Query:
    values = {}
    budget = MAX_VALUES
    for name in PARAMETERS:
        seen: dict[str, None] = {}
        for raw in query.getlist(name):
            for value in raw.split(","):
                value = value.strip().lower()
                if value and budget > 0:
                    seen.setdefault(value[:MAX_VALUE_LENGTH], None)
                    budget -= 1
        values[name] = tuple(seen)
    return Query(values)


def normalised_query_string(chosen: dict[str, tuple[str, ...]]) -> str:
    """Parameters in `PARAMETERS` order, values comma-joined, empty parameters left out."""
    pairs = [(name, ",".join(chosen[name])) for name in PARAMETERS if chosen.get(name)]
    return urlencode(pairs, safe=",")


def apply_filter(grid: ComparisonGrid, query: Query) -> FilteredGrid:
    """Filter `table` (all the rows the user may see) by `query`. Runs no query.

    Rows keep the table's order; `only`, `tag` and `min` all narrow the rows (a row must be
    named, carry one of the tags and be at least as different as `min`); `segments` chooses
    the columns.
    """
    ignored: list[Ignored] = []
    chosen: dict[str, tuple[str, ...]] = {}

    def known(name: str, available: list[str]) -> tuple[str, ...]:
        """The available values asked for (case-insensitively), in the available order."""
        asked = query.get(name)
        lowered = {value.lower() for value in available}
        ignored.extend(Ignored(name, value) for value in asked if value not in lowered)
        return tuple(value for value in available if value.lower() in asked)

    lines = grid.lines
    dimension_slugs = [line.dimension.slug for line in lines]
    chosen["only"] = known("only", dimension_slugs)
    if chosen["only"]:
        lines = [line for line in lines if line.dimension.slug in chosen["only"]]

    tags_of = {line.dimension.pk: {tag.slug for tag in line.tags} for line in lines}
    all_tags = sorted({tag.slug for line in grid.lines for tag in line.tags})
    chosen["tag"] = known("tag", all_tags)
    if chosen["tag"]:
        wanted = set(chosen["tag"])
        lines = [line for line in lines if tags_of[line.dimension.pk] & wanted]

    chosen["min"] = _minimum_level(query.get("min"), ignored)
    if chosen["min"]:
        floor = DifferenceLevel.rank(chosen["min"][0])
        lines = [line for line in lines if DifferenceLevel.rank(line.dimension.difference) >= floor]

    segments = grid.segments
    chosen["segments"] = known("segments", [segment.slug for segment in segments])
    if chosen["segments"]:
        segments = [segment for segment in segments if segment.slug in chosen["segments"]]
        lines = [_keep_segments(line, chosen["segments"]) for line in lines]

    return FilteredGrid(
        grid=replace(grid, segments=segments, lines=lines),
        source=grid,
        chosen=chosen,
        ignored=ignored,
    )


def _minimum_level(asked: tuple[str, ...], ignored: list[Ignored]) -> tuple[str, ...]:
    """The strictest known level asked for, as a one-value tuple; unknown levels are ignored."""
    known = [value for value in asked if value in DifferenceLevel.values]
    ignored.extend(Ignored("min", value) for value in asked if value not in DifferenceLevel.values)
    if not known:
        return ()
    return (max(known, key=DifferenceLevel.rank),)


def _keep_segments(line: DimensionLine, segment_slugs: tuple[str, ...]) -> DimensionLine:
    return replace(line, slots=[slot for slot in line.slots if slot.segment.slug in segment_slugs])
