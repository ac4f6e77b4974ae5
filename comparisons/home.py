"""What the home page reads: the flagship table, the comparisons by topic (the newest few of each,
the rest on the table list), and what changed recently across comparisons.

The cost does not grow with what is shown: one grouped query ranks every visible table (its
topic and latest change), one more reads the few comparisons shown with their counts and dates,
and the recent changes come from the newest public dimensions (the `dimension_recently_updated`
index). With 1,000 comparisons the page still lists a few comparisons per topic.
"""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.db.models import Count, Max, Q

from comparisons.models import Comparison, Dimension, Status

COMPARISONS_PER_TOPIC = 5
RECENT_COMPARISONS = 6
# Newest public dimensions read to find the comparisons changed last: a burst of edits to one table
# takes one line, not the whole list.
RECENT_DIMENSIONS_READ = 60
NAMED_DIMENSIONS = 3
# Tables an editor has not filed under a topic yet.
NO_TOPIC = "Other tables"


@dataclass
class Topic:
    name: str  # "" for the comparisons filed under no topic
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
    dimensions: list[Dimension]  # newest first, public
    when: datetime

    @property
    def named(self) -> list[Dimension]:
        return self.dimensions[:NAMED_DIMENSIONS]

    @property
    def others(self) -> int:
        return len(self.dimensions) - len(self.named)


@dataclass
class Home:
    flagship: Comparison | None
    topics: list[Topic]


def home_comparisons(user) -> Home:
    """The flagship (settings.FLAGSHIP_TABLE) and each topic's newest comparisons: two
    queries."""
    ranked = _ranked(Comparison.objects.visible_to(user))
    flagship_pk = next((pk for pk, slug, _ in ranked if slug == settings.FLAGSHIP_TABLE), None)
    picked: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    for pk, _slug, topic in ranked:
        if pk == flagship_pk:
            continue
        counts[topic] = counts.get(topic, 0) + 1
        if len(picked.setdefault(topic, [])) < COMPARISONS_PER_TOPIC:
            picked[topic].append(pk)
    wanted = [flagship_pk, *(pk for pks in picked.values() for pk in pks)]
    shown = _with_counts(Comparison.objects.filter(pk__in=wanted))
    topics = [
        Topic(name, counts[name], [shown[pk] for pk in picked[name]])
        for name in sorted(counts, key=lambda name: (not name, name.casefold()))
    ]
    return Home(shown.get(flagship_pk), topics)


def comparison_ids(user, topic: str | None) -> list[int]:
    """The ids of the visible comparisons (of `topic`, if given), newest change first."""
    comparisons = Comparison.objects.visible_to(user)
    if topic is not None:
        comparisons = comparisons.filter(topic=topic)
    return [pk for pk, _slug, _topic in _ranked(comparisons)]


def comparisons_with_counts(pks: list[int]) -> list[Comparison]:
    """The comparisons `pks`, in that order, each with `dimension_count` and `last_changed`.
    One query."""
    shown = _with_counts(Comparison.objects.filter(pk__in=pks))
    return [shown[pk] for pk in pks]


def recent_changes(limit: int = RECENT_COMPARISONS) -> list[RecentChange]:
    """The comparisons changed last, newest first, each with its dimensions changed recently.
    Public only, whoever asks: the list is the same page for every reader. One query."""
    dimensions = (
        Dimension.objects.public()
        .select_related("comparison")
        .only("slug", "title", "updated", "comparison__slug", "comparison__title")
        .order_by("-updated", "-pk")[:RECENT_DIMENSIONS_READ]
    )
    changes = [
        RecentChange(group[0].comparison, group, group[0].updated)
        for group in (
            list(group)
            for _pk, group in groupby(_by_comparison(dimensions), key=lambda r: r.comparison_id)
        )
    ]
    return changes[:limit]


def _by_comparison(dimensions) -> list[Dimension]:
    """Rows grouped by table, comparisons in the order of their newest dimension."""
    order: dict[int, int] = {}
    dimensions = list(dimensions)
    for dimension in dimensions:
        order.setdefault(dimension.comparison_id, len(order))
    return sorted(dimensions, key=lambda dimension: order[dimension.comparison_id])


def _ranked(comparisons) -> list[tuple[int, str, str]]:
    """(pk, slug, topic) of `comparisons`, newest change first (the table or one of its published
    dimensions; an editor's cell edit saves its dimension too). One grouped query, no cell join."""
    published = Q(dimensions__status=Status.PUBLISHED)
    dimensions = comparisons.annotate(
        rows_updated=Max("dimensions__updated", filter=published)
    ).values_list("pk", "slug", "topic", "updated", "rows_updated")
    ordered = sorted(
        dimensions,
        key=lambda dimension: (_latest(dimension[3], dimension[4]), dimension[0]),
        reverse=True,
    )
    return [(pk, slug, topic) for pk, slug, topic, _updated, _dimensions in ordered]


def _with_counts(comparisons) -> dict[int, Comparison]:
    published = Q(dimensions__status=Status.PUBLISHED)
    comparisons = comparisons.annotate(
        dimension_count=Count("dimensions", filter=published, distinct=True),
        rows_updated=Max("dimensions__updated", filter=published),
        cells_updated=Max("dimensions__entries__updated", filter=published),
    )
    shown = {}
    for comparison in comparisons:
        comparison.last_changed = _latest(
            comparison.updated, comparison.rows_updated, comparison.cells_updated
        )
        shown[comparison.pk] = comparison
    return shown


def _latest(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment)
