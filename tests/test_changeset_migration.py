"""A site made by the release of 1 December keeps its whole history when it upgrades to
changesets (migration 0018): every revision stays readable, restorable and in the feeds."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from comparisons.history import writes
from comparisons.history.versions import dimension_revisions
from comparisons.models import Changeset, Dimension, Entry

BEFORE = [("comparisons", "0018_remove_stored_rows")]
AFTER = [("comparisons", "0020_history_into_changesets")]
DUMP = Path(__file__).parent / "data" / "default_content_2026_11.json"
LOADED = "Loaded from the default content"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _record(apps, model: str, obj, date, kind="+", user=None, reason=None, **extra):
    historical = apps.get_model("comparisons", f"Historical{model}")
    fields = {f.attname for f in historical._meta.concrete_fields}
    values = {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.attname in fields
    }
    historical.objects.create(
        **values,
        history_date=date,
        history_type=kind,
        history_user=user,
        history_change_reason=reason,
        **extra,
    )


def _site_of_december(apps, start):
    """The dump's table as the loader of 1 December left it: each object and its record."""
    data = json.loads(DUMP.read_text())
    model = lambda name: apps.get_model("comparisons", name)  # noqa: E731
    segments = {}
    for item in data["segments"]:
        segment = model("Segment").objects.create(
            slug=item["slug"], name=item["name"], position=item["position"]
        )
        segments[item["slug"]] = segment
        _record(apps, "Segment", segment, start, reason=LOADED)
    item = data["comparisons"][0]
    table = model("Comparison").objects.create(
        slug=item["slug"], title=item["title"], summary=item["summary"], status="published"
    )
    _record(apps, "Comparison", table, start, reason=LOADED)
    for position, slug in enumerate(item["segments"]):
        model("ComparisonSegment").objects.create(
            comparison=table, segment=segments[slug], position=position
        )
    for position, wanted in enumerate(item["dimensions"][:3]):
        row = model("Dimension").objects.create(
            comparison=table,
            slug=wanted["slug"],
            title=wanted["title"],
            question=wanted.get("question", ""),
            position=position,
            status="published",
        )
        _record(apps, "Dimension", row, start, reason=LOADED, tag_names="")
        for slug, cell in wanted["entries"].items():
            entry = model("Entry").objects.create(
                dimension=row, segment=segments[slug], body=cell["body"]
            )
            _record(apps, "Entry", entry, start, reason=LOADED)
    return table


@pytest.mark.django_db(transaction=True)
def test_december_history_becomes_changesets_and_stays_readable_and_restorable(editor, client):
    apps = _migrate(BEFORE)
    start = timezone.now() - timedelta(days=3)
    table = _site_of_december(apps, start)
    Row = apps.get_model("comparisons", "Dimension")
    Cell = apps.get_model("comparisons", "Entry")
    row = Row.objects.filter(comparison=table).order_by("position").first()
    cell = Cell.objects.filter(dimension=row).order_by("segment__position").first()
    user = apps.get_model("auth", "User").objects.get(pk=editor.pk)

    # An edit of the row and its cell in one admin save (the cell saved a moment later).
    edited = start + timedelta(days=1)
    row.title, row.version = "Edited title", 2
    row.save()
    _record(apps, "Dimension", row, edited, "~", user, tag_names="")
    cell.body, cell.version = "Edited cell.", 2
    cell.save()
    _record(apps, "Entry", cell, edited + timedelta(seconds=1), "~", user)
    # A rename, as a draft, a day later; then a restore of the loaded version.
    renamed = start + timedelta(days=2)
    row.slug, row.status, row.version = "renamed-row", "draft", 3
    row.save()
    _record(apps, "Dimension", row, renamed, "~", user, tag_names="")
    restored = renamed + timedelta(hours=1)
    _record(
        apps, "Dimension", row, restored, "~", user, "Restored the version of 4 Dec", tag_names=""
    )
    revisions_before = 4

    _migrate(AFTER)

    for model in (Dimension, Entry):
        assert not model.history.filter(changeset__isnull=True).exists()
    revisions = dimension_revisions(row.pk)
    assert len(revisions) == revisions_before
    loaded, edit, rename, restore = revisions[::-1]
    assert loaded.record.changeset.reason == Changeset.Reason.LOAD
    assert edit.user == editor
    assert [c.segment for c in edit.entry_changes] == ["B2B"]  # the cell joined its row's edit
    assert rename.record.slug == "renamed-row"
    assert restore.record.changeset.reason == Changeset.Reason.RESTORE
    assert restore.reason.startswith("Restored the version of")

    feed = client.get(f"/compare/{table.slug}/changes.atom").content.decode()
    # The two rows still published are in the feed, loaded together: one entry for both (the
    # edited row is a draft now).
    assert feed.count("<entry>") == 1 and "2 rows of" in feed

    # Still restorable, through the write service, as a changeset of its own.
    writes.restore(editor, loaded)
    current = Dimension.objects.get(pk=row.pk)
    assert current.title == loaded.record.title
    assert Entry.objects.get(pk=cell.pk).body == loaded.entries[cell.pk].body
