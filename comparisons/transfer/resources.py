"""Bulk import/export of a comparison's rows for editing in a spreadsheet.

One spreadsheet row per dimension, as in the table itself: the row's fields, its
tags, then one `<segment>_body` / `<segment>_sources` column pair per segment, so
B2B and B2C sit side by side as they do on the page and in the admin form. Sources
are written as in the admin, one `Title | https://…` per line. The `version` and
`<segment>_version` columns say which version of the row and of each cell the file was
exported from: an import merges against them (comparisons/transfer/bulk_import.py).

Rows are found by natural keys (comparison slug + dimension slug; segments by
their slug), never by database ids, so a file re-imported unchanged changes
nothing and a file moves between databases.

The export is django-import-export's; the import is comparisons/transfer/bulk_import.py, in bulk,
reported as a django-import-export `Result` so the admin's preview shows it. The confirmed
import first locks the file's rows, then refuses, naming the rows and who changed them, if any
row changed since the preview. Two confirms at the same moment are serialised by that lock:
the second finds the first's changes and is refused, never silently skipped.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets
from import_export.results import Error, Result, RowResult
from taggit.utils import edit_string_for_tags

from comparisons.history import writes
from comparisons.models import Comparison, Dimension, Entry, Segment
from comparisons.sources import format_sources
from comparisons.transfer import bulk_import
from comparisons.transfer.bulk_import import BODY, SOURCES, VERSION, Plan, dimension_key


class SlugWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the target's slug (export only)."""

    def render(self, value, obj=None, **kwargs):
        return value.slug if value else ""


class TagsField(fields.Field):
    def get_value(self, instance):
        return edit_string_for_tags(list(instance.tags.all()))


class EntryField(fields.Field):
    """One part of a cell: the body, the sources or the version of a segment's entry."""

    def __init__(self, segment_slug, part):
        super().__init__(attribute=f"{segment_slug}_{part}", column_name=f"{segment_slug}_{part}")
        self.segment_slug, self.part = segment_slug, part

    def get_value(self, instance):
        entry = next(
            (e for e in instance.entries.all() if e.segment.slug == self.segment_slug), None
        )
        if entry is None:
            return ""
        if self.part == VERSION:
            return entry.version
        return entry.body if self.part == BODY else format_sources(entry.sources)


class ImportRefused(ValueError):
    """Rows changed since the preview: the import would overwrite someone's work."""


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
            "version",
        ]
        export_order = [*fields, "common_ground"]
        import_id_fields = ["comparison", "slug"]

    def __init__(self, edit_states=None, confirmed_states=None, choices=None, **kwargs):
        """`edit_states`: a dict the preview fills with each row's versions, by row key.
        `confirmed_states`: those versions when the import is confirmed: checked first.
        `choices`: the editor's choice for each conflict (see bulk_import.Conflict)."""
        super().__init__(**kwargs)
        self.edit_states = {} if edit_states is None else edit_states
        self.confirmed_states = confirmed_states
        self.choices = choices or {}
        # A long text column; an empty spreadsheet cell means "no common ground".
        self.fields["common_ground"] = fields.Field(
            attribute="common_ground", column_name="common_ground", widget=widgets.CharWidget()
        )
        self.segment_slugs = list(Segment.objects.in_bulk(field_name="slug"))
        for slug in self.segment_slugs:
            for part in (BODY, SOURCES, VERSION):
                self.fields[f"{slug}_{part}"] = EntryField(slug, part)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("comparison").prefetch_related("tags", "entries__segment")

    def get_queryset(self):
        return self.filter_export(Dimension.objects.all())

    # --- import ----------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, user=None, **kwargs):
        """Import `dataset` all or nothing (a dry run writes nothing): see bulk_import."""
        result = Result()
        result.conflicts = []  # for the preview: each field both the file and the site changed
        result.diff_headers = [
            name for name in (dataset.headers or []) if name and not _is_version(name)
        ]
        try:
            with transaction.atomic():
                self._import(dataset, result, dry_run, user)
                if dry_run or result.has_errors() or result.has_validation_errors():
                    transaction.set_rollback(True)
        except ValueError as error:
            if raise_errors:
                raise
            result.append_base_error(Error(error))
        return result

    def _import(self, dataset, result, dry_run, user) -> None:
        self._check_header(dataset.headers or [])
        _refuse_repeated_dimensions(dataset)
        plan = Plan(
            dataset,
            self.segment_slugs,
            choices=self.choices,
            lock=self.confirmed_states is not None,
        )
        if self.confirmed_states is not None:
            _refuse_dimensions_changed_since_the_preview(plan, self.confirmed_states)
        self.edit_states.update(plan.versions_read())
        result.conflicts = [
            {"line": line, "conflict": c, "name": c.choice_name(line.key)}
            for line in plan.lines
            for c in line.conflicts
        ]
        for line in plan.lines:
            self._report(line, result)
        if dry_run or result.has_errors() or result.has_validation_errors():
            return
        with writes.changeset(user, writes.Reason.IMPORT):  # comparisons/history/writes.py
            written = bulk_import.write(plan)
            writes.record_import(written)
        for line_result, line in zip(result.rows, plan.lines, strict=True):
            if line.dimension is not None:
                line_result.add_instance_info(line.dimension)
                line_result.instance = line.dimension

    def _report(self, line, result) -> None:
        line_result = RowResult()
        if "" in line.errors:
            line_result.import_type = RowResult.IMPORT_TYPE_ERROR
            line_result.errors = [Error(message, number=line.number) for message in line.errors[""]]
            result.append_error_row(line.number, line.values, line_result.errors)
        elif line.errors:
            line_result.import_type = RowResult.IMPORT_TYPE_INVALID
            error = ValidationError(dict(line.errors))
            result.append_invalid_row(line.number, line.values, error)
        else:
            line_result.import_type = line.import_type
            line_result.diff = [self._shown(line, name) for name in result.diff_headers]
        result.increment_row_result_total(line_result)
        result.append_row_result(line_result)

    def _shown(self, line, header) -> str:
        new = line.changes.get(header)
        old = line.current.get(header, "")
        if new is None:
            return mark_safe(bulk_import.shown(line.values.get(header, old)))
        if line.is_new:
            return mark_safe(f"<ins>{bulk_import.shown(new)}</ins>")
        return mark_safe(bulk_import.diff_html(old, new))

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
        entry_parts = (f"_{BODY}", f"_{SOURCES}", f"_{VERSION}")
        segments = [name for name in unknown if name.endswith(entry_parts)]
        if segments:
            raise ValueError(
                f"Unknown segment columns: {', '.join(segments)}. "
                "Create the segment first, or rename the column to <segment slug>_body."
            )
        if unknown:
            raise ValueError(
                f"Unknown columns: {', '.join(unknown)}. The columns are: {', '.join(self.fields)}."
            )


def _is_version(header: str) -> bool:
    return header == VERSION or header.endswith(f"_{VERSION}")


def _refuse_repeated_dimensions(dataset) -> None:
    lines = defaultdict(list)  # row key -> the file's lines that hold it (1: under the header)
    for number, values in enumerate(dataset.dict, start=1):
        lines[dimension_key(values.get("comparison"), values.get("slug"))].append(number)
    repeated = [
        f"{key} is on lines {', '.join(map(str, numbers))}"
        for key, numbers in lines.items()
        if len(numbers) > 1
    ]
    if repeated:
        # The later line would silently overwrite the earlier one.
        raise ValueError(f"A row may appear only once: {'; '.join(repeated)}.")


def _refuse_dimensions_changed_since_the_preview(plan: Plan, confirmed_states: dict) -> None:
    read = plan.versions_read()
    changed = [key for key, state in read.items() if state != confirmed_states.get(key)]
    if changed:
        named = [
            f"{key} ({_last_change(plan.dimensions[key])})" if key in plan.dimensions else key
            for key in changed
        ]
        raise ImportRefused(
            f"These rows changed since your preview: {', '.join(named)}. Nothing was "
            "imported: upload the file again to see their changes, then confirm."
        )


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
