"""A row's history: each version of a dimension together with its entries.

django-simple-history records every save of a dimension and of an entry separately.
A *row version* is one saved version of the dimension plus its entries as they were
until the dimension's next version: the admin saves the dimension first and its
entries right after, so the entries of one form submission belong to the version
that submission created. Entries deleted because their dimension was deleted are
marked (ROW_DELETED) so the version before the deletion still shows them, and a
deleted row comes back with its cells.

Reading a row's history runs three queries (dimension versions, entry versions,
segments), whatever its length; public pages never read it per row.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.signals import m2m_changed, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record
from taggit.utils import edit_string_for_tags, parse_tags

from comparisons.models import Comparison, Dimension, Entry, Segment

ROW_DELETED = "Deleted with its row"
# Fields that change on every save: not worth showing as changes.
BOOKKEEPING = ["created", "updated", "version"]


class RestoreError(Exception):
    """The version cannot be restored as it is; nothing was changed."""


@receiver(pre_delete, sender=Entry, dispatch_uid="entry_deleted_with_its_row")
def _mark_entries_deleted_with_their_row(sender, instance, origin=None, **kwargs):
    deleting_rows = isinstance(origin, Dimension) or (
        isinstance(origin, QuerySet) and origin.model is Dimension
    )
    if deleting_rows:
        instance._change_reason = ROW_DELETED


def _tag_string(dimension) -> str:
    """The dimension's tags as written in the admin. Runs one query."""
    return edit_string_for_tags(list(dimension.tags.all()))


@receiver(pre_create_historical_record, dispatch_uid="dimension_tags_in_history")
def _record_tags(sender, instance, history_instance, **kwargs):
    if isinstance(instance, Dimension) and history_instance.history_type != "-":
        history_instance.tag_names = _tag_string(instance)


@receiver(m2m_changed, sender=Dimension.tags.through, dispatch_uid="dimension_tags_changed")
def _record_tag_change(sender, instance, action, **kwargs):
    """Tags are saved after their dimension (admin, import): they belong to its latest version."""
    if not isinstance(instance, Dimension) or not action.startswith("post_"):
        return
    latest = Dimension.history.filter(id=instance.pk).order_by("-history_date", "-pk")[:1]
    Dimension.history.filter(pk__in=latest.values("pk")).update(tag_names=_tag_string(instance))


@dataclass(frozen=True)
class FieldChange:
    name: str  # the field's verbose name
    old: object
    new: object

    @property
    def words(self):
        return word_diff(self.old, self.new)


@dataclass(frozen=True)
class EntryChange:
    segment: str
    kind: str  # "added", "removed", "changed"
    fields: list[FieldChange]


@dataclass
class RowVersion:
    record: object  # a HistoricalDimension
    entries: dict[int, object]  # entry id -> HistoricalEntry, as they were at this version
    field_changes: list[FieldChange] = field(default_factory=list)
    entry_changes: list[EntryChange] = field(default_factory=list)
    is_current: bool = False

    @property
    def is_deletion(self) -> bool:
        return self.record.history_type == "-"

    @property
    def is_creation(self) -> bool:
        return self.record.history_type == "+"

    @property
    def restorable(self) -> bool:
        return not self.is_deletion and not self.is_current

    def summary(self) -> str:
        """What changed, in a few words, naming no one: for the public change log."""
        if self.is_deletion:
            return "Row removed."
        parts = []
        if self.record.history_change_reason:
            parts.append(self.record.history_change_reason)
        if self.is_creation and not self.record.history_change_reason:
            parts.append("Row created")
        if self.field_changes:
            parts.append(_listing([c.name for c in self.field_changes]) + " changed")
        for change in self.entry_changes:
            if change.kind == "changed":
                what = ", ".join(c.name for c in change.fields)
                parts.append(f"{change.segment}: {what} changed")
            else:
                parts.append(f"{change.segment} entry {change.kind}")
        return "; ".join(parts) + "." if parts else "Saved without changes."


def _listing(names: list[str]) -> str:
    text = ", ".join(names)
    return text[:1].upper() + text[1:]


def word_diff(old, new) -> list[tuple[str, str]]:
    """`old` → `new` as (op, text) pieces, op "" (kept), "del" or "ins", word by word.

    Spaces kept between two changes join them, so a replaced phrase reads as one
    <del> and one <ins>, not word by word.
    """
    old_words = re.split(r"(\s+)", _text(old))
    new_words = re.split(r"(\s+)", _text(new))
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    opcodes = matcher.get_opcodes()
    pieces, removed, added = [], "", ""
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        kept = "".join(old_words[a1:a2]) if op == "equal" else ""
        between_changes = 0 < index < len(opcodes) - 1
        if op == "equal" and not (kept.isspace() and between_changes):
            pieces += [("del", removed), ("ins", added), ("", kept)]
            removed = added = ""
        elif op == "equal":
            removed, added = removed + kept, added + kept
        else:
            removed += "".join(old_words[a1:a2])
            added += "".join(new_words[b1:b2])
    pieces += [("del", removed), ("ins", added)]
    return [(op, text) for op, text in pieces if text]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # sources
        return "\n".join(
            f"{s.get('title', '')} | {s.get('url', '')}" if isinstance(s, dict) else str(s)
            for s in value
        )
    return str(value)


def _field_changes(model, new, old) -> list[FieldChange]:
    if old is None:
        return []
    delta = new.diff_against(old, excluded_fields=BOOKKEEPING)
    changes = [
        FieldChange(str(model._meta.get_field(c.field).verbose_name), c.old, c.new)
        for c in delta.changes
    ]
    if getattr(new, "tag_names", "") != getattr(old, "tag_names", ""):
        changes.append(FieldChange("tags", old.tag_names, new.tag_names))
    return changes


def _entries_at(entry_records, since, until) -> dict[int, object]:
    """Entry versions in force just before `until`; deletions with the row count from `since`."""
    state = {}
    for record in entry_records:
        if until is not None and record.history_date >= until:
            break
        if record.history_type == "-":
            if record.history_change_reason == ROW_DELETED and record.history_date >= since:
                continue  # part of the row's deletion, the next version
            state.pop(record.id, None)
        else:
            state[record.id] = record
    return state


def _entry_changes(old: dict, new: dict, segments: dict) -> list[EntryChange]:
    def by_segment(entries):
        return {record.segment_id: record for record in entries.values()}

    old, new = by_segment(old), by_segment(new)
    changes = []
    for segment_id in sorted(old.keys() | new.keys(), key=lambda s: _segment_order(s, segments)):
        name = segments[segment_id].name if segment_id in segments else f"Segment {segment_id}"
        before, after = old.get(segment_id), new.get(segment_id)
        if before is None:
            fields = [
                FieldChange("text", "", after.body),
                FieldChange("sources", [], after.sources),
            ]
            changes.append(EntryChange(name, "added", [f for f in fields if f.new]))
        elif after is None:
            changes.append(EntryChange(name, "removed", [FieldChange("text", before.body, "")]))
        else:
            fields = [
                FieldChange(label, getattr(before, attr), getattr(after, attr))
                for label, attr in (("text", "body"), ("sources", "sources"))
                if getattr(before, attr) != getattr(after, attr)
            ]
            if fields:
                changes.append(EntryChange(name, "changed", fields))
    return changes


def _segment_order(segment_id, segments):
    segment = segments.get(segment_id)
    return (segment.position, segment.name) if segment else (10**9, str(segment_id))


def row_versions(dimension_id: int) -> list[RowVersion]:
    """Every version of the row, newest first, each with what changed since the one before."""
    records = list(
        Dimension.history.filter(id=dimension_id)
        .select_related("history_user")
        .order_by("history_date", "pk")
    )
    entry_records = list(
        Entry.history.filter(dimension_id=dimension_id).order_by("history_date", "pk")
    )
    segments = Segment.objects.in_bulk({r.segment_id for r in entry_records})
    versions = []
    for index, record in enumerate(records):
        until = records[index + 1].history_date if index + 1 < len(records) else None
        entries = (
            {}
            if record.history_type == "-"
            else _entries_at(entry_records, record.history_date, until)
        )
        version = RowVersion(record, entries)
        if versions:
            previous = versions[-1]
            if not version.is_deletion:
                version.field_changes = _field_changes(Dimension, record, previous.record)
            version.entry_changes = _entry_changes(previous.entries, entries, segments)
        else:
            version.entry_changes = _entry_changes({}, entries, segments)
        versions.append(version)
    if versions and not versions[-1].is_deletion:
        versions[-1].is_current = True
    versions.reverse()
    return versions


def deleted_rows():
    """The latest deletion record of each dimension that is deleted now. One query."""
    gone = Dimension.history.filter(history_type="-").exclude(id__in=Dimension.objects.values("pk"))
    latest = gone.values("id").annotate(last=Max("history_id")).values("last")
    return Dimension.history.filter(history_id__in=latest).order_by("-history_date")


@transaction.atomic
def restore(version: RowVersion) -> Dimension:
    """Make `version` the row's current state, entries included; recorded as a new version.

    Works for a deleted row too: it comes back under its old id, with the entries it had.
    """
    if not version.restorable:
        raise RestoreError("Pick a version before the deletion, or an older version.")
    record = version.record
    reason = f"Restored the version of {timezone.localtime(record.history_date):%d %b %Y %H:%M}"
    if not Comparison.objects.filter(pk=record.comparison_id).exists():
        raise RestoreError("Its comparison was deleted: restore the comparison first.")
    taken = Dimension.objects.filter(comparison_id=record.comparison_id, slug=record.slug)
    if taken.exclude(pk=record.id).exists():
        raise RestoreError(
            f"Another row of the comparison now has the slug “{record.slug}”: rename it first."
        )
    missing = {e.segment_id for e in version.entries.values()} - set(
        Segment.objects.filter(pk__in=[e.segment_id for e in version.entries.values()]).values_list(
            "pk", flat=True
        )
    )
    if missing:
        raise RestoreError("A segment of this version was deleted: recreate it first.")

    current = Dimension.objects.filter(pk=record.id).first()
    dimension = record.instance
    dimension._change_reason = reason
    if current is not None:
        dimension._state.adding = False
        dimension.version = current.version
        dimension._saved_slug = current.slug  # a changed slug is remembered as an old one
    else:
        newest = Dimension.history.filter(id=record.id).aggregate(v=Max("version"))["v"]
        dimension.version = (newest or 0) + 1
    dimension.save()
    dimension.tags.set(parse_tags(record.tag_names))

    live = {entry.pk: entry for entry in Entry.objects.filter(dimension_id=record.id)}
    for entry_id, entry in live.items():
        if entry_id not in version.entries:
            entry._change_reason = reason
            entry.delete()
    for entry_id, entry_record in version.entries.items():
        entry = entry_record.instance
        entry._change_reason = reason
        if entry_id in live:
            entry._state.adding = False
            entry.version = live[entry_id].version
        entry.save()
    return dimension
