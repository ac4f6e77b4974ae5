"""Existing history grouped into changesets, once, the way history.py grouped it before
changesets existed: records by the same editor within five seconds of the first of a group
are one change (a row saved with its cells, a whole load or import). Free-text reasons become reason codes; a reason
no code names is kept as the changeset's message. Frozen here: it must not change with the
app's code."""

from datetime import timedelta

from django.db import migrations

MODELS = ["Segment", "Comparison", "Dimension", "Entry"]
SAME_SAVE = timedelta(seconds=5)
REASONS = {
    "Loaded from the default content": "load",
    "Updated from the default content": "upgrade",
    "Recorded when history began": "baseline",
    "Recorded when history was repaired": "baseline",
    "Restored from a backup without history": "backup",
    "Deleted with its row": "delete",
    "Published": "publish",
    "Returned to draft": "unpublish",
}
TYPES = {"+": "create", "~": "edit", "-": "delete"}


def _reason(record) -> tuple[str, str]:
    """The reason code and the message of a record's change."""
    text = record.history_change_reason or ""
    if text in REASONS:
        return REASONS[text], ""
    if text.startswith("Restored the version of"):
        return "restore", text.removeprefix("Restored ")  # shown as "Restored <message>"
    if text.startswith("Imported"):
        return "import", text
    return TYPES[record.history_type], text


def group_into_changesets(apps, schema_editor):
    alias = schema_editor.connection.alias
    Changeset = apps.get_model("comparisons", "Changeset")
    records = []
    for name in MODELS:
        historical = apps.get_model("comparisons", f"Historical{name}")
        records += list(historical.objects.using(alias).filter(changeset__isnull=True))
    records.sort(
        key=lambda record: (
            record.history_date,
            type(record).__name__ != "HistoricalDimension",
            record.history_id,
        )
    )
    groups = []
    for record in records:
        last = groups[-1] if groups else None
        if (
            last is not None
            and last["user"] == record.history_user_id
            and record.history_date - last["start"] <= SAME_SAVE
        ):
            last["records"].append(record)
            continue
        groups.append(
            {
                "user": record.history_user_id,
                "start": record.history_date,
                "records": [record],
            }
        )
    for group in groups:
        first = group["records"][0]
        reason, message = _reason(first)
        kinds = {record.history_type for record in group["records"]}
        if reason in ("create", "edit", "delete") and len(kinds) > 1:
            reason = "edit"
        changeset = Changeset.objects.using(alias).create(
            user_id=group["user"], created=group["start"], reason=reason, message=message[:200]
        )
        for record in group["records"]:
            record.changeset = changeset
    for name in MODELS:
        historical = apps.get_model("comparisons", f"Historical{name}")
        mine = [r for r in records if isinstance(r, historical)]
        historical.objects.using(alias).bulk_update(mine, ["changeset"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0019_changesets"),
    ]

    operations = [migrations.RunPython(group_into_changesets, migrations.RunPython.noop)]
