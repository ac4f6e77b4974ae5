"""Synthetic content at scale for benchmarks: bulk inserts, a few seconds for 100,000 entries.

    generate(comparisons=1000, dimensions=50, segments=2)

Comparisons are `synthetic-0001`...; rows `row-01`...; every row carries two of 20 tags.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from taggit.models import Tag, TaggedItem

from comparisons.caching import bump_content_version
from comparisons.models import (
    Comparison,
    ComparisonSegment,
    Dimension,
    Entry,
    Segment,
    Status,
)

BATCH = 5000
TAG_COUNT = 20
SOURCES = [{"title": "Synthetic study", "url": "https://example.com/study"}]


def _segments(count: int) -> list[Segment]:
    segments = []
    for position in range(count):
        segment, _ = Segment.objects.get_or_create(
            slug=f"synthetic-{position + 1}",
            defaults={"name": f"Segment {position + 1}", "position": 100 + position},
        )
        segments.append(segment)
    return segments


@transaction.atomic
def generate(comparisons: int = 1000, dimensions: int = 50, segments: int = 2) -> dict[str, int]:
    columns = _segments(segments)
    tags = Tag.objects.bulk_create(
        [Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(1, TAG_COUNT + 1)]
    )
    made = Comparison.objects.bulk_create(
        Comparison(
            title=f"Synthetic comparison {n}",
            slug=f"synthetic-{n:04d}",
            summary="A comparison generated for benchmarks.",
            status=Status.PUBLISHED,
        )
        for n in range(1, comparisons + 1)
    )
    ComparisonSegment.objects.bulk_create(
        ComparisonSegment(comparison=comparison, segment=segment, position=position)
        for comparison in made
        for position, segment in enumerate(columns)
    )
    rows = Dimension.objects.bulk_create(
        (
            Dimension(
                comparison=comparison,
                title=f"Dimension {n}",
                slug=f"row-{n:02d}",
                question=f"How do the segments differ on point {n}?",
                position=n,
                status=Status.PUBLISHED,
            )
            for comparison in made
            for n in range(1, dimensions + 1)
        ),
        batch_size=BATCH,
    )
    Entry.objects.bulk_create(
        (
            Entry(
                dimension=row,
                segment=segment,
                body=f"**{segment.name}** answer on {row.title}: a paragraph of synthetic text "
                "long enough to look like a real cell, with a [link](https://example.com).",
                sources=SOURCES,
            )
            for row in rows
            for segment in columns
        ),
        batch_size=BATCH,
    )
    dimension_type = ContentType.objects.get_for_model(Dimension)
    TaggedItem.objects.bulk_create(
        (
            TaggedItem(
                tag=tags[(index + offset) % TAG_COUNT],
                content_type=dimension_type,
                object_id=row.pk,
            )
            for index, row in enumerate(rows)
            for offset in (0, 7)
        ),
        batch_size=BATCH,
    )
    bump_content_version()  # bulk_create sends no signals
    return {"comparisons": len(made), "dimensions": len(rows), "entries": len(rows) * segments}
