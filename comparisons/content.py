"""Load comparison content from a JSON file (the default content ships as one).

Loading is idempotent and never overwrites an editor's work: a comparison that is not in the
database yet is created; one that is gets what editors never touched brought up to date
(comparisons/upgrade.py). Segments are only created.
"""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem
from taggit.utils import edit_string_for_tags

from comparisons.models import (
    Comparison,
    ComparisonSegment,
    DifferenceLevel,
    Dimension,
    Entry,
    Segment,
    Status,
)
from comparisons.upgrade import upgrade_comparison
from comparisons.writes import bulk_create, content_changed

DEFAULT_CONTENT = Path(__file__).parent / "default_content"
# The change reason of everything the loader writes: history tells its rows from editors' work.
LOADED = "Loaded from the default content"


def default_content_files() -> list[Path]:
    return sorted(DEFAULT_CONTENT.glob("*.json"))


@transaction.atomic
def load_content(data: dict) -> dict:
    """Create what `data` describes and is missing, and bring up to date what editors never
    touched. Returns the slugs created, and an upgrade report per existing comparison."""
    report = {"created": [], "upgraded": {}}
    segments = {}
    for item in data["segments"]:
        segments[item["slug"]], _ = Segment.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item.get("description", ""),
                "position": item.get("position", 0),
            },
        )
    sources = data.get("sources", {})
    for item in data["comparisons"]:
        existing = Comparison.objects.filter(slug=item["slug"]).first()
        if existing is None:
            _create_comparison(item, segments, sources)
            report["created"].append(item["slug"])
        else:
            report["upgraded"][item["slug"]] = upgrade_comparison(existing, item, segments, sources)
    return report


def _create_comparison(item: dict, segments: dict, sources: dict) -> Comparison:
    comparison = _created(
        Comparison,
        slug=item["slug"],
        title=item["title"],
        topic=item.get("topic", ""),
        summary=item.get("summary", ""),
        status=item.get("status", Status.PUBLISHED),
    )
    for position, slug in enumerate(item["segments"], start=1):
        ComparisonSegment.objects.create(
            comparison=comparison, segment=segments[slug], position=position
        )
    # Rows, their tags and cells in bulk, all their history records dated alike, so that each
    # row's first revision holds its cells (comparisons/history.py).
    now = timezone.now()
    rows = item["dimensions"]
    tags = {row["slug"]: [_tag(name) for name in row.get("tags", [])] for row in rows}
    dimensions = bulk_create(
        Dimension,
        [
            Dimension(
                comparison=comparison,
                slug=row["slug"],
                title=row["title"],
                question=row.get("question", ""),
                common_ground=row.get("common_ground", ""),
                position=position * 10,
                status=row.get("status", Status.PUBLISHED),
                difference=row.get("difference", DifferenceLevel.DIFFERENT),
            )
            for position, row in enumerate(rows, start=1)
        ],
        LOADED,
        tag_names=lambda dimension: edit_string_for_tags(tags[dimension.slug]),
        date=now,
    )
    TaggedItem.objects.bulk_create(
        TaggedItem(content_object=dimension, tag=tag)
        for dimension in dimensions
        for tag in tags[dimension.slug]
    )
    entries = [
        Entry(
            dimension=dimension,
            segment=segments[segment_slug],
            body=entry["body"],
            sources=[sources[key] for key in entry.get("sources", [])],
        )
        for dimension, row in zip(dimensions, rows, strict=True)
        for segment_slug, entry in row["entries"].items()
    ]
    bulk_create(Entry, entries, LOADED, date=now)
    content_changed([comparison.pk], comparison.dimensions.values_list("pk", flat=True))
    return comparison


def _tag(name: str) -> Tag:
    """The tag of that name, made as taggit makes one (its slug from its name) if new."""
    tag = Tag.objects.filter(name=name).first()
    return tag or Tag.objects.create(name=name)


def _created(model, **fields):
    """A new object saved through the write path, its history record marked as loaded."""
    obj = model(**fields)
    obj._change_reason = LOADED
    obj.save()
    return obj


def load_file(path: Path) -> dict[str, list[str]]:
    return load_content(json.loads(path.read_text(encoding="utf-8")))
