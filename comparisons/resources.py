"""Bulk import/export of a comparison's rows for editing in a spreadsheet.

One spreadsheet row per dimension, as in the table itself: the row's fields, its
tags, then one `<segment>_body` / `<segment>_sources` column pair per segment, so
B2B and B2C sit side by side as they do on the page and in the admin form. Sources
are written as in the admin, one `Title | https://…` per line.

Rows are found by natural keys (comparison slug + dimension slug; segments by
their slug), never by database ids, so a file re-imported unchanged changes
nothing and a file moves between databases.

Imports are edit-safe: the preview records the edit state (the versions of each row and its
cells, `edit_state`) of every row in the file, and the confirmed import first locks the
file's comparisons, then refuses, naming the rows and who changed them, if any row changed
since the preview. Two confirms at the same moment are serialised by that lock: the second
finds the first's changes and is refused, never silently skipped.
"""

from collections import defaultdict
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from import_export import fields, resources, widgets
from taggit.utils import edit_string_for_tags, parse_tags

from comparisons import writes
from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment
from comparisons.sources import format_sources, parse_sources

BODY, SOURCES = "body", "sources"


class SlugWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the target's slug, with a readable error."""

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            raise ValueError("This column is required.")
        try:
            return self.model.objects.get(slug=value)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.model._meta.verbose_name} with slug {value!r}.") from None


class PendingField(fields.Field):
    """A column read from the database on export and held on the row until saved.

    Import keeps the cleaned value in `instance.spreadsheet`; the resource writes it
    after the dimension is saved. Reading prefers the pending value, so the preview
    diff and "unchanged" detection compare the file with the database.
    """

    def get_value(self, instance):
        pending = getattr(instance, "spreadsheet", {})
        if self.column_name in pending:
            return pending[self.column_name]
        if instance.pk is None:
            return ""
        return self.read(instance)

    def read(self, instance):
        raise NotImplementedError

    def parse(self, text):
        return text

    def save(self, instance, row, is_m2m=False, **kwargs):
        text = str(row.get(self.column_name) or "").replace("\r\n", "\n").strip()
        try:
            value = self.parse(text)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        if not hasattr(instance, "spreadsheet"):
            instance.spreadsheet = {}
        instance.spreadsheet[self.column_name] = value


class TagsField(PendingField):
    def read(self, instance):
        return edit_string_for_tags(list(instance.tags.all()))

    def parse(self, text):
        # The same canonical spelling as `read`, so unchanged tags compare equal.
        return edit_string_for_tags([SimpleNamespace(name=name) for name in parse_tags(text)])


class CellField(PendingField):
    """One half of a cell: the body or the sources of a segment's entry."""

    def __init__(self, segment_slug, part):
        super().__init__(attribute=f"{segment_slug}_{part}", column_name=f"{segment_slug}_{part}")
        self.segment_slug, self.part = segment_slug, part

    def read(self, instance):
        entry = next(
            (e for e in instance.entries.all() if e.segment.slug == self.segment_slug), None
        )
        if entry is None:
            return ""
        return entry.body if self.part == BODY else format_sources(entry.sources)

    def parse(self, text):
        if self.part == SOURCES:
            return format_sources(parse_sources(text))
        return text


class ImportRefused(ValueError):
    """Rows changed since the preview: the import would overwrite someone's work."""


def row_key(comparison_slug, slug) -> str:
    return f"{comparison_slug}/{slug}"


def edit_state(dimension: Dimension) -> dict:
    """The versions of a row and of its cells (prefetched): any save changes them."""
    return {
        "row": dimension.version,
        "cells": {entry.segment.slug: entry.version for entry in dimension.entries.all()},
    }


class DimensionResource(resources.ModelResource):
    comparison = fields.Field(
        attribute="comparison",
        column_name="comparison",
        widget=SlugWidget(Comparison, field="slug"),
    )
    tags = TagsField(attribute="tags", column_name="tags")

    class Meta:
        model = Dimension
        fields = [
            "comparison",
            "slug",
            "title",
            "question",
            "status",
            "difference",
            "position",
            "tags",
        ]
        export_order = [*fields, "common_ground"]
        import_id_fields = ["comparison", "slug"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, edit_states=None, confirmed_states=None, **kwargs):
        """`edit_states`: a dict the preview fills with each row's edit state, by row key.
        `confirmed_states`: those states when the import is confirmed: checked first."""
        super().__init__(**kwargs)
        self.edit_states = {} if edit_states is None else edit_states
        self.confirmed_states = confirmed_states
        # A long text column; an empty spreadsheet cell means "no common ground".
        self.fields["common_ground"] = fields.Field(
            attribute="common_ground", column_name="common_ground", widget=widgets.CharWidget()
        )
        self.segments = Segment.objects.in_bulk(field_name="slug")
        self.segment_slugs = list(self.segments)
        self._columns = {}  # comparison id -> the segment slugs it compares
        for slug in self.segment_slugs:
            for part in (BODY, SOURCES):
                self.fields[f"{slug}_{part}"] = CellField(slug, part)

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        # All or nothing, including rows that turn invalid between preview and confirm.
        kwargs["rollback_on_validation_errors"] = True
        if dry_run:  # a preview, rolled back: no changeset
            return super().import_data(dataset, dry_run, *args, **kwargs)
        # The confirmed import is one changeset (comparisons/writes.py).
        with writes.changeset(kwargs.get("user"), writes.Reason.IMPORT):
            result = super().import_data(dataset, dry_run, *args, **kwargs)
            if result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True)
            return result

    def get_queryset(self):
        return Dimension.objects.select_related("comparison").prefetch_related(
            "tags", "entries__segment"
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("comparison").prefetch_related("tags", "entries__segment")

    def before_import(self, dataset, **kwargs):
        self._check_header(dataset.headers or [])
        lines = defaultdict(list)  # row key -> the file's lines that hold it (1: under the header)
        for number, row in enumerate(dataset.dict, start=1):
            lines[(row.get("comparison"), row.get("slug"))].append(number)
        repeated = [
            f"{row_key(*key)} is on lines {', '.join(map(str, numbers))}"
            for key, numbers in lines.items()
            if len(numbers) > 1
        ]
        if repeated:
            # The later line would silently overwrite the earlier one.
            raise ValueError(f"A row may appear only once: {'; '.join(repeated)}.")
        if self.confirmed_states is not None:
            self._refuse_rows_changed_since_the_preview(list(lines))

    def _check_header(self, headers: list) -> None:
        """Refuse a header that lacks the key columns or names a column the import ignores."""
        missing = [name for name in self._meta.import_id_fields if name not in headers]
        if missing:
            raise ValueError(
                f"The header line has no {' or '.join(missing)} column: every line needs "
                "comparison and slug to find its row. Export a file to see the columns."
            )
        # A spreadsheet's empty columns have no name (XLSX: None): those are no columns.
        unknown = [str(name) for name in headers if name and name not in self.fields]
        segments = [name for name in unknown if name.endswith((f"_{BODY}", f"_{SOURCES}"))]
        if segments:
            raise ValueError(
                f"Unknown segment columns: {', '.join(segments)}. "
                "Create the segment first, or rename the column to <segment slug>_body."
            )
        if unknown:
            raise ValueError(
                f"Unknown columns: {', '.join(unknown)}. The columns are: {', '.join(self.fields)}."
            )

    def _refuse_rows_changed_since_the_preview(self, keys: list[tuple[str, str]]) -> None:
        comparisons = {comparison for comparison, _slug in keys}
        # Locked until this import commits: a concurrent confirm waits here, then sees ours.
        list(Comparison.objects.select_for_update().filter(slug__in=comparisons).order_by("pk"))
        rows = {
            row_key(row.comparison.slug, row.slug): row
            for row in Dimension.objects.filter(comparison__slug__in=comparisons)
            .select_related("comparison")
            .prefetch_related("entries__segment")
        }
        changed = []
        for key in (row_key(*key) for key in keys):
            row = rows.get(key)
            if (edit_state(row) if row else None) != self.confirmed_states.get(key):
                changed.append(f"{key} ({_last_change(row)})" if row else key)
        if changed:
            raise ImportRefused(
                f"These rows changed since your preview: {', '.join(changed)}. Nothing was "
                "imported: upload the file again to see their changes, then confirm."
            )

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        key = row_key(row.get("comparison"), row.get("slug"))
        self.edit_states[key] = None if new else edit_state(instance)
        return instance, new

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(self._cell_errors(instance, row))
        if errors:
            raise ValidationError(errors)

    def _cell_errors(self, instance, row):
        """Cells the comparison has no column for, or that the file would empty."""
        errors = {}
        if instance.comparison_id is None:
            return errors
        pending = getattr(instance, "spreadsheet", {})
        columns = self._comparison_columns(instance.comparison_id)
        existing = {e.segment.slug for e in instance.entries.all()} if instance.pk else set()
        for slug in self.segment_slugs:
            column = f"{slug}_{BODY}"
            if column not in row:
                continue
            body = pending.get(column, "")
            sources = pending.get(f"{slug}_{SOURCES}", "")
            if (body or sources) and slug not in columns:
                errors[column] = ValidationError(f"The comparison has no {slug} column.")
            elif sources and not body:
                errors[column] = ValidationError("A cell with sources needs a body.")
            elif not body and slug in existing:
                errors[column] = ValidationError(
                    "This cell is empty but the row has an entry here. Import never deletes "
                    "content: delete the entry in the admin, or put its text back."
                )
        return errors

    def _comparison_columns(self, comparison_id):
        if comparison_id not in self._columns:
            self._columns[comparison_id] = set(
                ComparisonSegment.objects.filter(comparison_id=comparison_id).values_list(
                    "segment__slug", flat=True
                )
            )
        return self._columns[comparison_id]

    def save_m2m(self, instance, row, **kwargs):
        """After the dimension is saved: its tags and its cells."""
        super().save_m2m(instance, row, **kwargs)
        pending = getattr(instance, "spreadsheet", {})
        if "tags" in pending:
            instance.tags.set(parse_tags(pending["tags"]))
        entries = {e.segment.slug: e for e in instance.entries.all()}
        for slug in self.segment_slugs:
            body = pending.get(f"{slug}_{BODY}")
            if not body:
                continue
            entry = entries.get(slug) or Entry(dimension=instance, segment=self.segments[slug])
            before = (entry.body, entry.sources)
            entry.body = body
            if f"{slug}_{SOURCES}" in pending:
                entry.sources = parse_sources(pending[f"{slug}_{SOURCES}"])
            if entry.pk and (entry.body, entry.sources) == before:
                continue  # an unchanged cell keeps its "updated" date
            entry.full_clean()
            entry.save()


def _last_change(dimension: Dimension) -> str:
    """Who last saved the row or one of its cells, and when. Two queries."""
    records = [
        Dimension.history.filter(id=dimension.pk).order_by("-history_date").first(),
        Entry.history.filter(dimension_id=dimension.pk).order_by("-history_date").first(),
    ]
    latest = max((r for r in records if r), key=lambda r: r.history_date, default=None)
    if latest is None:
        return "changed"
    user = latest.history_user
    who = (user.get_full_name() or user.get_username()) if user else "someone"
    return f"saved by {who} on {timezone.localtime(latest.history_date):%d %b at %H:%M}"
