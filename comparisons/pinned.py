"""A table as it was at a past moment, rebuilt from history: what a pinned embed shows.

An embed snippet may carry `version=<unix time>`, the moment its author copied it. The
embed then renders the published rows and their cells as they were at that moment, from
django-simple-history's records, so the page they were pasted into keeps saying what its
author read, with a link to the current version.
"""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from taggit.models import Tag
from taggit.utils import parse_tags

from comparisons.models import Comparison, Dimension, Entry, Status
from comparisons.tables import Cell, Row, Table

# Versions from before this are typing mistakes, not moments anyone saw the table at.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def parse_version(raw: str | None) -> datetime | None:
    """The moment a `version` parameter names, or None if it names none (ignored, not an error).

    A version in the future (beyond a minute of clock skew) is ignored too: nobody saw it.
    """
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    moment = datetime.fromtimestamp(int(raw), tz=UTC)
    if moment < EARLIEST or moment > timezone.now() + timedelta(minutes=1):
        return None
    return moment


def version_now() -> int:
    """The version a snippet copied now pins: this second."""
    return int(timezone.now().timestamp())


def load_table_as_of(comparison: Comparison, moment: datetime) -> Table:
    """The comparison's published rows and cells as they were at `moment`. Runs four queries.

    Columns are the comparison's current segments; a cell whose entry did not exist then is
    empty. Tags are the ones recorded with each row's version.
    """
    # History stores whole seconds' worth of changes within the second the version names.
    until = moment + timedelta(seconds=1)
    segments = list(comparison.ordered_segments())
    records = (
        Dimension.history.filter(history_date__lte=until, comparison_id=comparison.pk)
        .latest_of_each()
        .exclude(history_type="-")
    )
    dimensions = sorted(
        (_row_of(record) for record in records if record.status == Status.PUBLISHED),
        key=lambda dimension: (dimension.position, dimension.title),
    )
    entries_by_row: dict[int, list[Entry]] = {}
    for entry in Entry.history.as_of(until).filter(
        dimension_id__in=[dimension.pk for dimension in dimensions]
    ):
        entries_by_row.setdefault(entry.dimension_id, []).append(entry)
    _attach_recorded_tags(dimensions)
    rows = []
    for dimension in dimensions:
        dimension.comparison = comparison
        entries = entries_by_row.get(dimension.pk, [])
        by_segment = {entry.segment_id: entry for entry in entries}
        cells = [Cell(segment, by_segment.get(segment.pk)) for segment in segments]
        updated = max([dimension.updated, *(entry.updated for entry in entries)])
        rows.append(Row(dimension, cells, updated))
    return Table(comparison, segments, rows)


def _row_of(record) -> Dimension:
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


def _attach_recorded_tags(dimensions: list[Dimension]) -> None:
    """Give each rebuilt row the tags its version recorded, as if prefetched. One query."""
    names = {dimension.pk: parse_tags(dimension.recorded_tag_names) for dimension in dimensions}
    wanted = {name for row_names in names.values() for name in row_names}
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    for dimension in dimensions:
        recorded = [tags[name] for name in names[dimension.pk] if name in tags]
        # What Django's prefetch_related leaves behind: `dimension.tags.all()` runs no query.
        queryset = Tag.objects.filter(pk__in=[tag.pk for tag in recorded])
        queryset._result_cache = recorded
        queryset._prefetch_done = True
        dimension._prefetched_objects_cache = {"tags": queryset}
