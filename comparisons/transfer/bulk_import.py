"""A spreadsheet import, in bulk: read every row the file names at once, merge, write at once.

Each line of the file is one row of a table (see comparisons/transfer/resources.py for the columns).
An exported file carries the version of each row (`version`) and of each cell
(`<segment>_version`) it was made from, so importing it later is a three-way merge of each
field against that version, read from the history:

| the file's value | the site's value    | result                                            |
|------------------|---------------------|---------------------------------------------------|
| as exported      | anything            | the site's kept (another editor's work survives)  |
| changed          | as exported         | the file's applied                                |
| changed          | changed, same       | nothing to do                                     |
| changed          | changed, otherwise  | a conflict: the editor chooses (default: site's)  |

A file without version columns (written by hand) is a two-way import: the file wins.

Values are compared as the export writes them, untouched: an unchanged cell is unchanged
however its text starts or ends (tabs, CR, U+2028), so an exact re-import changes nothing.

Cost: a fixed number of queries whatever the number of lines (the rows, their cells, tags
and base versions in one query each; the writes in batches; the history in bulk).
"""

import html
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from taggit.models import Tag, TaggedItem
from taggit.utils import edit_string_for_tags, parse_tags

from comparisons.models import (
    Comparison,
    ComparisonSegment,
    DifferenceLevel,
    Dimension,
    Entry,
    Segment,
    Status,
)
from comparisons.sources import format_sources, parse_sources

BODY, SOURCES, VERSION = "body", "sources", "version"
DIMENSION_FIELDS = [
    "title",
    "question",
    "status",
    "difference",
    "position",
    "common_ground",
    "tags",
]
KEEP_SITE, TAKE_FILE = "site", "file"


def dimension_key(comparison_slug, slug) -> str:
    return f"{comparison_slug}/{slug}"


def as_text(value) -> str:
    """A spreadsheet cell as the text it holds (XLSX gives numbers; empty cells are None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def canonical_tags(text: str) -> str:
    return edit_string_for_tags([_Named(name) for name in parse_tags(text)])


@dataclass
class _Named:
    name: str


@dataclass
class Conflict:
    header: str
    base: str
    site: str
    file: str
    changed_by: str = "someone"

    def choice_name(self, key: str) -> str:
        return f"conflict:{key}:{self.header}"


@dataclass
class Line:
    """One line of the file and what importing it does."""

    number: int
    values: dict  # column -> the file's text
    key: str = ""
    dimension: Dimension | None = None
    current: dict = field(default_factory=dict)  # column -> the site's text
    changes: dict = field(default_factory=dict)  # column -> the text to write
    conflicts: list[Conflict] = field(default_factory=list)
    errors: dict = field(default_factory=dict)  # column (or "" for the line) -> messages

    @property
    def is_new(self) -> bool:
        return self.dimension is None

    @property
    def import_type(self) -> str:
        if self.is_new:
            return "new"
        return "update" if self.changes or self.conflicts else "skip"


class Plan:
    """What importing `dataset` would do, read in a fixed number of queries."""

    def __init__(self, dataset, segment_slugs: list[str], choices=None, lock=False):
        self.choices = choices or {}
        self.headers = [h for h in (dataset.headers or []) if h]
        self.segments = Segment.objects.in_bulk(field_name="slug")
        self.segment_slugs = segment_slugs
        self.lines = [
            Line(number, {h: as_text(record.get(h)) for h in self.headers})
            for number, record in enumerate(dataset.dict, start=1)
        ]
        for line in self.lines:
            line.key = dimension_key(line.values.get("comparison", ""), line.values.get("slug", ""))
        self._read(lock)
        for line in self.lines:
            self._merge(line)
        self._name_who_changed_the_conflicts()

    # --- reading, in bulk --------------------------------------------------------------

    def _read(self, lock: bool) -> None:
        slugs = {line.values.get("comparison", "") for line in self.lines}
        comparisons = Comparison.objects.filter(slug__in=slugs).order_by("pk")
        dimensions = Dimension.objects.filter(comparison__slug__in=slugs)
        entries = Entry.objects.filter(dimension__comparison__slug__in=slugs)
        if lock:
            # Held until the import commits: an admin save of these rows waits, then finds
            # their versions claimed; a second confirm waits, then finds our changes.
            comparisons, dimensions = (
                comparisons.select_for_update(),
                dimensions.select_for_update(),
            )
            entries = entries.select_for_update()
        self.comparisons = {c.slug: c for c in comparisons}
        self.segment_slugs_of = defaultdict(set)
        for comparison_id, slug in ComparisonSegment.objects.filter(
            comparison__in=self.comparisons.values()
        ).values_list("comparison_id", "segment__slug"):
            self.segment_slugs_of[comparison_id].add(slug)
        by_id = {c.pk: c for c in self.comparisons.values()}
        self.dimensions = {}
        for dimension in dimensions:
            dimension.comparison = by_id[dimension.comparison_id]
            dimension.entries_by_slug = {}
            self.dimensions[dimension_key(dimension.comparison.slug, dimension.slug)] = dimension
        by_pk = {dimension.pk: dimension for dimension in self.dimensions.values()}
        segment_slug = {s.pk: slug for slug, s in self.segments.items()}
        for entry in entries:
            entry.dimension = by_pk[entry.dimension_id]
            entry.dimension.entries_by_slug[segment_slug[entry.segment_id]] = entry
        self.tags = defaultdict(list)
        for object_id, name in TaggedItem.objects.filter(
            content_type__app_label="comparisons",
            content_type__model="dimension",
            object_id__in=list(by_pk),
        ).values_list("object_id", "tag__name"):
            self.tags[object_id].append(name)
        self._read_bases(by_pk)

    def _read_bases(self, by_pk) -> None:
        """The versions the file was exported from, from the history: one query per model."""
        self.dimension_bases, self.entry_bases = {}, {}
        wanted_dimensions, wanted_entries = {}, {}
        for line in self.lines:
            dimension = self.dimensions.get(line.key)
            if dimension is None:
                continue
            # A version the site still has means no save since the export: the site's
            # values are the file's starting point, and no history needs reading.
            version = line.values.get(VERSION, "")
            if version.isdigit() and int(version) != dimension.version:
                wanted_dimensions[(dimension.pk, int(version))] = line.key
            for slug, entry in dimension.entries_by_slug.items():
                version = line.values.get(f"{slug}_{VERSION}", "")
                if version.isdigit() and int(version) != entry.version:
                    wanted_entries[(entry.pk, int(version))] = (line.key, slug)
        if wanted_dimensions:
            records = Dimension.history.filter(
                id__in={pk for pk, _ in wanted_dimensions},
                version__in={v for _, v in wanted_dimensions},
            ).order_by("history_date", "history_id")
            for record in records:  # the latest record of each version wins
                if (record.id, record.version) in wanted_dimensions:
                    self.dimension_bases[wanted_dimensions[(record.id, record.version)]] = record
        if wanted_entries:
            records = Entry.history.filter(
                id__in={pk for pk, _ in wanted_entries},
                version__in={v for _, v in wanted_entries},
            ).order_by("history_date", "history_id")
            for record in records:
                if (record.id, record.version) in wanted_entries:
                    self.entry_bases[wanted_entries[(record.id, record.version)]] = record

    # --- merging, in memory ------------------------------------------------------------

    def current_text(self, dimension: Dimension) -> dict:
        text = {
            name: as_text(getattr(dimension, name)) for name in DIMENSION_FIELDS if name != "tags"
        }
        text["tags"] = edit_string_for_tags([_Named(n) for n in self.tags.get(dimension.pk, [])])
        for slug in self.segment_slugs:
            entry = dimension.entries_by_slug.get(slug)
            text[f"{slug}_{BODY}"] = entry.body if entry else ""
            text[f"{slug}_{SOURCES}"] = format_sources(entry.sources) if entry else ""
        return text

    def _base_text(self, line: Line, current: dict) -> dict:
        """The values the file started from; the site's own where the file names no version."""
        base = dict(current)
        record = self.dimension_bases.get(line.key)
        if record is not None:
            base.update({n: as_text(getattr(record, n)) for n in DIMENSION_FIELDS if n != "tags"})
            base["tags"] = canonical_tags(record.tag_names)
        for slug in self.segment_slugs:
            if f"{slug}_{VERSION}" not in line.values:
                continue
            entry = self.entry_bases.get((line.key, slug))
            exported = line.values[f"{slug}_{VERSION}"]
            if entry is not None:
                base[f"{slug}_{BODY}"] = entry.body
                base[f"{slug}_{SOURCES}"] = format_sources(entry.sources)
            elif not exported and VERSION in line.values:
                # No cell when the file was exported: one made since is the site's change.
                base[f"{slug}_{BODY}"] = base[f"{slug}_{SOURCES}"] = ""
        return base

    def _merge(self, line: Line) -> None:
        comparison = self.comparisons.get(line.values.get("comparison", ""))
        if comparison is None:
            slug = line.values.get("comparison", "")
            line.errors[""] = [f"No comparison with slug {slug!r}."]
            return
        if not line.values.get("slug", "").strip():
            line.errors["slug"] = ["This field is required."]
            return
        line.dimension = self.dimensions.get(line.key)
        headers = [c for c in self._content_headers() if c in line.values]
        if line.dimension is None:
            line.changes = {c: line.values[c] for c in headers}
        else:
            line.current = self.current_text(line.dimension)
            base = self._base_text(line, line.current)
            for header in headers:
                self._merge_field(line, header, base[header])
        self._check(line, comparison)

    def _merge_field(self, line: Line, header: str, base: str) -> None:
        file, site = self._comparable(header, line.values[header]), line.current[header]
        if file in (site, base):
            return
        if site == base:
            line.changes[header] = line.values[header]
            return
        conflict = Conflict(header, base=base, site=site, file=line.values[header])
        line.conflicts.append(conflict)
        if self.choices.get(conflict.choice_name(line.key)) == TAKE_FILE:
            line.changes[header] = line.values[header]

    def _comparable(self, header: str, text: str) -> str:
        # Tags are a set, written in one canonical order and quoting.
        return canonical_tags(text) if header == "tags" else text

    def _content_headers(self) -> list[str]:
        entry_headers = [f"{s}_{part}" for s in self.segment_slugs for part in (BODY, SOURCES)]
        return [*DIMENSION_FIELDS, *entry_headers]

    def _name_who_changed_the_conflicts(self) -> None:
        """Who saved the site's side of each conflict: two queries, only if there are any."""
        fields = [(line, c) for line in self.lines for c in line.conflicts]
        if not fields:
            return
        dimensions = {line.dimension.pk for line, _ in fields}
        entries = {
            entry.pk for line, _ in fields for entry in line.dimension.entries_by_slug.values()
        }
        authors = {}
        for model, ids, kind in ((Dimension, dimensions, "row"), (Entry, entries, "cell")):
            records = model.history.filter(id__in=ids).select_related("history_user")
            for record in records.order_by("history_date", "history_id"):
                user = record.history_user
                authors[(kind, record.id)] = user.get_username() if user else "someone"
        for line, conflict in fields:
            slug, _, part = conflict.header.rpartition("_")
            entry = line.dimension.entries_by_slug.get(slug) if part in (BODY, SOURCES) else None
            key = ("cell", entry.pk) if entry else ("row", line.dimension.pk)
            conflict.changed_by = authors.get(key, "someone")

    # --- checking ----------------------------------------------------------------------

    def _check(self, line: Line, comparison: Comparison) -> None:
        errors = defaultdict(list)
        limit = settings.IMPORT_MAX_CELL_BYTES
        for header, text in line.values.items():
            if len(text.encode()) > limit:
                errors[header].append(
                    f"Line {line.number}, column {header}: this cell is "
                    f"{len(text.encode()):,} bytes; a cell may hold at most {limit:,}."
                )
        values = {**line.current, **line.changes}
        if line.is_new:
            self._check_new_dimension(values, errors)
        self._check_dimension_fields(line, errors)
        for slug in self.segment_slugs:
            self._check_entry(line, slug, values, comparison, errors)
        line.errors.update(errors)

    def _check_new_dimension(self, values, errors) -> None:
        if not values.get("title", "").strip():
            errors["title"].append("This field is required.")

    def _check_dimension_fields(self, line: Line, errors) -> None:
        changes = line.changes
        maximum = {"title": 120, "question": 250}
        for name, length in maximum.items():
            if len(changes.get(name, "")) > length:
                errors[name].append(f"Ensure this value has at most {length} characters.")
        if "title" in changes and not changes["title"].strip():
            errors["title"].append("This field is required.")
        if changes.get("status", Status.DRAFT) not in Status.values:
            errors["status"].append(f"Must be one of: {', '.join(Status.values)}.")
        difference = changes.get("difference", DifferenceLevel.DIFFERENT)
        if difference not in DifferenceLevel.values:
            errors["difference"].append(f"Must be one of: {', '.join(DifferenceLevel.values)}.")
        if "position" in changes and not changes["position"].isdigit():
            errors["position"].append("Enter a whole number, 0 or more.")

    def _check_entry(self, line: Line, slug, values, comparison, errors) -> None:
        body_header, sources_header = f"{slug}_{BODY}", f"{slug}_{SOURCES}"
        if body_header not in line.values:
            return
        body, sources = values.get(body_header, ""), values.get(sources_header, "")
        existing = line.dimension is not None and slug in line.dimension.entries_by_slug
        if (body or sources) and slug not in self.segment_slugs_of[comparison.pk]:
            errors[body_header].append(f"The comparison has no {slug} column.")
        elif sources and not body.strip():
            errors[body_header].append("A cell with sources needs a body.")
        elif not body.strip() and existing:
            errors[body_header].append(
                "This cell is empty but the row has an entry here. Import never deletes "
                "content: delete the entry in the admin, or put its text back."
            )
        if sources_header in line.changes:
            try:
                parse_sources(line.changes[sources_header], exact_lines=True)
            except ValidationError as error:
                errors[sources_header].extend(error.messages)

    @property
    def has_errors(self) -> bool:
        return any(line.errors for line in self.lines)

    def versions_read(self) -> dict:
        """The versions of every row and cell the file names, as read: the confirm checks
        that none changed since."""
        states = {}
        for line in self.lines:
            dimension = self.dimensions.get(line.key)
            states[line.key] = (
                None
                if dimension is None
                else {
                    "row": dimension.version,
                    "cells": {
                        slug: e.version for slug, e in sorted(dimension.entries_by_slug.items())
                    },
                }
            )
        return states


# --- writing, in bulk --------------------------------------------------------------------


@dataclass
class Written:
    dimensions_added: list = field(default_factory=list)
    dimensions_changed: list = field(default_factory=list)
    entries_added: list = field(default_factory=list)
    entries_changed: list = field(default_factory=list)
    tag_names: dict = field(default_factory=dict)  # row pk -> its tags, as history keeps them


BATCH = 100
DIMENSION_MODEL_FIELDS = ["title", "question", "status", "difference", "position", "common_ground"]


def write(plan: Plan) -> Written:
    """Apply the plan's changes: inserts and updates in batches, tags in two statements.
    Sends no signals; the caller records the history and the derived state once."""
    written = Written()
    now = timezone.now()
    lines = [line for line in plan.lines if line.changes]
    new_dimensions = []
    for line in lines:
        if line.is_new:
            line.dimension = Dimension(
                comparison=plan.comparisons[line.values["comparison"]],
                slug=line.values["slug"],
                created=now,
                updated=now,
            )
            line.dimension.entries_by_slug = {}
            new_dimensions.append(line.dimension)
        dimension = line.dimension
        for name in DIMENSION_MODEL_FIELDS:
            if name in line.changes:
                value = line.changes[name]
                setattr(dimension, name, int(value) if name == "position" else value)
    written.dimensions_added = Dimension.objects.bulk_create(new_dimensions, batch_size=1000)
    # Tags are the row's too: a row whose fields or tags change gets its next version.
    changed_dimensions = [
        line.dimension
        for line in lines
        if not line.is_new
        and any(name in line.changes for name in [*DIMENSION_MODEL_FIELDS, "tags"])
    ]
    for dimension in changed_dimensions:
        dimension.version += 1
        dimension.updated = now
    # Only the columns some line changed, in small batches: bulk_update's CASE per column
    # costs the database time quadratic in the batch size.
    fields = [
        name for name in DIMENSION_MODEL_FIELDS if any(name in line.changes for line in lines)
    ]
    Dimension.objects.bulk_update(
        changed_dimensions, [*fields, "version", "updated"], batch_size=BATCH
    )
    # Every row the file changed, its cells only included, gets a history record.
    written.dimensions_changed = [line.dimension for line in lines if not line.is_new]
    _write_entries(plan, lines, written, now)
    _write_tags(plan, lines, written)
    return written


def _write_entries(plan: Plan, lines, written: Written, now) -> None:
    added, changed = [], []
    for line in lines:
        for slug in plan.segment_slugs:
            body = line.changes.get(f"{slug}_{BODY}")
            sources = line.changes.get(f"{slug}_{SOURCES}")
            if body is None and sources is None:
                continue
            entry = line.dimension.entries_by_slug.get(slug)
            if entry is None:
                if not (body or "").strip():
                    continue
                entry = Entry(
                    dimension=line.dimension, segment=plan.segments[slug], created=now, updated=now
                )
                added.append(entry)
            else:
                entry.version += 1
                entry.updated = now
                changed.append(entry)
            if body is not None:
                entry.body = body
            if sources is not None:
                entry.sources = parse_sources(sources, exact_lines=True)
            line.dimension.entries_by_slug[slug] = entry
    written.entries_added = Entry.objects.bulk_create(added, batch_size=1000)
    parts = [
        name
        for name, part in (("body", BODY), ("sources", SOURCES))
        if any(f"{slug}_{part}" in line.changes for line in lines for slug in plan.segment_slugs)
    ]
    Entry.objects.bulk_update(changed, [*parts, "version", "updated"], batch_size=BATCH)
    written.entries_changed = changed


def _write_tags(plan: Plan, lines, written: Written) -> None:
    wanted = {}
    for line in lines:
        names = parse_tags(line.changes["tags"]) if "tags" in line.changes else None
        if names is None:
            names = plan.tags.get(line.dimension.pk, [])
        else:
            wanted[line.dimension.pk] = set(names)
        written.tag_names[line.dimension.pk] = edit_string_for_tags([_Named(n) for n in names])
    if not wanted:
        return
    every_name = set().union(*wanted.values())
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=every_name)}
    for name in sorted(every_name - set(tags)):
        tags[name] = Tag.objects.create(name=name)  # a new tag: rare, and it needs its slug
    dimension_type = ContentType.objects.get_for_model(Dimension)
    old, stale = defaultdict(set), []
    for pk, object_id, name in TaggedItem.objects.filter(
        content_type=dimension_type, object_id__in=list(wanted)
    ).values_list("pk", "object_id", "tag__name"):
        old[object_id].add(name)
        if name not in wanted[object_id]:
            stale.append(pk)
    TaggedItem.objects.filter(pk__in=stale).delete()
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(tag=tags[name], content_type=dimension_type, object_id=pk)
            for pk, names in wanted.items()
            for name in sorted(names - old[pk])
        ],
        batch_size=1000,
    )


# --- the preview ---------------------------------------------------------------------------

SHOWN = 300  # characters of an unchanged value the preview shows


def shown(text: str) -> str:
    text = html.escape(text)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def diff_html(old: str, new: str) -> str:
    """What changed between `old` and `new`, linear in their length: the common start and
    end are kept, the middle shown deleted and inserted (no quadratic diff of large cells)."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    head, tail = old[:start], old[len(old) - end :]
    removed, added = old[start : len(old) - end], new[start : len(new) - end]
    parts = [_context(head, at_end=True)]
    if removed:
        parts.append(f"<del>{html.escape(removed)}</del>")
    if added:
        parts.append(f"<ins>{html.escape(added)}</ins>")
    parts.append(_context(tail, at_end=False))
    return "".join(parts)


def _context(text: str, at_end: bool) -> str:
    if len(text) <= 80:
        return html.escape(text)
    return "…" + html.escape(text[-80:]) if at_end else html.escape(text[:80]) + "…"
