"""A row's history: each revision of a row together with its cells, and what readers saw.

django-simple-history records every save of a row (`Dimension`) and of a cell (`Entry`)
separately, each in the changeset that made it (comparisons/history/writes.py). A *row
revision* is the
row and its cells as one changeset left them: the cell records of the changeset of a row record
belong to that row record's revision; cells changed without their row start a revision of
their own. Cells deleted in the changeset that deleted their row are left out of the deletion,
so the revision before it still shows them, and a restored row comes back with its cells.
(Records older than changesets that a backup brought without one are grouped as they were
before: by the same editor within `SAME_SAVE`.)

What readers saw is a narrower history: a revision is public from the moment the row and its
comparison were both published (`public_dimension_histories`). Change logs, feeds and pinned embeds
read only that; the admin reads everything.

Reading the history of any number of rows runs three queries (row revisions, cell revisions
with their segments, the comparisons' records), whatever its length.

Words: a *record* is one of django-simple-history's rows; a *revision* is what the admin shows
editors as a "version" of the row. `version` in code is only the edit counter (versioning.py).
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db.models import Max
from taggit.utils import parse_tags

from comparisons.models import Comparison, Dimension, Entry, Segment, Status

# Fields that change on every save: not worth showing as changes.
BOOKKEEPING = ["created", "updated", "version"]
# Records without a changeset: a row's cells were saved right after the row, in one request.
SAME_SAVE = timedelta(seconds=5)


class RestoreError(Exception):
    """The revision cannot be restored as it is; nothing was changed."""


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
class DimensionRevision:
    record: object  # the HistoricalDimension in force: the row's fields at this revision
    entries: dict[int, object]  # entry id -> HistoricalEntry, as they were at this revision
    started_by: object  # the record of the save that made this revision: the row's or a cell's
    field_changes: list[FieldChange] = field(default_factory=list)
    entry_changes: list[EntryChange] = field(default_factory=list)
    is_current: bool = False
    shown_at: datetime | None = None  # public histories: when readers first saw this revision
    first_shown: bool = False  # public histories: the first revision readers saw
    segments: dict = field(default_factory=dict, repr=False)  # segment id -> Segment

    @property
    def key(self) -> str:
        """Names the revision in URLs: `row-<history id>` or `cell-<history id>`."""
        kind = "row" if self.started_by is self.record else "cell"
        return f"{kind}-{self.started_by.history_id}"

    @property
    def date(self) -> datetime:
        return self.shown_at or self.started_by.history_date

    @property
    def user(self):
        return self.started_by.history_user

    @property
    def reason(self) -> str:
        """What the changeset says of itself, when it is more than an edit."""
        changeset = self.started_by.changeset
        if changeset is None:
            return self.started_by.history_change_reason or ""
        if changeset.reason in ("create", "edit", "delete"):
            return changeset.message
        if changeset.reason == "suggestion":  # the reader's credit: "Suggested by Ada"
            return changeset.message or changeset.get_reason_display()
        text = changeset.get_reason_display()
        if changeset.reason == "restore":  # "Restored the version of 1 Dec 2026 10:00"
            return f"{text} {changeset.message}"
        return f"{text}: {changeset.message}" if changeset.message else text

    @property
    def is_deletion(self) -> bool:
        return self.started_by is self.record and self.record.history_type == "-"

    @property
    def is_creation(self) -> bool:
        return self.started_by is self.record and self.record.history_type == "+"

    @property
    def restorable(self) -> bool:
        return not self.is_deletion and not self.is_current

    @property
    def is_listed(self) -> bool:
        """Whether a public change log (page or feed) lists it: the first revision readers
        saw, a removal, or a change to what is shown."""
        return bool(
            self.first_shown or self.is_deletion or self.field_changes or self.entry_changes
        )

    def summary(self) -> str:
        """What changed, in a few words, naming no one: for the public change log."""
        if self.is_deletion:
            return "Row removed."
        parts = []
        if self.reason:
            parts.append(self.reason)
        if self.first_shown and not self.reason:
            parts.append("Row created" if self.is_creation else "Row published")
        elif self.is_creation and not self.reason:
            parts.append("Row created")
        if self.field_changes:
            parts.append(_listing([c.name for c in self.field_changes]) + " changed")
        for change in self.entry_changes:
            if change.kind == "changed":
                what = ", ".join(c.name for c in change.fields)
                parts.append(f"{change.segment}: {what} changed")
            else:
                parts.append(f"{change.segment} cell {change.kind}")
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


def _same_save(start, record) -> bool:
    if start.changeset_id is not None or record.changeset_id is not None:
        return start.changeset_id == record.changeset_id
    return (
        record.history_user_id == start.history_user_id
        and timedelta(0) <= record.history_date - start.history_date <= SAME_SAVE
    )


def _revisions_of(records, entry_records, segments) -> list[DimensionRevision]:
    """The revisions of one row, oldest first, from its row and cell records (oldest first)."""
    events = [(r.history_date, 0, r.history_id, r) for r in records]
    dimension_deleted = {
        r.changeset_id for r in records if r.history_type == "-" and r.changeset_id
    }
    events += [
        (e.history_date, 1, e.history_id, e)
        for e in entry_records
        # Deleted with the row: the deletion's revision has no cells anyway.
        if not (e.history_type == "-" and e.changeset_id in dimension_deleted)
    ]
    revisions: list[DimensionRevision] = []
    entries: dict[int, object] = {}
    for _date, kind, _id, record in sorted(events, key=lambda event: event[:3]):
        if kind == 0:
            if record.history_type == "-":
                entries = {}
            revisions.append(DimensionRevision(record, dict(entries), record, segments=segments))
            continue
        if record.history_type == "-":
            entries.pop(record.id, None)
        else:
            entries[record.id] = record
        last = revisions[-1] if revisions else None
        if last is None or last.is_deletion:
            continue  # cells of a row with no revision yet, or of a deleted row
        if _same_save(last.started_by, record):
            last.entries = dict(entries)
        else:
            revisions.append(
                DimensionRevision(last.record, dict(entries), record, segments=segments)
            )
    for previous, revision in zip([None, *revisions], revisions, strict=False):
        _describe(revision, previous)
    if revisions and not revisions[-1].is_deletion:
        revisions[-1].is_current = True
    return revisions


def _describe(revision: DimensionRevision, previous: DimensionRevision | None) -> None:
    """Fill in what changed since `previous` (None: since nothing)."""
    before = previous.entries if previous else {}
    revision.entry_changes = _entry_changes(before, revision.entries, revision.segments)
    if previous and not revision.is_deletion and previous.record is not revision.record:
        revision.field_changes = _field_changes(Dimension, revision.record, previous.record)
    else:
        revision.field_changes = []


def dimension_histories(dimension_ids) -> dict[int, list[DimensionRevision]]:
    """Every revision of each row, oldest first. Runs two queries, whatever the lengths."""
    dimension_ids = list(dimension_ids)
    records = defaultdict(list)
    for record in (
        Dimension.history.filter(id__in=dimension_ids)
        .select_related("history_user", "changeset")
        .order_by("history_date", "history_id")
    ):
        records[record.id].append(record)
    entry_records = defaultdict(list)
    segments = {}
    for record in (
        Entry.history.filter(dimension_id__in=dimension_ids)
        # Left joins: segments may be deleted, old records have no changeset.
        .select_related("history_user", "segment", "changeset")
        .order_by("history_date", "history_id")
    ):
        entry_records[record.dimension_id].append(record)
        if record.segment is not None:
            segments[record.segment_id] = record.segment
    return {
        pk: _revisions_of(records[pk], entry_records[pk], segments)
        for pk in dimension_ids
        if records[pk]
    }


def dimension_revisions(dimension_id: int) -> list[DimensionRevision]:
    """Every revision of the row, newest first, each with what changed since the one before."""
    revisions = dimension_histories([dimension_id]).get(dimension_id, [])
    return revisions[::-1]


# --- What readers saw ------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A stretch of time a comparison was published; `end` None while it still is."""

    start: datetime
    end: datetime | None

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass
class Timeline:
    """What the history knows of a comparison's publication."""

    first_recorded: datetime | None = None  # nothing is known of it before this
    periods: list[Period] = field(default_factory=list)  # when it was published


def timelines(comparison_ids) -> dict[int, Timeline]:
    """When each comparison was published, from its history. One query."""
    found: dict[int, Timeline] = defaultdict(Timeline)
    opened: dict[int, datetime] = {}
    for pk, date, kind, status in (
        Comparison.history.filter(id__in=list(comparison_ids))
        .order_by("history_date", "history_id")
        .values_list("id", "history_date", "history_type", "status")
    ):
        timeline = found[pk]
        timeline.first_recorded = timeline.first_recorded or date
        published = kind != "-" and status == Status.PUBLISHED
        if published and pk not in opened:
            opened[pk] = date
        elif not published and pk in opened:
            timeline.periods.append(Period(opened.pop(pk), date))
    for pk, start in opened.items():
        found[pk].periods.append(Period(start, None))
    return found


def was_published(periods: list[Period], moment: datetime) -> bool:
    return any(period.contains(moment) for period in periods)


def _first_seen(revision: DimensionRevision, end: datetime | None, periods: list[Period]):
    """The first moment readers could see `revision` (before `end`), or None if never."""
    if revision.is_deletion or revision.record.status != Status.PUBLISHED:
        return None
    start = revision.started_by.history_date
    for period in periods:
        seen = max(start, period.start)
        if (end is None or seen < end) and (period.end is None or seen < period.end):
            return seen
    return None


def public_revisions(
    revisions: list[DimensionRevision], periods: list[Period]
) -> list[DimensionRevision]:
    """The revisions readers saw (oldest first), each dated when first seen and described
    against the revision seen before it: nothing written while the row or its comparison was
    a draft is shown, except as part of what was later published."""
    public: list[DimensionRevision] = []
    shown_last = None  # the last revision readers saw, deletions aside
    for index, revision in enumerate(revisions):
        if revision.is_deletion:
            before = revisions[index - 1] if index else None
            start = revision.started_by.history_date
            seen_until_then = (
                before is not None
                and before.record.status == Status.PUBLISHED
                and was_published(periods, start)
            )
            if seen_until_then and public:
                public.append(replace(revision, field_changes=[], entry_changes=[]))
            continue
        end = revisions[index + 1].started_by.history_date if index + 1 < len(revisions) else None
        seen = _first_seen(revision, end, periods)
        if seen is None:
            continue
        shown = replace(revision, shown_at=seen, first_shown=shown_last is None)
        _describe(shown, shown_last)
        public.append(shown)
        shown_last = shown
    return public


def public_dimension_histories(dimension_ids) -> dict[int, list[DimensionRevision]]:
    """The revisions of each row that readers saw, oldest first. Runs three queries."""
    histories = dimension_histories(dimension_ids)
    comparisons = {revisions[-1].record.comparison_id for revisions in histories.values()}
    known = timelines(comparisons)
    return {
        pk: public_revisions(revisions, known[revisions[-1].record.comparison_id].periods)
        for pk, revisions in histories.items()
    }


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


def deleted_dimensions():
    """The latest deletion record of each dimension that is deleted now. One query."""
    gone = Dimension.history.filter(history_type="-").exclude(id__in=Dimension.objects.values("pk"))
    latest = gone.values("id").annotate(last=Max("history_id")).values("last")
    return Dimension.history.filter(history_id__in=latest).order_by("-history_date")


def restore(revision: DimensionRevision) -> Dimension:
    """Make `revision` the row's current state, entries included; recorded as a new revision.
    Called by the write service (`writes.restore`), inside its changeset.

    Works for a deleted row too: it comes back under its old id, with the entries it had.
    """
    if not revision.restorable:
        raise RestoreError("Pick a version before the deletion, or an older version.")
    record = revision.record
    if not Comparison.objects.filter(pk=record.comparison_id).exists():
        raise RestoreError("Its comparison was deleted: restore the comparison first.")
    taken = Dimension.objects.filter(comparison_id=record.comparison_id, slug=record.slug)
    if taken.exclude(pk=record.id).exists():
        raise RestoreError(
            f"Another row of the comparison now has the slug “{record.slug}”: rename it first."
        )
    missing = {e.segment_id for e in revision.entries.values()} - set(
        Segment.objects.filter(
            pk__in=[e.segment_id for e in revision.entries.values()]
        ).values_list("pk", flat=True)
    )
    if missing:
        raise RestoreError("A segment of this version was deleted: recreate it first.")

    # Locked until the restore commits: a save racing it waits, then finds a newer edit version.
    current = Dimension.objects.select_for_update().filter(pk=record.id).first()
    if current is not None:
        dimension = _with_values_of(record, current)  # a changed slug is remembered
    else:
        dimension = record.instance
        newest = Dimension.history.filter(id=record.id).aggregate(v=Max("version"))["v"]
        dimension.version = (newest or 0) + 1
    dimension.save()
    dimension.tags.set(parse_tags(record.tag_names))

    live = {entry.pk: entry for entry in Entry.objects.filter(dimension_id=record.id)}
    for entry_id, entry in live.items():
        if entry_id not in revision.entries:
            entry.delete()
    for entry_id, entry_record in revision.entries.items():
        if entry_id in live:
            entry = _with_values_of(entry_record, live[entry_id])
        else:
            entry = entry_record.instance
        entry.save()
    return dimension


def _with_values_of(record, live):
    """`live` (as loaded, so its save updates it) holding `record`'s values, but its own edit
    version, which the save checks and increments."""
    for model_field in type(live)._meta.concrete_fields:
        if model_field.attname != "version" and hasattr(record, model_field.attname):
            setattr(live, model_field.attname, getattr(record, model_field.attname))
    return live
