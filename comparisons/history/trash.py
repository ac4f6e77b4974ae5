"""The Trash: deleted tables, columns, rows and tags, each the changeset that deleted it.

A deletion is one changeset (comparisons/history/writes.py) whose history records hold everything it
took away: a table with its columns, rows and cells; a column with its cells; rows with their
cells; a tag with the rows that carried it. The Trash lists those changesets while what they
deleted is still gone, and `writes.restore_deleted` brings everything back in one click.

Listing runs five queries, whatever the number of deletions.
"""

from dataclasses import dataclass

from django.db.models import Q
from taggit.models import Tag

from comparisons.models import Changeset, Comparison, ComparisonSegment, Dimension


@dataclass
class Deleted:
    changeset: Changeset
    kind: str  # "table", "column", "rows", "tag"
    what: str  # in words: titles, names

    @property
    def who(self):
        return self.changeset.user

    @property
    def when(self):
        return self.changeset.created


def in_trash() -> list[Deleted]:
    """What is deleted now, newest deletion first. Five queries."""
    records = {
        model: _deleted_records(model) for model in (Comparison, ComparisonSegment, Dimension)
    }
    ids = {pk for found in records.values() for pk in found}
    changesets = list(
        Changeset.objects.filter(Q(pk__in=ids) | Q(reason=Changeset.Reason.TAG_DELETE))
        .select_related("user")
        .order_by("-created", "-pk")
    )
    tags = set(Tag.objects.values_list("name", flat=True))
    items = []
    for changeset in changesets:
        if changeset.reason == Changeset.Reason.TAG_DELETE:
            names = [name for name in changeset.message.split(", ") if name not in tags]
            if names:
                items.append(Deleted(changeset, "tag", ", ".join(names)))
            continue
        comparisons = records[Comparison].get(changeset.pk, [])
        comparison_segments = records[ComparisonSegment].get(changeset.pk, [])
        dimensions = records[Dimension].get(changeset.pk, [])
        if comparisons:
            items.append(Deleted(changeset, "table", ", ".join(r.title for r in comparisons)))
        elif comparison_segments:
            names = ", ".join(str(r.segment) for r in comparison_segments)
            items.append(Deleted(changeset, "column", names))
        elif dimensions:
            items.append(Deleted(changeset, "rows", ", ".join(r.title for r in dimensions)))
    return items


def _deleted_records(model) -> dict[int, list]:
    """Deletion records, by changeset, of objects still deleted. One query."""
    records = model.history.filter(history_type="-", changeset__isnull=False).exclude(
        id__in=model.objects.values("pk")
    )
    if model is ComparisonSegment:
        records = records.select_related("segment")
    found = {}
    for record in records:
        found.setdefault(record.changeset_id, []).append(record)
    return found
