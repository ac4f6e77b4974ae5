"""What the home page reads: the flagship table, the tables by topic (the newest few of each,
the rest on the table list), and what changed recently across tables.

The cost does not grow with what is shown: one grouped query ranks every visible table (its
topic and latest change), one more reads the few tables shown with their counts and dates,
and the recent changes come from the newest public rows (the `dimension_recently_updated`
index). With 1,000 tables the page still lists a few tables per topic.
"""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.db.models import Count, Max, Q

from comparisons.models import Comparison, Dimension, Status

TABLES_PER_TOPIC = 5
RECENT_TABLES = 6
# Newest public rows read to find the tables changed last: a burst of edits to one table
# takes one line, not the whole list.
RECENT_ROWS_READ = 60
NAMED_ROWS = 3
# Tables an editor has not filed under a topic yet.
NO_TOPIC = "Other tables"


@dataclass
class Topic:
    name: str  # "" for the tables filed under no topic
    count: int
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or NO_TOPIC

    @property
    def more(self) -> int:
        return self.count - len(self.comparisons)


@dataclass
class RecentChange:
    comparison: Comparison
    rows: list[Dimension]  # newest first, public
    when: datetime

    @property
    def named(self) -> list[Dimension]:
        return self.rows[:NAMED_ROWS]

    @property
    def others(self) -> int:
        return len(self.rows) - len(self.named)


@dataclass
class Home:
    flagship: Comparison | None
    topics: list[Topic]


def home_tables(user) -> Home:
    """The flagship (settings.FLAGSHIP_TABLE) and each topic's newest tables, in two queries."""
    ranked = _ranked(Comparison.objects.visible_to(user))
    flagship_pk = next((pk for pk, slug, _ in ranked if slug == settings.FLAGSHIP_TABLE), None)
    picked: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    for pk, _slug, topic in ranked:
        if pk == flagship_pk:
            continue
        counts[topic] = counts.get(topic, 0) + 1
        if len(picked.setdefault(topic, [])) < TABLES_PER_TOPIC:
            picked[topic].append(pk)
    wanted = [flagship_pk, *(pk for pks in picked.values() for pk in pks)]
    shown = _with_counts(Comparison.objects.filter(pk__in=wanted))
    topics = [
        Topic(name, counts[name], [shown[pk] for pk in picked[name]])
        for name in sorted(counts, key=lambda name: (not name, name.casefold()))
    ]
    return Home(shown.get(flagship_pk), topics)


def table_page(user, topic: str | None) -> list[int]:
    """The ids of the visible tables (of `topic`, if given), newest change first."""
    tables = Comparison.objects.visible_to(user)
    if topic is not None:
        tables = tables.filter(topic=topic)
    return [pk for pk, _slug, _topic in _ranked(tables)]


def tables_with_counts(pks: list[int]) -> list[Comparison]:
    """The tables `pks`, in that order, each with `row_count` and `last_changed`. One query."""
    shown = _with_counts(Comparison.objects.filter(pk__in=pks))
    return [shown[pk] for pk in pks]


def recent_changes(limit: int = RECENT_TABLES) -> list[RecentChange]:
    """The tables changed last, newest first, each with its rows changed recently. Public only,
    whoever asks: the list is the same page for every reader. One query."""
    rows = (
        Dimension.objects.public()
        .select_related("comparison")
        .only("slug", "title", "updated", "comparison__slug", "comparison__title")
        .order_by("-updated", "-pk")[:RECENT_ROWS_READ]
    )
    changes = [
        RecentChange(group[0].comparison, group, group[0].updated)
        for group in (
            list(group) for _pk, group in groupby(_by_table(rows), key=lambda r: r.comparison_id)
        )
    ]
    return changes[:limit]


def _by_table(rows) -> list[Dimension]:
    """Rows grouped by table, tables in the order of their newest row."""
    order: dict[int, int] = {}
    rows = list(rows)
    for row in rows:
        order.setdefault(row.comparison_id, len(order))
    return sorted(rows, key=lambda row: order[row.comparison_id])


def _ranked(tables) -> list[tuple[int, str, str]]:
    """(pk, slug, topic) of `tables`, newest change first (the table or one of its published
    rows; an editor's cell edit saves its row too). One grouped query, no cell join."""
    published = Q(dimensions__status=Status.PUBLISHED)
    rows = tables.annotate(rows_updated=Max("dimensions__updated", filter=published)).values_list(
        "pk", "slug", "topic", "updated", "rows_updated"
    )
    ordered = sorted(rows, key=lambda row: (_latest(row[3], row[4]), row[0]), reverse=True)
    return [(pk, slug, topic) for pk, slug, topic, _updated, _rows in ordered]


def _with_counts(tables) -> dict[int, Comparison]:
    published = Q(dimensions__status=Status.PUBLISHED)
    tables = tables.annotate(
        row_count=Count("dimensions", filter=published, distinct=True),
        rows_updated=Max("dimensions__updated", filter=published),
        cells_updated=Max("dimensions__entries__updated", filter=published),
    )
    shown = {}
    for comparison in tables:
        comparison.last_changed = _latest(
            comparison.updated, comparison.rows_updated, comparison.cells_updated
        )
        shown[comparison.pk] = comparison
    return shown


def _latest(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment)
