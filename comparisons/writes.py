"""The write path: what every change to content sets off, wired in one place.

Content changes in many ways: the admin's row form (the row and its cells side by side), inline
and list edits, bulk publish, the bulk import, a restore from history, `load_default_content`,
`import_kb`, `make_synthetic_content`, a plain `save()` in the shell. All of them write through
the models' `save()` and `delete()`, or through `bulk_create()` below for bulk loads, and get
the same side effects, in the same transaction as the change:

| side effect                      | where                                                    |
|----------------------------------|----------------------------------------------------------|
| a history version of each object | django-simple-history on save and delete; `bulk_create` |
| the row's tags in that version   | `_record_tags`, `_record_tag_change` (below)             |
| cached pages of what changed     | `_content_changed` → `generations.bump`                  |
| the rows' search vectors         | `_content_changed` → `search.refresh_search_vectors`     |
| the rows' HTML, for readers      | `_content_changed` → `stored_rows.render_after_commit`   |
| old slugs keep redirecting       | `RemembersSlugs.save` (models.py)                        |
| no silent overwrite              | `Versioned.save` (versioning.py): the edit-version check |

The bulk import writes with `bulk_create`/`bulk_update` and records its history and derived
state in one call at the end of its confirm, `record_import` (below).

`connect()` (called by `ComparisonsConfig.ready`) connects every receiver. A write that skips
`save()` (`QuerySet.update()`, `bulk_update()`, raw SQL) skips them all: don't, or call
`content_changed()` yourself as `bulk_create` does.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone
from simple_history.signals import pre_create_historical_record
from taggit.models import Tag, TaggedItem
from taggit.utils import edit_string_for_tags

from comparisons import generations, stored_rows
from comparisons.history import ROW_DELETED
from comparisons.models import (
    Comparison,
    ComparisonSegment,
    ComparisonSlug,
    Dimension,
    DimensionSlug,
    Entry,
    Segment,
)
from comparisons.search import refresh_search_vectors

BATCH = 1000


def content_changed(
    comparison_ids: Iterable[int] | None,
    dimension_ids: Iterable[int] = (),
    changed: str = generations.TABLES,
):
    """Make the cached pages of these comparisons stale (all pages if None), re-index rows,
    and render the changed rows again once the change is committed.

    `changed` says how far the change reaches (`generations.CELLS`, `ROWS` or `TABLES`); the
    default, every table's layout, is right for any write, only slower to show again.
    """
    dimension_ids = list(dimension_ids)
    if dimension_ids:
        refresh_search_vectors(dimension_ids)
    generations.bump(
        None if comparison_ids is None else set(comparison_ids), dimension_ids, changed
    )
    if changed != generations.TABLES:
        stored_rows.render_after_commit(dimension_ids)


def bulk_create(
    model: type[models.Model], objects: Iterable, reason: str, tag_names=None, date=None
) -> list:
    """`model.objects.bulk_create`, keeping the write path's promise of a history record for
    each object (dated `date`, default now, with `reason` as its change reason). Rows'
    records hold their tags: pass `tag_names(row)` when the tags are added after the rows.
    A bulk load that writes rows, then their cells, dates all its records alike, so that each
    row's first revision holds its cells (see comparisons/history.py).

    Sends no signals: call `content_changed()` once the bulk writes are done.
    """
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    if model in HISTORY_MODELS:
        record_history(created, reason, tag_names=tag_names, date=date)
    return created


def record_history(
    objects: list, reason: str, history_type: str = "+", tag_names=None, date=None, user=None
) -> None:
    """A history record of each of `objects` (saved, of one model), dated `date` or now,
    made by `user` (None: nobody)."""
    if not objects:
        return
    history = type(objects[0]).history.model
    fields = [field.attname for field in history.tracked_fields]
    now = date or timezone.now()
    history.objects.bulk_create(
        (
            history(
                **{name: getattr(obj, name) for name in fields},
                history_date=now,
                history_type=history_type,
                history_change_reason=reason,
                history_user=user,
                **({"tag_names": tag_names(obj)} if tag_names else {}),
            )
            for obj in objects
        ),
        batch_size=BATCH,
    )


HISTORY_MODELS = {Segment, Comparison, Dimension, Entry}


def record_import(
    *,
    user,
    reason: str,
    rows_added: list,
    rows_changed: list,
    cells_added: list,
    cells_changed: list,
    tag_names: dict,
    layout_changed: bool,
) -> None:
    """What a bulk import wrote (bulk_create/bulk_update, no signals), recorded once at its
    end: a history record of each row and cell it added or changed, all dated alike and made
    by `user`, then `content_changed` once for every row touched. Rows' records hold their
    tags (`tag_names`: row id -> tag string). Four INSERTs plus `content_changed`'s queries,
    whatever the number of rows."""
    now = timezone.now()
    if user is not None and not user.is_authenticated:
        user = None

    def names(row):
        return tag_names.get(row.pk, "")

    record_history(rows_added, reason, "+", tag_names=names, date=now, user=user)
    record_history(rows_changed, reason, "~", tag_names=names, date=now, user=user)
    record_history(cells_added, reason, "+", date=now, user=user)
    record_history(cells_changed, reason, "~", date=now, user=user)
    rows = {row.pk: row.comparison_id for row in rows_added + rows_changed}
    rows.update({cell.dimension_id: cell.dimension.comparison_id for cell in cells_added})
    rows.update({cell.dimension_id: cell.dimension.comparison_id for cell in cells_changed})
    if rows:
        reach = generations.TABLES if layout_changed else generations.ROWS
        content_changed(set(rows.values()), list(rows), reach)


def tag_string(dimension: Dimension) -> str:
    """The dimension's tags as written in the admin. Runs one query."""
    return tag_string_of(dimension.tags.all())


def tag_string_of(tags) -> str:
    """Tags as the admin writes them, and as a row's history records them."""
    return edit_string_for_tags(list(tags))


# --- Receivers -------------------------------------------------------------------------------


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
        return [_comparison_of_row(instance.dimension_id)]
    if isinstance(instance, ComparisonSegment | ComparisonSlug | DimensionSlug):
        return [instance.comparison_id]
    return None


def _comparison_of_row(dimension_id: int) -> int | None:
    return Dimension.objects.filter(pk=dimension_id).values_list("comparison_id", flat=True).first()


def _rows_of(instance) -> list[int]:
    if isinstance(instance, Dimension):
        return [instance.pk]
    if isinstance(instance, Entry):
        return [instance.dimension_id]
    return []


def _content_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the fixture's own values, no side effects
        return
    content_changed(_comparisons_of(instance), _rows_of(instance), _reach_of(instance))


def _reach_of(instance) -> str:
    """How far a save or delete of `instance` reaches (see `generations.bump`)."""
    if isinstance(instance, Entry):
        return generations.CELLS
    if isinstance(instance, Dimension):
        return generations.ROWS
    return generations.TABLES


def _tags_changed(sender, instance, action, pk_set=None, **kwargs) -> None:
    """Tags added to or removed from a row (from the row's side or from the tag's)."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, Dimension):
        _record_tag_change(instance)
        content_changed([instance.comparison_id], [instance.pk], generations.ROWS)
    elif pk_set:
        content_changed(None, pk_set, generations.ROWS)
    else:  # cleared from the tag's side: which rows lost it is not said
        content_changed(None)


def _tag_renamed(sender, instance, created, raw=False, **kwargs) -> None:
    if created or raw:
        return
    tagged = TaggedItem.objects.filter(
        tag=instance, content_type__app_label="comparisons", content_type__model="dimension"
    )
    content_changed(None, tagged.values_list("object_id", flat=True), generations.ROWS)


def _record_tags(sender, instance, history_instance, **kwargs) -> None:
    """taggit's manager is no plain many-to-many field: history records the tags itself."""
    if isinstance(instance, Dimension) and history_instance.history_type != "-":
        history_instance.tag_names = tag_string(instance)


def _record_tag_change(dimension: Dimension) -> None:
    """Tags are saved after their row (admin, import): they belong to its latest history record."""
    latest = Dimension.history.filter(id=dimension.pk).order_by("-history_date", "-pk")[:1]
    Dimension.history.filter(pk__in=latest.values("pk")).update(tag_names=tag_string(dimension))


def _mark_entries_deleted_with_their_row(sender, instance, origin=None, **kwargs) -> None:
    """So that the row's revision before its deletion still shows them, and a restore brings
    them back."""
    deleting_rows = isinstance(origin, Dimension) or (
        isinstance(origin, models.QuerySet) and origin.model is Dimension
    )
    if deleting_rows:
        instance._change_reason = ROW_DELETED


CONTENT_MODELS = [
    Segment,
    Comparison,
    ComparisonSegment,
    Dimension,
    Entry,
    ComparisonSlug,
    DimensionSlug,
    Tag,
]


def connect() -> None:
    for model in CONTENT_MODELS:
        name = model.__name__
        # A new tag shows nowhere until a row carries it; rows get tags through their manager
        # (`_tags_changed`), never by saving a TaggedItem.
        if model is not Tag:
            post_save.connect(_content_changed, sender=model, dispatch_uid=f"kb-save-{name}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"kb-delete-{name}")
    post_save.connect(_tag_renamed, sender=Tag, dispatch_uid="kb-tag-renamed")
    m2m_changed.connect(_tags_changed, sender=Dimension.tags.through, dispatch_uid="kb-tags")
    pre_create_historical_record.connect(_record_tags, dispatch_uid="kb-tags-in-history")
    pre_delete.connect(
        _mark_entries_deleted_with_their_row, sender=Entry, dispatch_uid="kb-entry-with-row"
    )
