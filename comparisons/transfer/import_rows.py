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
ROW_FIELDS = ["title", "question", "status", "difference", "position", "common_ground", "tags"]
KEEP_SITE, TAKE_FILE = "site", "file"


def row_key(comparison_slug, slug) -> str:
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
    column: str
    base: str
    site: str
    file: str
    changed_by: str = "someone"

    def choice_name(self, key: str) -> str:
        return f"conflict:{key}:{self.column}"


@dataclass
class Line:
    """One line of the file and what importing it does."""

    number: int
    values: dict  # column -> the file's text
    key: str = ""
    row: Dimension | None = None
    current: dict = field(default_factory=dict)  # column -> the site's text
    changes: dict = field(default_factory=dict)  # column -> the text to write
    conflicts: list[Conflict] = field(default_factory=list)
    errors: dict = field(default_factory=dict)  # column (or "" for the line) -> messages

    @property
    def is_new(self) -> bool:
        return self.row is None

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
            Line(number, {h: as_text(row.get(h)) for h in self.headers})
            for number, row in enumerate(dataset.dict, start=1)
        ]
        for line in self.lines:
            line.key = row_key(line.values.get("comparison", ""), line.values.get("slug", ""))
        self._read(lock)
        for line in self.lines:
            self._merge(line)
        self._name_who_changed_the_conflicts()

    # --- reading, in bulk --------------------------------------------------------------

    def _read(self, lock: bool) -> None:
        slugs = {line.values.get("comparison", "") for line in self.lines}
        comparisons = Comparison.objects.filter(slug__in=slugs).order_by("pk")
        rows = Dimension.objects.filter(comparison__slug__in=slugs)
        entries = Entry.objects.filter(dimension__comparison__slug__in=slugs)
        if lock:
            # Held until the import commits: an admin save of these rows waits, then finds
            # their versions claimed; a second confirm waits, then finds our changes.
            comparisons, rows = comparisons.select_for_update(), rows.select_for_update()
            entries = entries.select_for_update()
        self.comparisons = {c.slug: c for c in comparisons}
        self.columns = defaultdict(set)
        for comparison_id, slug in ComparisonSegment.objects.filter(
            comparison__in=self.comparisons.values()
        ).values_list("comparison_id", "segment__slug"):
            self.columns[comparison_id].add(slug)
        by_id = {c.pk: c for c in self.comparisons.values()}
        self.rows = {}
        for row in rows:
            row.comparison = by_id[row.comparison_id]
            row.cells = {}
            self.rows[row_key(row.comparison.slug, row.slug)] = row
        by_pk = {row.pk: row for row in self.rows.values()}
        segment_slug = {s.pk: slug for slug, s in self.segments.items()}
        for entry in entries:
            entry.dimension = by_pk[entry.dimension_id]
            entry.dimension.cells[segment_slug[entry.segment_id]] = entry
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
        self.row_bases, self.cell_bases = {}, {}
        wanted_rows, wanted_cells = {}, {}
        for line in self.lines:
            row = self.rows.get(line.key)
            if row is None:
                continue
            # A version the site still has means no save since the export: the site's
            # values are the file's starting point, and no history needs reading.
            version = line.values.get(VERSION, "")
            if version.isdigit() and int(version) != row.version:
                wanted_rows[(row.pk, int(version))] = line.key
            for slug, entry in row.cells.items():
                version = line.values.get(f"{slug}_{VERSION}", "")
                if version.isdigit() and int(version) != entry.version:
                    wanted_cells[(entry.pk, int(version))] = (line.key, slug)
        if wanted_rows:
            records = Dimension.history.filter(
                id__in={pk for pk, _ in wanted_rows},
                version__in={v for _, v in wanted_rows},
            ).order_by("history_date", "history_id")
            for record in records:  # the latest record of each version wins
                if (record.id, record.version) in wanted_rows:
                    self.row_bases[wanted_rows[(record.id, record.version)]] = record
        if wanted_cells:
            records = Entry.history.filter(
                id__in={pk for pk, _ in wanted_cells},
                version__in={v for _, v in wanted_cells},
            ).order_by("history_date", "history_id")
            for record in records:
                if (record.id, record.version) in wanted_cells:
                    self.cell_bases[wanted_cells[(record.id, record.version)]] = record

    # --- merging, in memory ------------------------------------------------------------

    def current_text(self, row: Dimension) -> dict:
        text = {name: as_text(getattr(row, name)) for name in ROW_FIELDS if name != "tags"}
        text["tags"] = edit_string_for_tags([_Named(n) for n in self.tags.get(row.pk, [])])
        for slug in self.segment_slugs:
            entry = row.cells.get(slug)
            text[f"{slug}_{BODY}"] = entry.body if entry else ""
            text[f"{slug}_{SOURCES}"] = format_sources(entry.sources) if entry else ""
        return text

    def _base_text(self, line: Line, current: dict) -> dict:
        """The values the file started from; the site's own where the file names no version."""
        base = dict(current)
        record = self.row_bases.get(line.key)
        if record is not None:
            base.update({n: as_text(getattr(record, n)) for n in ROW_FIELDS if n != "tags"})
            base["tags"] = canonical_tags(record.tag_names)
        for slug in self.segment_slugs:
            if f"{slug}_{VERSION}" not in line.values:
                continue
            cell = self.cell_bases.get((line.key, slug))
            exported = line.values[f"{slug}_{VERSION}"]
            if cell is not None:
                base[f"{slug}_{BODY}"] = cell.body
                base[f"{slug}_{SOURCES}"] = format_sources(cell.sources)
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
        line.row = self.rows.get(line.key)
        columns = [c for c in self._content_columns() if c in line.values]
        if line.row is None:
            line.changes = {c: line.values[c] for c in columns}
        else:
            line.current = self.current_text(line.row)
            base = self._base_text(line, line.current)
            for column in columns:
                self._merge_field(line, column, base[column])
        self._check(line, comparison)

    def _merge_field(self, line: Line, column: str, base: str) -> None:
        file, site = self._comparable(column, line.values[column]), line.current[column]
        if file in (site, base):
            return
        if site == base:
            line.changes[column] = line.values[column]
            return
        conflict = Conflict(column, base=base, site=site, file=line.values[column])
        line.conflicts.append(conflict)
        if self.choices.get(conflict.choice_name(line.key)) == TAKE_FILE:
            line.changes[column] = line.values[column]

    def _comparable(self, column: str, text: str) -> str:
        # Tags are a set, written in one canonical order and quoting.
        return canonical_tags(text) if column == "tags" else text

    def _content_columns(self) -> list[str]:
        cells = [f"{s}_{part}" for s in self.segment_slugs for part in (BODY, SOURCES)]
        return [*ROW_FIELDS, *cells]

    def _name_who_changed_the_conflicts(self) -> None:
        """Who saved the site's side of each conflict: two queries, only if there are any."""
        fields = [(line, c) for line in self.lines for c in line.conflicts]
        if not fields:
            return
        rows = {line.row.pk for line, _ in fields}
        cells = {cell.pk for line, _ in fields for cell in line.row.cells.values()}
        authors = {}
        for model, ids, kind in ((Dimension, rows, "row"), (Entry, cells, "cell")):
            records = model.history.filter(id__in=ids).select_related("history_user")
            for record in records.order_by("history_date", "history_id"):
                user = record.history_user
                authors[(kind, record.id)] = user.get_username() if user else "someone"
        for line, conflict in fields:
            slug, _, part = conflict.column.rpartition("_")
            cell = line.row.cells.get(slug) if part in (BODY, SOURCES) else None
            key = ("cell", cell.pk) if cell else ("row", line.row.pk)
            conflict.changed_by = authors.get(key, "someone")

    # --- checking ----------------------------------------------------------------------

    def _check(self, line: Line, comparison: Comparison) -> None:
        errors = defaultdict(list)
        limit = settings.IMPORT_MAX_CELL_BYTES
        for column, text in line.values.items():
            if len(text.encode()) > limit:
                errors[column].append(
                    f"Line {line.number}, column {column}: this cell is "
                    f"{len(text.encode()):,} bytes; a cell may hold at most {limit:,}."
                )
        values = {**line.current, **line.changes}
        if line.is_new:
            self._check_new_row(values, errors)
        self._check_row_fields(line, errors)
        for slug in self.segment_slugs:
            self._check_cell(line, slug, values, comparison, errors)
        line.errors.update(errors)

    def _check_new_row(self, values, errors) -> None:
        if not values.get("title", "").strip():
            errors["title"].append("This field is required.")

    def _check_row_fields(self, line: Line, errors) -> None:
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

    def _check_cell(self, line: Line, slug, values, comparison, errors) -> None:
        body_column, sources_column = f"{slug}_{BODY}", f"{slug}_{SOURCES}"
        if body_column not in line.values:
            return
        body, sources = values.get(body_column, ""), values.get(sources_column, "")
        existing = line.row is not None and slug in line.row.cells
        if (body or sources) and slug not in self.columns[comparison.pk]:
            errors[body_column].append(f"The comparison has no {slug} column.")
        elif sources and not body.strip():
            errors[body_column].append("A cell with sources needs a body.")
        elif not body.strip() and existing:
            errors[body_column].append(
                "This cell is empty but the row has an entry here. Import never deletes "
                "content: delete the entry in the admin, or put its text back."
            )
        if sources_column in line.changes:
            try:
                parse_sources(line.changes[sources_column], exact_lines=True)
            except ValidationError as error:
                errors[sources_column].extend(error.messages)

    @property
    def has_errors(self) -> bool:
        return any(line.errors for line in self.lines)

    def versions_read(self) -> dict:
        """The versions of every row and cell the file names, as read: the confirm checks
        that none changed since."""
        states = {}
        for line in self.lines:
            row = self.rows.get(line.key)
            states[line.key] = (
                None
                if row is None
                else {
                    "row": row.version,
                    "cells": {slug: e.version for slug, e in sorted(row.cells.items())},
                }
            )
        return states


# --- writing, in bulk --------------------------------------------------------------------


@dataclass
class Written:
    rows_added: list = field(default_factory=list)
    rows_changed: list = field(default_factory=list)
    cells_added: list = field(default_factory=list)
    cells_changed: list = field(default_factory=list)
    tag_names: dict = field(default_factory=dict)  # row pk -> its tags, as history keeps them


BATCH = 100
ROW_COLUMNS = ["title", "question", "status", "difference", "position", "common_ground"]


def write(plan: Plan) -> Written:
    """Apply the plan's changes: inserts and updates in batches, tags in two statements.
    Sends no signals; the caller records the history and the derived state once."""
    written = Written()
    now = timezone.now()
    lines = [line for line in plan.lines if line.changes]
    new_rows = []
    for line in lines:
        if line.is_new:
            line.row = Dimension(
                comparison=plan.comparisons[line.values["comparison"]],
                slug=line.values["slug"],
                created=now,
                updated=now,
            )
            line.row.cells = {}
            new_rows.append(line.row)
        row = line.row
        for name in ROW_COLUMNS:
            if name in line.changes:
                value = line.changes[name]
                setattr(row, name, int(value) if name == "position" else value)
    written.rows_added = Dimension.objects.bulk_create(new_rows, batch_size=1000)
    # Tags are the row's too: a row whose fields or tags change gets its next version.
    changed_dimensions = [
        line.row
        for line in lines
        if not line.is_new and any(name in line.changes for name in [*ROW_COLUMNS, "tags"])
    ]
    for row in changed_dimensions:
        row.version += 1
        row.updated = now
    # Only the columns some line changed, in small batches: bulk_update's CASE per column
    # costs the database time quadratic in the batch size.
    columns = [name for name in ROW_COLUMNS if any(name in line.changes for line in lines)]
    Dimension.objects.bulk_update(
        changed_dimensions, [*columns, "version", "updated"], batch_size=BATCH
    )
    # Every row the file changed, its cells only included, gets a history record.
    written.rows_changed = [line.row for line in lines if not line.is_new]
    _write_cells(plan, lines, written, now)
    _write_tags(plan, lines, written)
    return written


def _write_cells(plan: Plan, lines, written: Written, now) -> None:
    added, changed = [], []
    for line in lines:
        for slug in plan.segment_slugs:
            body = line.changes.get(f"{slug}_{BODY}")
            sources = line.changes.get(f"{slug}_{SOURCES}")
            if body is None and sources is None:
                continue
            entry = line.row.cells.get(slug)
            if entry is None:
                if not (body or "").strip():
                    continue
                entry = Entry(
                    dimension=line.row, segment=plan.segments[slug], created=now, updated=now
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
            line.row.cells[slug] = entry
    written.cells_added = Entry.objects.bulk_create(added, batch_size=1000)
    parts = [
        name
        for name, part in (("body", BODY), ("sources", SOURCES))
        if any(f"{slug}_{part}" in line.changes for line in lines for slug in plan.segment_slugs)
    ]
    Entry.objects.bulk_update(changed, [*parts, "version", "updated"], batch_size=BATCH)
    written.cells_changed = changed


def _write_tags(plan: Plan, lines, written: Written) -> None:
    wanted = {}
    for line in lines:
        names = parse_tags(line.changes["tags"]) if "tags" in line.changes else None
        if names is None:
            names = plan.tags.get(line.row.pk, [])
        else:
            wanted[line.row.pk] = set(names)
        written.tag_names[line.row.pk] = edit_string_for_tags([_Named(n) for n in names])
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
