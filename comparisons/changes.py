"""Changed since you shared this: which rows of a shared view editors changed after `as_of`.

A share link carries `as_of=<unix timestamp>`, the moment it was made. It is not a filter
(canonical URLs leave it out): it only adds a notice naming the rows changed since.
"""

from datetime import datetime

from django.http import QueryDict
from django.urls import reverse

from comparisons.models import Dimension
from comparisons.moments import parse_moment, unix_time
from comparisons.tables import Row

AS_OF = "as_of"


def parse_as_of(query: QueryDict, now: datetime) -> datetime | None:
    """The moment a share link was made, or None if absent or not a plausible past moment."""
    return parse_moment(query.get(AS_OF), now)


def as_of_value(moment: datetime) -> str:
    return unix_time(moment)


def row_changed_since(row: Row, moment: datetime) -> bool:
    """Whether the row or one of the cells shown changed after `moment`. Runs no query."""
    if row.dimension.updated > moment:
        return True
    return any(cell.entry and cell.entry.updated > moment for cell in row.cells)


def changed_rows(rows: list[Row], moment: datetime | None) -> list[Row]:
    if moment is None:
        return []
    return [row for row in rows if row_changed_since(row, moment)]


def changes_url(dimension: Dimension) -> str:
    """Where a reader sees what changed on a row: its public change log."""
    return reverse("dimension_changes", args=[dimension.comparison.slug, dimension.slug])
