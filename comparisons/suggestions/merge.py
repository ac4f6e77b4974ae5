"""A suggestion against the row: field by field, what the reader saw, what it is now, and
what the reader suggests, merged three ways as the edit form merges (history/conflicts.py).

- only the reader changed it: the suggestion is applied;
- only editors changed it since: their value is kept;
- both changed it, differently: a conflict, for the editor to choose.
"""

from dataclasses import dataclass

from comparisons.history.conflicts import _comparable
from comparisons.history.versions import word_diff
from comparisons.models import Dimension, Entry
from comparisons.sources import format_sources
from comparisons.suggestions.forms import current_entries
from comparisons.suggestions.models import Suggestion

SUGGESTED, CURRENT = "suggested", "current"


class NotInHistory:
    """What the reader saw, when the history does not hold that version: every difference
    between the suggestion and the row is then a conflict."""


@dataclass
class Field:
    key: str  # "title", "question", "body-<segment id>", "sources-<segment id>"
    label: str
    seen: object
    current: object
    suggested: object
    segment: object = None  # a cell's column

    def _same(self, a, b) -> bool:
        return _comparable(a) == _comparable(b)

    @property
    def suggests_change(self) -> bool:
        return not self._same(self.suggested, self.current)

    @property
    def changed_by_reader(self) -> bool:
        return not self._same(self.suggested, self.seen)

    @property
    def changed_since(self) -> bool:
        """Changed by editors since the reader saw it."""
        return not self._same(self.current, self.seen)

    @property
    def is_conflict(self) -> bool:
        return self.suggests_change and self.changed_by_reader and self.changed_since

    @property
    def applies(self) -> bool:
        """Applied without asking: the reader changed it, nobody else did."""
        return self.suggests_change and self.changed_by_reader and not self.changed_since

    def as_text(self, value) -> str:
        if value is NotInHistory:
            return ""
        return format_sources(value) if self.key.startswith("sources-") else value or ""

    @property
    def seen_text(self):
        return self.as_text(self.seen)

    @property
    def current_text(self):
        return self.as_text(self.current)

    @property
    def suggested_text(self):
        return self.as_text(self.suggested)

    @property
    def is_body(self) -> bool:
        return self.key.startswith("body-")

    @property
    def seen_is_known(self) -> bool:
        return self.seen is not NotInHistory

    # Word by word, as (op, text) pieces for admin/comparisons/dimension/_word_diff.html.

    def against_seen(self) -> list[tuple[str, str]]:
        """The suggestion as a change of what the reader saw."""
        return word_diff(self.seen_text, self.suggested_text)

    def against_current(self) -> list[tuple[str, str]]:
        """The suggestion as a change of the row as it is now."""
        return word_diff(self.current_text, self.suggested_text)

    def editors_since(self) -> list[tuple[str, str]]:
        """What editors changed since the reader saw the row."""
        return word_diff(self.seen_text, self.current_text)


def compare(suggestion: Suggestion, dimension: Dimension) -> list[Field]:
    """Every field the suggestion holds, against the row as it is now. Runs five queries."""
    seen_dimension = (
        Dimension.history.filter(id=dimension.pk, version=suggestion.seen_version)
        .order_by("-history_date")
        .first()
    )
    fields = [
        Field(
            name,
            Dimension._meta.get_field(name).verbose_name.capitalize(),
            getattr(seen_dimension, name) if seen_dimension else NotInHistory,
            getattr(dimension, name),
            getattr(suggestion, name),
        )
        for name in ("title", "question")
    ]
    entries = current_entries(dimension)
    seen_entries = _seen_entries(suggestion)
    for segment, entry in entries:
        proposed = suggestion.cells.get(str(segment.pk))
        if proposed is None:  # a column added since
            continue
        seen = seen_entries.get(segment.pk, NotInHistory) if proposed["entry"] else None
        for part, empty in (("body", ""), ("sources", [])):
            fields.append(
                Field(
                    f"{part}-{segment.pk}",
                    f"{segment.name}: {'text' if part == 'body' else 'sources'}",
                    empty if seen is None else getattr(seen, part, NotInHistory),
                    getattr(entry, part) if entry else empty,
                    proposed[part],
                    segment,
                )
            )
    return fields


def _seen_entries(suggestion: Suggestion) -> dict:
    """segment id -> the cell's history record at the version the reader saw. One query."""
    wanted = {
        (proposed["entry"], proposed["seen_version"])
        for proposed in suggestion.cells.values()
        if proposed["entry"] and proposed["seen_version"]
    }
    if not wanted:
        return {}
    records = Entry.history.filter(id__in={entry for entry, _ in wanted}).order_by("history_date")
    return {
        record.segment_id: record for record in records if (record.id, record.version) in wanted
    }
