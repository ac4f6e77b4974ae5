"""Deciding a suggestion: accept (a three-way merge into the row) or decline.

`accept` is the one place a suggestion writes content. It writes through today's write path
(model saves in one transaction, their history naming the reader's credit); when the write
service of changesets lands, this function becomes one changeset with its reason code.
"""

from django.db import transaction
from django.utils import timezone

from comparisons.models import Dimension, Entry, Segment
from comparisons.suggestions.merge import CURRENT, SUGGESTED, Field, compare
from comparisons.suggestions.models import Suggestion, SuggestionStatus


class AlreadyDecided(Exception):
    """The suggestion was accepted or declined meanwhile: nothing was changed."""


class Conflicts(Exception):
    """Fields both the reader and an editor changed, with no choice made: nothing was changed."""

    def __init__(self, fields: list[Field]):
        super().__init__(", ".join(field.label for field in fields))
        self.fields = fields


@transaction.atomic
def accept(suggestion: Suggestion, editor, choices: dict[str, str] | None = None) -> list[Field]:
    """Apply `suggestion` to its row as a three-way merge; return the fields applied.

    `choices` maps a conflicting field's key to SUGGESTED or CURRENT. Editors' changes since
    the reader saw the row are kept; a conflict without a choice raises `Conflicts`.
    """
    choices = choices or {}
    suggestion = _lock_open(suggestion)
    # Locked until the commit: a save racing this one waits, then finds a newer edit version.
    dimension = (
        Dimension.objects.select_for_update(of=("self",))
        .select_related("comparison")
        .get(pk=suggestion.dimension_id)
    )
    fields = compare(suggestion, dimension)
    unresolved = [
        f for f in fields if f.is_conflict and choices.get(f.key) not in (SUGGESTED, CURRENT)
    ]
    if unresolved:
        raise Conflicts(unresolved)
    applied = [f for f in fields if f.applies or (f.is_conflict and choices[f.key] == SUGGESTED)]
    _write(dimension, applied, suggestion.credit, editor)
    _decide(suggestion, SuggestionStatus.ACCEPTED, editor)
    return applied


@transaction.atomic
def decline(suggestion: Suggestion, editor, note: str = "") -> None:
    suggestion = _lock_open(suggestion)
    suggestion.editor_note = note
    _decide(suggestion, SuggestionStatus.DECLINED, editor)


def _lock_open(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.OPEN:
        raise AlreadyDecided
    # What an editor changed in the suggestion before accepting ("Edit then accept"), a note.
    for name in ("title", "question", "cells", "edited_by_editor", "editor_note"):
        setattr(locked, name, getattr(suggestion, name))
    return locked


def _decide(suggestion: Suggestion, status: str, editor) -> None:
    suggestion.status = status
    suggestion.decided = timezone.now()
    suggestion.decided_by = editor
    suggestion.save()


def _write(dimension: Dimension, applied: list[Field], credit: str, editor) -> None:
    """Save the row, then its cells, as the admin's form does: one revision in the history."""
    if not applied:
        return
    for field in applied:
        if field.segment is None:
            setattr(dimension, field.key, field.suggested)
    # Saved even when only cells change: the row's record starts the revision that carries
    # the credit. Cells saved alone would join the same editor's save of a moment before
    # (comparisons/history.py groups saves within SAME_SAVE), losing the credit.
    _save(dimension, credit, editor)
    cells: dict[Segment, dict] = {}
    for field in applied:
        if field.segment is not None:
            cells.setdefault(field.segment, {})[field.key.split("-")[0]] = field.suggested
    entries = {e.segment_id: e for e in Entry.objects.filter(dimension=dimension)}
    for segment, values in cells.items():
        entry = entries.get(segment.pk) or Entry(segment=segment)
        entry.dimension = dimension  # loaded: the write path need not look up its table
        for name, value in values.items():
            setattr(entry, name, value)
        if entry.body.strip():  # an empty cell suggested with sources only stays empty
            _save(entry, credit, editor)


def _save(instance, credit: str, editor) -> None:
    # Read by django-simple-history for the version it records.
    instance._change_reason = credit
    instance._history_user = editor
    instance.save()
