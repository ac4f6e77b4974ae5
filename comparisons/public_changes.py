"""The changes readers may see of a set of rows, newest first: what the Atom feeds list.

A change is a version of a row (with its cells) that changed something, as on the row's
change log. It is public only if, at the moment it was made, the row (in that version) and
its comparison were published: edits made while either was a draft never show.

`public_changes` is the one function the feeds call. The rule "history shows a row at
moment T only if the row and its comparison were published at T" belongs with the history;
when it has a function of its own, this module should become a call to it.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from comparisons.history import RowVersion, rows_versions
from comparisons.models import Comparison, Dimension, Status


@dataclass(frozen=True)
class PublicChange:
    dimension: Dimension  # the row as it is now: its title and URLs
    version: RowVersion  # the row as that change left it

    @property
    def date(self) -> datetime:
        return self.version.record.history_date

    @property
    def key(self) -> int:
        """Unique among all rows' changes, and stable: the history record's id."""
        return self.version.record.history_id

    def summary(self) -> str:
        return self.version.summary()


def public_changes(dimensions, segment_ids=None, limit=None) -> list[PublicChange]:
    """The public changes of `dimensions` (rows with `comparison` loaded), newest first.

    With `segment_ids`, only changes to the row or to the cells of those columns count.
    Runs four queries whatever the number of rows and the length of their history.
    """
    dimensions = {dimension.pk: dimension for dimension in dimensions}
    versions = rows_versions(list(dimensions), segment_ids)
    published = _publication_times({v.record.comparison_id for vs in versions.values() for v in vs})
    changes = [
        PublicChange(dimensions[row_id], version)
        for row_id, row_versions in versions.items()
        for version in row_versions
        if _changed_something(version) and _was_public(version, published)
    ]
    changes.sort(key=lambda change: (change.date, change.key), reverse=True)
    return changes[:limit]


def _changed_something(version: RowVersion) -> bool:
    """As on the change log: a save that changed nothing is not a change."""
    return version.is_creation or bool(version.field_changes or version.entry_changes)


class _Timeline:
    """When a comparison's status changed, from its history: is it published at a moment?"""

    def __init__(self):
        self.dates: list[datetime] = []
        self.published: list[bool] = []

    def add(self, date: datetime, published: bool) -> None:
        self.dates.append(date)
        self.published.append(published)

    def published_at(self, moment: datetime) -> bool:
        index = bisect_right(self.dates, moment)
        return index > 0 and self.published[index - 1]


def _publication_times(comparison_ids) -> dict[int, _Timeline]:
    """Each comparison's publication timeline. One query."""
    timelines: dict[int, _Timeline] = defaultdict(_Timeline)
    records = (
        Comparison.history.filter(id__in=comparison_ids)
        .order_by("history_date", "pk")
        .values_list("id", "history_date", "history_type", "status")
    )
    for comparison_id, date, history_type, status in records:
        timelines[comparison_id].add(date, history_type != "-" and status == Status.PUBLISHED)
    return timelines


def _was_public(version: RowVersion, published: dict[int, _Timeline]) -> bool:
    record = version.record
    if version.is_deletion or record.status != Status.PUBLISHED:
        return False
    timeline = published.get(record.comparison_id)
    return timeline is not None and timeline.published_at(record.history_date)
