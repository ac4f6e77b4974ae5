"""What the home page reads: the tables grouped by topic, and the rows changed most recently.

Two queries, whatever the number of tables and rows: the tables with their counts and dates in
one, the newest public rows (by the `dimension_recently_updated` index) in the other.
"""

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.db.models import Count, Max, Q

from comparisons.models import Comparison, Dimension, Status

RECENT_ROWS = 8
# Tables an editor has not filed under a topic yet.
NO_TOPIC = "Other tables"


@dataclass
class Topic:
    name: str
    comparisons: list[Comparison]


def tables_by_topic(user) -> list[Topic]:
    """The tables `user` may see, grouped by topic (topics and tables in alphabetical order,
    untopical ones last), each with `row_count` and `last_changed`: the latest change to the
    table, to one of its published rows or to their cells."""
    published = Q(dimensions__status=Status.PUBLISHED)
    comparisons = Comparison.objects.visible_to(user).annotate(
        row_count=Count("dimensions", filter=published, distinct=True),
        rows_updated=Max("dimensions__updated", filter=published),
        cells_updated=Max("dimensions__entries__updated", filter=published),
    )
    for comparison in comparisons:
        comparison.last_changed = _latest(
            comparison.updated, comparison.rows_updated, comparison.cells_updated
        )
    ordered = sorted(comparisons, key=lambda c: (not c.topic, c.topic.casefold(), c.title))
    return [
        Topic(name or NO_TOPIC, list(tables))
        for name, tables in groupby(ordered, key=lambda c: c.topic)
    ]


def recently_changed_rows(limit: int = RECENT_ROWS) -> list[Dimension]:
    """The public rows changed last, newest first, with their tables. Public only, whoever
    asks: the list is the same page for every reader."""
    return list(
        Dimension.objects.public()
        .select_related("comparison")
        .only("slug", "title", "updated", "comparison__slug", "comparison__title")
        .order_by("-updated", "-pk")[:limit]
    )


def _latest(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment)
