"""Load comparison content from a JSON file (the default content ships as one).

Loading is idempotent and never overwrites an editor's work: a comparison that is not in the
database yet is created; one that is gets what editors never touched brought up to date
(comparisons/defaults/upgrade.py). Segments are only created.
"""

import json
from pathlib import Path

from taggit.models import Tag, TaggedItem

from comparisons.defaults.upgrade import upgrade_comparison
from comparisons.history import writes
from comparisons.models import (
    Comparison,
    ComparisonSegment,
    DifferenceLevel,
    Dimension,
    Entry,
    Segment,
    Status,
)

DEFAULT_CONTENT = Path(__file__).parent / "tables"


def default_content_files() -> list[Path]:
    return sorted(DEFAULT_CONTENT.glob("*.json"))


def load_content(data: dict) -> dict:
    """Create what `data` describes and is missing, and bring up to date what editors never
    touched, as one changeset ("load" on a site without any of its tables, else "upgrade").
    Returns the slugs created, and an upgrade report per existing comparison."""
    slugs = [item["slug"] for item in data["comparisons"]]
    present = Comparison.objects.filter(slug__in=slugs).count()
    reason = writes.Reason.UPGRADE if present else writes.Reason.LOAD
    with writes.changeset(None, reason):
        return _load(data)


def _load(data: dict) -> dict:
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
    # Rows, their tags and cells in bulk (their history records join the loader's changeset,
    # which records each row's tags when it closes).
    wanted_dimensions = item["dimensions"]
    tags = {
        wanted["slug"]: [_tag(name) for name in wanted.get("tags", [])]
        for wanted in wanted_dimensions
    }
    dimensions = writes.bulk_create(
        Dimension,
        [
            Dimension(
                comparison=comparison,
                slug=wanted["slug"],
                title=wanted["title"],
                question=wanted.get("question", ""),
                common_ground=wanted.get("common_ground", ""),
                position=position * 10,
                status=wanted.get("status", Status.PUBLISHED),
                difference=wanted.get("difference", DifferenceLevel.DIFFERENT),
            )
            for position, wanted in enumerate(wanted_dimensions, start=1)
        ],
    )
    TaggedItem.objects.bulk_create(
        TaggedItem(content_object=dimension, tag=tag)
        for dimension in dimensions
        for tag in tags[dimension.slug]
    )
    writes.bulk_create(
        Entry,
        [
            Entry(
                dimension=dimension,
                segment=segments[segment_slug],
                body=entry["body"],
                sources=[sources[key] for key in entry.get("sources", [])],
            )
            for dimension, wanted in zip(dimensions, wanted_dimensions, strict=True)
            for segment_slug, entry in wanted["entries"].items()
        ],
    )
    return comparison


def _tag(name: str) -> Tag:
    """The tag of that name, made as taggit makes one (its slug from its name) if new."""
    return Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)


def _created(model, **fields):
    """A new object, saved in the loader's changeset."""
    obj = model(**fields)
    obj.save()
    return obj


def load_file(path: Path) -> dict[str, list[str]]:
    return load_content(json.loads(path.read_text(encoding="utf-8")))


def load_files(paths: list[Path]) -> dict[Path, dict]:
    """Several files as one changeset: one load, or one upgrade, of the site."""
    contents = {path: json.loads(path.read_text(encoding="utf-8")) for path in paths}
    slugs = [item["slug"] for data in contents.values() for item in data["comparisons"]]
    present = Comparison.objects.filter(slug__in=slugs).count()
    reason = writes.Reason.UPGRADE if present else writes.Reason.LOAD
    with writes.changeset(None, reason):
        return {path: load_content(data) for path, data in contents.items()}
