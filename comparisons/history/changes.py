"""Changed since you shared this: which rows of a shared view editors changed after `as_of`.

A share link carries `as_of=<unix timestamp>`, the moment it was made. It is not a filter
(canonical URLs leave it out): it only adds a notice naming the rows changed since.
"""

from datetime import datetime

from django.http import QueryDict
from django.urls import reverse

from comparisons.grids import DimensionLine
from comparisons.history.moments import parse_moment, unix_time
from comparisons.history.versions import DimensionRevision, public_dimension_histories
from comparisons.models import Dimension

AS_OF = "as_of"
# Fields a reader does not see change: a new slug keeps old links working (redirects.py).
UNSEEN_FIELDS = {"slug"}


def parse_as_of(query: QueryDict, now: datetime) -> datetime | None:
    """The moment a share link was made, or None if absent or not a plausible past moment."""
    return parse_moment(query.get(AS_OF), now)


def as_of_value(moment: datetime) -> str:
    return unix_time(moment)


def line_changed_since(line: DimensionLine, moment: datetime) -> bool:
    """Whether the row or one of the cells shown changed after `moment`. Runs no query."""
    if line.dimension.updated > moment:
        return True
    return any(slot.entry and slot.entry.updated > moment for slot in line.slots)


def changed_lines(lines: list[DimensionLine], moment: datetime | None) -> list[DimensionLine]:
    """The rows a reader would see changed since `moment`. The dates pick the candidates with
    no query; their public history (three queries, only when there are candidates) then
    leaves out rows whose only change since is one readers do not see, such as a new slug."""
    if moment is None:
        return []
    candidates = [line for line in lines if line_changed_since(line, moment)]
    if not candidates:
        return []
    histories = public_dimension_histories([line.dimension.pk for line in candidates])
    return [
        line for line in candidates if _seen_change_since(histories.get(line.dimension.pk), moment)
    ]


def _seen_change_since(revisions: list[DimensionRevision] | None, moment: datetime) -> bool:
    if not revisions:
        return True  # no recorded history: the dates are all there is to go by
    return any(
        revision.date > moment and _seen(revision) for revision in revisions if revision.is_listed
    )


def _seen(revision: DimensionRevision) -> bool:
    if revision.first_shown or revision.is_deletion or revision.entry_changes:
        return True
    return any(change.name not in UNSEEN_FIELDS for change in revision.field_changes)


def changes_url(dimension: Dimension) -> str:
    """Where a reader sees what changed on a row: its public change log."""
    return reverse("dimension_changes", args=[dimension.comparison.slug, dimension.slug])
