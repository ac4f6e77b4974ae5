"""Bring an existing site's default tables up to the default content shipped now.

`load_default_content` on a site that already has a default table updates what editors never
touched and keeps everything they did:

- a row (or the table's own title and summary) that no editor ever saved, with none of its
  cells saved by an editor either, takes the new text, tags, level and place; a row an editor
  changed is kept exactly as it is;
- a row the default content now merges into another (`"replaces": ["old-slug", …]` on the
  surviving row) is folded into the survivor when both are untouched: if the survivor's slug is
  new, the first replaced row is renamed to it (its old address redirects); any further
  replaced row is removed, its slug kept as an old address of the survivor. An edited row, on
  either side, is kept as it is;
- rows the default content adds are added; rows it no longer has are kept.

"Untouched" is read from the history: every record of the row and of its cells was written by
this loader, by a migration that recorded a baseline, or was the row's creation with no editor
attached (the loader before it named its records): its changeset's reason says so (`BY_LOADER`).
A tag renamed, merged or deleted in the admin is a changeset of its rows, so they are touched
too. The loader writes inside the changeset `load_content` opens (comparisons/history/writes.py).
"""

from dataclasses import dataclass, field

from comparisons.history.writes import Reason
from comparisons.models import (
    Comparison,
    ComparisonSegment,
    DifferenceLevel,
    Dimension,
    DimensionSlug,
    Entry,
    Status,
)

# Changesets no editor made: the loader's, and the migrations' baselines.
BY_LOADER = {Reason.LOAD, Reason.UPGRADE, Reason.BASELINE}
# Records restored from a backup without their changeset: their reasons, as they were written.
LOADER_TEXTS = {
    "Loaded from the default content",
    "Updated from the default content",
    "Recorded when history began",
    "Recorded when history was repaired",
}


@dataclass
class UpgradeReport:
    updated: list[str] = field(default_factory=list)  # rows given the new text
    added: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # "old → new"
    kept: list[str] = field(default_factory=list)  # rows editors changed: left as they are
    deleted: list[str] = field(default_factory=list)  # rows editors deleted: left deleted

    def lines(self) -> list[str]:
        """What the upgrade did to one table, in plain words, one line per kind of change."""
        said = [
            ("Updated", self.updated, "no editor had changed them"),
            ("Added", self.added, "new in the default content"),
            ("Merged", self.merged, "rows the default content now holds as one"),
            ("Left alone", self.kept, "editors changed them"),
            ("Left deleted", self.deleted, "editors deleted them"),
        ]
        return [
            f"{verb} {_counted(len(slugs))} ({why}): {', '.join(slugs)}."
            for verb, slugs, why in said
            if slugs
        ] or ["Nothing to change."]


def _counted(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _by_loader(record) -> bool:
    if record.history_user_id is not None:
        return False
    if record.changeset is not None:
        return record.changeset.reason in BY_LOADER
    reason = record.history_change_reason
    return reason in LOADER_TEXTS or (reason is None and record.history_type == "+")


_WHO = ["id", "history_user", "history_change_reason", "history_type", "changeset__reason"]


def untouched_dimensions(comparison: Comparison) -> set[int]:
    """Ids of the comparison's rows that no editor ever saved, nor any of their cells."""
    dimensions = set(comparison.dimensions.values_list("pk", flat=True))
    touched = {
        record.id
        for record in Dimension.history.filter(id__in=dimensions)
        .select_related("changeset")
        .only(*_WHO)
        if not _by_loader(record)
    }
    touched |= {
        record.dimension_id
        for record in Entry.history.filter(dimension_id__in=dimensions)
        .select_related("changeset")
        .only("dimension_id", *_WHO)
        if not _by_loader(record)
    }
    return dimensions - touched


def comparison_untouched(comparison: Comparison) -> bool:
    """No editor saved the table, nor added or removed a column of it."""
    segment_records = ComparisonSegment.history.filter(comparison_id=comparison.pk)
    return all(
        _by_loader(record)
        for records in (comparison.history, segment_records)
        for record in records.select_related("changeset")
    )


def upgrade_comparison(
    comparison: Comparison, item: dict, segments: dict, sources: dict
) -> UpgradeReport:
    """Update `comparison` towards `item` (its default content), keeping editors' work."""
    report = UpgradeReport()
    _update_comparison(comparison, item, segments, untouched=comparison_untouched(comparison))
    untouched = untouched_dimensions(comparison)
    dimensions = {
        dimension.slug: dimension for dimension in comparison.dimensions.prefetch_related("tags")
    }
    renamed = {
        old.slug: old.dimension
        for old in DimensionSlug.objects.filter(comparison=comparison).select_related("dimension")
    }
    deleted = _deleted_slugs(comparison)
    for position, wanted in enumerate(item["dimensions"], start=1):
        wanted = {**wanted, "position": position * 10}
        slug = wanted["slug"]
        dimension = dimensions.get(slug) or renamed.get(slug)
        if dimension is None and slug in deleted:
            report.deleted.append(slug)
            continue
        dimension = _merge_replaced(wanted, dimension, dimensions, untouched, report)
        if dimension is not None and dimension.pk not in untouched:
            report.kept.append(dimension.slug)
            continue
        if dimension is None:
            dimension = Dimension(comparison=comparison)
            report.added.append(wanted["slug"])
        elif _update_dimension(dimension, wanted, segments, sources):
            report.updated.append(wanted["slug"])
            continue
        _update_dimension(dimension, wanted, segments, sources)
    return report


def _deleted_slugs(comparison: Comparison) -> set[str]:
    """Slugs of the comparison's rows that someone deleted (the loader never deletes but to
    merge, and a merged row's slug redirects)."""
    return set(
        Dimension.history.filter(comparison_id=comparison.pk, history_type="-").values_list(
            "slug", flat=True
        )
    )


def _update_comparison(comparison: Comparison, item: dict, segments: dict, untouched: bool) -> None:
    """The table's own fields if no editor saved it; its topic if it has none yet (topics came
    after the first tables, so no editor can have chosen to leave one blank)."""
    fields = {}
    if untouched:
        fields = {"title": item["title"], "summary": item.get("summary", "")}
    if untouched or not comparison.topic:
        fields["topic"] = item.get("topic", comparison.topic)
    if _assign(comparison, fields):
        comparison.save()
    if not untouched:
        return
    present = set(comparison.segments.values_list("slug", flat=True))
    for position, slug in enumerate(item["segments"], start=1):
        if slug not in present:
            ComparisonSegment.objects.create(
                comparison=comparison, segment=segments[slug], position=position
            )


def _merge_replaced(
    wanted: dict, dimension: Dimension | None, dimensions: dict, untouched: set[int], report
) -> Dimension | None:
    """Fold the rows `wanted` replaces into its row, and return that row.

    `row` is the row already under `wanted`'s slug, or None: then the first untouched row it
    replaces is renamed to take its place (the old slug then redirects). Other untouched rows it
    replaces are removed, their slugs kept as old addresses of the survivor. Nothing is merged
    into a row an editor changed, and a replaced row an editor changed is kept as it is.
    """
    replaced = [dimensions.pop(slug) for slug in wanted.get("replaces", []) if slug in dimensions]
    if dimension is not None and dimension.pk not in untouched:
        report.kept += [other.slug for other in replaced]
        return dimension
    report.kept += [other.slug for other in replaced if other.pk not in untouched]
    mergeable = [other for other in replaced if other.pk in untouched]
    if dimension is None:
        if not mergeable:
            return None
        dimension, *mergeable = mergeable
        report.merged.append(f"{dimension.slug} → {wanted['slug']}")
    for other in mergeable:
        report.merged.append(f"{other.slug} → {wanted['slug']}")
        old_slug = other.slug
        other.delete()
        dimension.remember_slug(old_slug)
    return dimension


def _update_dimension(dimension: Dimension, wanted: dict, segments: dict, sources: dict) -> bool:
    """Give `row` the wanted fields, tags and cells; True if anything changed."""
    fields = {
        "slug": wanted["slug"],
        "title": wanted["title"],
        "question": wanted.get("question", ""),
        "common_ground": wanted.get("common_ground", ""),
        "difference": wanted.get("difference", DifferenceLevel.DIFFERENT),
        "position": wanted["position"],
    }
    new = dimension.pk is None
    if new:
        fields["status"] = wanted.get("status", Status.PUBLISHED)
    changed = _assign(dimension, fields) or new
    tags = wanted.get("tags", [])
    tags_changed = new or sorted(tag.name for tag in dimension.tags.all()) != sorted(tags)
    entries = _changed_entries(dimension, wanted, segments, sources)
    if not (changed or tags_changed or entries):
        return False
    dimension.save()
    if tags_changed:
        dimension.tags.set(tags)
    for entry in entries:
        entry.dimension = dimension
        entry.save()
    return True


def _changed_entries(
    dimension: Dimension, wanted: dict, segments: dict, sources: dict
) -> list[Entry]:
    """The row's cells that must change, or be added, for it to read as `wanted`."""
    existing = {}
    if dimension.pk is not None:
        existing = {
            entry.segment.slug: entry for entry in dimension.entries.select_related("segment")
        }
    changed = []
    for segment_slug, wanted_entry in wanted["entries"].items():
        entry = existing.get(segment_slug) or Entry(segment=segments[segment_slug])
        text = {
            "body": wanted_entry["body"],
            "sources": [sources[key] for key in wanted_entry.get("sources", [])],
        }
        if _assign(entry, text) or entry.pk is None:
            changed.append(entry)
    return changed


def _assign(obj, values: dict) -> bool:
    """Set `values` on `obj`; True if any differed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed
