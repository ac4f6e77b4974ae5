"""A table as readers saw it at a past moment, rebuilt from history: what a pinned embed shows.

An embed snippet may carry a *pin*, `version=<unix time>`: the moment its author copied it.
The embed then renders the rows and cells readers could see at that moment, from
django-simple-history's records, so the page it was pasted into keeps saying what its author
read, with a link to the current table. Only what was public then is shown: a row appears if
it and its comparison were both published at that moment (comparisons/history/versions.py keeps the
rule).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.http import QueryDict
from taggit.models import Tag
from taggit.utils import parse_tags

from comparisons.grids import ComparisonGrid, build_line
from comparisons.history.moments import parse_moment, unix_time
from comparisons.history.versions import Timeline, timelines, was_published
from comparisons.models import Comparison, Dimension, Entry, Status

# The pin's URL parameter. Called `version` in snippets already pasted on other sites, so the
# name stays; in code it is the pin (`version` is the edit counter, comparisons/versioning.py).
PIN = "version"


def parse_pin(query: QueryDict, now: datetime) -> datetime | None:
    """The moment an embed is pinned to, or None if absent or not a plausible past moment."""
    return parse_moment(query.get(PIN), now)


def pin_query(moment: datetime) -> str:
    """The query parameter that pins an embed to `moment`."""
    return f"{PIN}={unix_time(moment)}"


@dataclass(frozen=True)
class PastGrid:
    grid: ComparisonGrid  # the rows readers saw; none if the table was not public then
    was_public: bool  # whether the comparison was published at that moment
    recorded_since: datetime | None  # kb knows nothing of the table before this
    moment: datetime  # the moment shown

    @property
    def known_then(self) -> bool:
        """Whether kb has a record of the table at that moment (public or not)."""
        return self.recorded_since is not None and self.recorded_since <= self.moment


def load_grid_as_of(comparison: Comparison, moment: datetime) -> PastGrid:
    """The comparison's public rows and cells as they were at `moment`. Runs five queries.

    Columns are the comparison's current segments; a cell whose entry did not exist then is
    empty. Tags are the ones recorded with each row's version.
    """
    # History stores whole seconds' worth of changes within the second the version names.
    until = moment + timedelta(seconds=1)
    segments = list(comparison.ordered_segments())
    timeline = timelines([comparison.pk]).get(comparison.pk, Timeline())
    if not was_published(timeline.periods, until):
        return PastGrid(
            ComparisonGrid(comparison, segments, []), False, timeline.first_recorded, until
        )
    records = (
        Dimension.history.filter(history_date__lte=until, comparison_id=comparison.pk)
        .latest_of_each()
        .exclude(history_type="-")
    )
    dimensions = sorted(
        (_dimension_of(record) for record in records if record.status == Status.PUBLISHED),
        key=lambda dimension: (dimension.position, dimension.title),
    )
    entries_by_dimension: dict[int, list[Entry]] = {}
    for entry in Entry.history.as_of(until).filter(
        dimension_id__in=[dimension.pk for dimension in dimensions]
    ):
        entries_by_dimension.setdefault(entry.dimension_id, []).append(entry)
    tags = _recorded_tags(dimensions)
    lines = []
    for dimension in dimensions:
        dimension.comparison = comparison
        entries = entries_by_dimension.get(dimension.pk, [])
        lines.append(build_line(dimension, entries, tags[dimension.pk], segments))
    return PastGrid(
        ComparisonGrid(comparison, segments, lines), True, timeline.first_recorded, until
    )


def _dimension_of(record) -> Dimension:
    """The row a historical record describes.

    Built here rather than with simple-history's `instance`, which reads the fields history
    leaves out (the derived search vector) from the live row: a query per row.
    """
    fields = Dimension._meta.concrete_fields
    dimension = Dimension(
        **{
            field.attname: getattr(record, field.attname)
            for field in fields
            if field.name != "search_vector"
        }
    )
    dimension.recorded_tag_names = record.tag_names
    return dimension


def _recorded_tags(dimensions: list[Dimension]) -> dict[int, list[Tag]]:
    """The tags each rebuilt row's version recorded, by row id. One query."""
    names = {dimension.pk: parse_tags(dimension.recorded_tag_names) for dimension in dimensions}
    wanted = {name for tag_names in names.values() for name in tag_names}
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    return {
        pk: [tags[name] for name in tag_names if name in tags] for pk, tag_names in names.items()
    }
