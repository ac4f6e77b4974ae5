"""The write service: every change to content is one call of a function of this module, one
transaction that records one changeset (comparisons/models.py `Changeset`).

A changeset says who changed content, when, why (a reason code, `Changeset.Reason`, and an
optional message) and, through the history records that point to it, every object it touched
with its state after the change (the record before it, of the same object, is the state
before). Each function here opens a changeset (`changeset()`), writes through the models'
`save()` and `delete()` (django-simple-history records each object, stamped with the open
changeset), and, when it closes, updates what is derived once for everything it touched:

| after a changeset                | where (`_close`, then)                                 |
|----------------------------------|--------------------------------------------------------|
| the rows' tags in their records  | `_record_tags`                                         |
| cached pages of what changed     | `content_changed` → `caching.bump`                     |
| the rows' search vectors         | `content_changed` → `search.refresh_search_vectors`    |

Models keep two promises of their own on `save()`: old slugs keep redirecting
(`RemembersSlugs`), and no save silently overwrites a newer one (`Versioned`). Calls nest: a
service function called inside another's changeset joins it. See docs/changesets.md.
The bulk import writes with `bulk_create`/`bulk_update` inside its changeset and records
its history in one call, `record_import` (below).
"""

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from simple_history.signals import pre_create_historical_record
from taggit.models import Tag, TaggedItem
from taggit.utils import edit_string_for_tags, parse_tags

from comparisons import caching
from comparisons.models import (
    Changeset,
    Comparison,
    ComparisonSegment,
    ComparisonSlug,
    Dimension,
    DimensionSlug,
    Entry,
    Segment,
    Status,
)
from comparisons.search.queries import refresh_search_vectors

BATCH = 1000
Reason = Changeset.Reason
HISTORY_MODELS = {Segment, Comparison, ComparisonSegment, Dimension, Entry}


def content_changed(comparison_ids: Iterable[int] | None, dimension_ids: Iterable[int] = ()):
    """Make the cached pages of these comparisons (all if None) and of the site stale, and
    re-index the rows. Called once per changeset, inside its transaction."""
    dimension_ids = list(dimension_ids)
    if dimension_ids:
        refresh_search_vectors(dimension_ids)
    caching.bump(None if comparison_ids is None else set(comparison_ids))


# --- Changesets ------------------------------------------------------------------------------


@dataclass
class _Open:
    """A changeset being written, and what it touched so far."""

    changeset: Changeset
    comparisons: set = field(default_factory=set)  # ids; None in it: every table
    dimensions: set = field(default_factory=set)

    def touch(self, comparisons: Iterable | None, dimensions: Iterable[int]) -> None:
        if comparisons is None:
            self.comparisons.add(None)
        else:
            self.comparisons.update(c for c in comparisons if c is not None)
        self.dimensions.update(dimensions)


_open: contextvars.ContextVar[_Open | None] = contextvars.ContextVar("kb_changeset", default=None)


@contextmanager
def changeset(user, reason: str, message: str = "") -> Iterator[Changeset]:
    """One transaction recording one changeset; inside another, the other one."""
    current = _open.get()
    if current is not None:
        yield current.changeset
        return
    if user is not None and not user.is_authenticated:
        user = None
    with transaction.atomic():
        state = _Open(Changeset.objects.create(user=user, reason=reason, message=message[:200]))
        token = _open.set(state)
        try:
            yield state.changeset
            if not transaction.get_rollback():  # a change refused as a whole has no effects
                _close(state)
        finally:
            _open.reset(token)


def current_changeset() -> Changeset | None:
    state = _open.get()
    return state.changeset if state else None


def _close(state: _Open) -> None:
    """What follows from the changeset, once for all it touched."""
    _record_tags(state.changeset)
    if not (state.comparisons or state.dimensions):
        return
    comparisons = None if None in state.comparisons else state.comparisons
    content_changed(comparisons, state.dimensions)


def _record_tags(changeset: Changeset) -> None:
    """taggit's manager is no plain many-to-many field: a row's record of the changeset holds
    the row's tags as the changeset left them. Two queries, and one write per row."""
    records = list(
        Dimension.history.filter(changeset=changeset).exclude(history_type="-").order_by("pk")
    )
    if not records:
        return
    tags = tag_strings([record.id for record in records])
    changed = []
    for record in records:
        names = tags.get(record.id, "")
        if record.tag_names != names:
            record.tag_names = names
            changed.append(record)
    # Small batches: bulk_update's CASE costs the database time quadratic in the batch.
    Dimension.history.model.objects.bulk_update(changed, ["tag_names"], batch_size=100)


def tag_strings(dimension_ids: Iterable[int]) -> dict[int, str]:
    """Each row's tags as the admin writes them. One query."""
    names: dict[int, list] = {}
    for item in TaggedItem.objects.filter(
        content_type__app_label="comparisons",
        content_type__model="dimension",
        object_id__in=list(dimension_ids),
    ).select_related("tag"):
        names.setdefault(item.object_id, []).append(item.tag)
    return {pk: edit_string_for_tags(tags) for pk, tags in names.items()}


def _stamp(sender, instance, history_instance, **kwargs) -> None:
    """django-simple-history's hook for extra fields: the record joins the open changeset.
    Derived state is not updated here but once, when the changeset closes."""
    state = _open.get()
    if state is None:
        return
    history_instance.changeset = state.changeset
    state.touch(_comparisons_of(instance), _dimensions_of(instance))


def connect() -> None:
    pre_create_historical_record.connect(_stamp, dispatch_uid="kb-changeset-stamp")


# --- The service -----------------------------------------------------------------------------


def save(user, obj: models.Model, reason: str | None = None, message: str = "") -> Changeset:
    """Save one object (a row, a cell, a table, a column) as one changeset."""
    with changeset(user, reason or _create_or_edit(obj), message) as done:
        obj.save()
    return done


def save_form(user, form, formsets=(), reason: str | None = None, message: str = "") -> Changeset:
    """A model form's object, its many-to-many fields (tags) and its inline formsets (a row's
    cells, a table's columns), as one changeset. The form and formsets are valid, and the
    form saved with `commit=False` (as the admin does)."""
    with changeset(user, reason or _create_or_edit(form.instance), message) as done:
        form.instance.save()
        form.save_m2m()
        for formset in formsets:
            formset.save()
            for removed in getattr(formset, "deleted_objects", []):
                if isinstance(removed, ComparisonSegment):
                    _remove_entries_of_segment(removed)
    return done


def _create_or_edit(obj) -> str:
    return Reason.CREATE if obj.pk is None else Reason.EDIT


def remove_segment(user, comparison_segment: ComparisonSegment) -> Changeset:
    """Take a column off its table, with its cells: all in the Trash, restorable together."""
    with changeset(user, Reason.DELETE, f"column {comparison_segment.segment}") as done:
        comparison_segment.delete()
        _remove_entries_of_segment(comparison_segment)
    return done


def _remove_entries_of_segment(comparison_segment: ComparisonSegment) -> None:
    """A removed column's cells go with it (into its changeset, so the Trash brings them back):
    left behind, they would be hidden and refused by every save of their rows."""
    for entry in Entry.objects.filter(
        dimension__comparison_id=comparison_segment.comparison_id,
        segment_id=comparison_segment.segment_id,
    ).select_related("dimension"):
        entry.delete()


def set_status(user, objects: Iterable, status: str) -> Changeset:
    """Publish, or return to draft, rows or tables."""
    reason = Reason.PUBLISH if status == Status.PUBLISHED else Reason.UNPUBLISH
    with changeset(user, reason) as done:
        for obj in objects:
            if obj.status != status:
                obj.status = status
                obj.save()
    return done


def delete(user, objects: Iterable, reason: str = Reason.DELETE, message: str = "") -> Changeset:
    """Delete rows, cells, tables (with their rows) or segments, as one changeset: each is
    in the Trash with everything it held."""
    with changeset(user, reason, message) as done:
        for obj in objects:
            if isinstance(obj, Comparison):
                for dimension in obj.dimensions.all():
                    dimension.delete()
                for comparison_segment in ComparisonSegment.objects.filter(comparison=obj):
                    comparison_segment.delete()
            obj.delete()
    return done


def set_tags(user, dimension: Dimension, names: Iterable[str]) -> Changeset:
    """Give a row exactly these tags (the row's form does this with its other fields)."""
    with changeset(user, Reason.EDIT) as done:
        dimension.tags.set(list(names))
        record_history([dimension], history_type="~")
    return done


def _dimensions_tagged(tags) -> list[Dimension]:
    tagged = TaggedItem.objects.filter(
        tag__in=tags, content_type__app_label="comparisons", content_type__model="dimension"
    )
    return list(Dimension.objects.filter(pk__in=tagged.values("object_id")))


def rename_tag(user, tag: Tag, name: str, slug: str | None = None) -> Changeset:
    """Rename a tag: a change to every row that carries it, in each row's history."""
    with changeset(user, Reason.TAG_RENAME, f"{tag.name} → {name}") as done:
        _every_comparison_changes()
        tag.name = name
        tag.slug = slug or tag.slug
        tag.save()
        record_history(_dimensions_tagged([tag]), history_type="~")
    return done


def merge_tags(user, tags: list[Tag], into: str) -> Changeset:
    """Replace `tags` by the tag named `into` (made if missing) on every row."""
    names = ", ".join(tag.name for tag in tags)
    with changeset(user, Reason.TAG_MERGE, f"{names} → {into}") as done:
        _every_comparison_changes()
        target = Tag.objects.filter(name=into).first() or Tag.objects.create(name=into)
        dimensions = _dimensions_tagged(tags)
        for dimension in dimensions:
            dimension.tags.add(target)
            dimension.tags.remove(*[tag for tag in tags if tag.pk != target.pk])
        for tag in tags:
            if tag.pk != target.pk:
                tag.delete()
        record_history(dimensions, history_type="~")
    return done


def delete_tags(user, tags: list[Tag]) -> Changeset:
    """Take tags off every row and delete them; the rows' history keeps them, so the Trash
    puts them back."""
    with changeset(user, Reason.TAG_DELETE, ", ".join(tag.name for tag in tags)) as done:
        _every_comparison_changes()
        dimensions = _dimensions_tagged(tags)
        for tag in tags:
            tag.delete()
        record_history(dimensions, history_type="~")
    return done


def _every_comparison_changes() -> None:
    """Tags are listed on every table's page and on the tag pages."""
    _open.get().touch(None, ())


def restore(user, revision) -> Dimension:
    """Make a revision of a row its current state (history/versions.py), as one changeset."""
    from comparisons.history import versions as history

    message = f"the version of {timezone.localtime(revision.date):%d %b %Y %H:%M}"
    with changeset(user, Reason.RESTORE, message):
        return history.restore(revision)


def restore_deleted(user, deleted: Changeset) -> Changeset:
    """Bring back everything a deletion took (the Trash): tables with their columns, rows
    with their cells and tags, or a deleted tag on the rows that carried it."""
    with changeset(user, Reason.TRASH_RESTORE, str(deleted)) as done:
        if deleted.reason == Reason.TAG_DELETE:
            _restore_tags(deleted)
        else:
            for model in (Comparison, ComparisonSegment, Dimension, Entry):
                for record in model.history.filter(changeset=deleted, history_type="-"):
                    if not model.objects.filter(pk=record.id).exists():
                        _bring_back(model, record)
    return done


def _bring_back(model, record) -> None:
    fields = model._meta.concrete_fields
    obj = model(
        **{f.attname: getattr(record, f.attname) for f in fields if hasattr(record, f.attname)}
    )
    obj.save(force_insert=True)
    if model is Dimension:
        before = (
            Dimension.history.filter(id=record.id, history_id__lt=record.history_id)
            .order_by("-history_id")
            .first()
        )
        if before is not None and before.tag_names:
            obj.tags.set(parse_tags(before.tag_names))


def _restore_tags(deleted: Changeset) -> None:
    names = [name for name in deleted.message.split(", ") if name]
    dimensions = Dimension.objects.filter(
        pk__in=Dimension.history.filter(changeset=deleted).values("id")
    )
    for dimension in dimensions:
        dimension.tags.add(*names)
    record_history(list(dimensions), history_type="~")
    _every_comparison_changes()


def bulk_create(model: type[models.Model], objects: Iterable) -> list:
    """`model.objects.bulk_create`, with a history record of each object in the open
    changeset. Rows' records hold their tags when the changeset closes."""
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    if model in HISTORY_MODELS:
        record_history(created)
    return created


def record_history(objects: list, history_type: str = "+", tag_names: dict | None = None) -> None:
    """A history record of each of `objects` (saved, of one model) in the open changeset,
    dated with it. Rows' records may be given their tags (row id -> tag string) here, which
    saves rewriting them when the changeset closes."""
    if not objects:
        return
    state = _open.get()
    assert state is not None, "record_history writes into a changeset: open one first"
    model = type(objects[0])
    history = model.history.model
    fields = [field.attname for field in history.tracked_fields]
    history.objects.bulk_create(
        (
            history(
                **{name: getattr(obj, name) for name in fields},
                history_date=timezone.now(),
                history_type=history_type,
                history_user_id=state.changeset.user_id,
                changeset=state.changeset,
                **({"tag_names": tag_names.get(obj.pk, "")} if tag_names is not None else {}),
            )
            for obj in objects
        ),
        batch_size=BATCH,
    )
    for obj in objects:
        state.touch(_comparisons_of(obj), _dimensions_of(obj))


def record_import(written) -> None:
    """What a bulk import wrote with `bulk_create`/`bulk_update` (transfer/bulk_import.py),
    recorded in the open changeset: a history record of each row and cell it added or changed.
    Four INSERTs, whatever the number of rows; the changeset records the rows' tags and
    updates what is derived when it closes."""
    record_history(written.dimensions_added, "+", written.tag_names)
    record_history(written.dimensions_changed, "~", written.tag_names)
    record_history(written.entries_added, "+")
    record_history(written.entries_changed, "~")


def tag_string(dimension: Dimension) -> str:
    """The dimension's tags as written in the admin. Runs one query."""
    return tag_string_of(dimension.tags.all())


def tag_string_of(tags) -> str:
    """Tags as the admin writes them, and as a row's history records them."""
    return edit_string_for_tags(list(tags))


# --- What a change reaches -------------------------------------------------------------------


def _comparisons_of(instance) -> list[int] | None:
    """The comparisons whose pages show `instance`; None for all (segments, tags)."""
    if isinstance(instance, Comparison):
        return [instance.pk]
    if isinstance(instance, Dimension):
        moved_from = getattr(instance, "_saved_comparison_id", None)
        return [instance.comparison_id] + ([moved_from] if moved_from else [])
    if isinstance(instance, Entry):
        if Entry.dimension.is_cached(instance):
            return [instance.dimension.comparison_id]
        return [_comparison_of_dimension(instance.dimension_id)]
    if isinstance(instance, ComparisonSegment | ComparisonSlug | DimensionSlug):
        return [instance.comparison_id]
    return None


def _comparison_of_dimension(dimension_id: int) -> int | None:
    return Dimension.objects.filter(pk=dimension_id).values_list("comparison_id", flat=True).first()


def _dimensions_of(instance) -> list[int]:
    if isinstance(instance, Dimension):
        return [instance.pk]
    if isinstance(instance, Entry):
        return [instance.dimension_id]
    return []
