"""Deciding a suggestion: accept (a three-way merge into the row) or decline.

`accept` is the one place a suggestion writes content: one changeset of the write service
(comparisons/history/writes.py), reason "suggestion", its message the reader's credit, by the editor
who accepted it.
"""

from django.db import transaction
from django.utils import timezone

from comparisons.history import writes
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
    if applied:
        with writes.changeset(editor, writes.Reason.SUGGESTION, suggestion.credit):
            _write(dimension, applied)
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


def _write(dimension: Dimension, applied: list[Field]) -> None:
    """Save the row, then its cells, as the admin's form does."""
    for field in applied:
        if field.segment is None:
            setattr(dimension, field.key, field.suggested)
    dimension.save()
    values_by_segment: dict[Segment, dict] = {}
    for field in applied:
        if field.segment is not None:
            values_by_segment.setdefault(field.segment, {})[field.key.split("-")[0]] = (
                field.suggested
            )
    entries = {e.segment_id: e for e in Entry.objects.filter(dimension=dimension)}
    for segment, values in values_by_segment.items():
        entry = entries.get(segment.pk) or Entry(segment=segment)
        entry.dimension = dimension  # loaded: the write service need not look up its table
        for name, value in values.items():
            setattr(entry, name, value)
        if entry.body.strip():  # an empty cell suggested with sources only stays empty
            entry.save()
