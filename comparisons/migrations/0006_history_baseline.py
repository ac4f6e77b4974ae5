"""Content saved before history was recorded gets one version each, so that its first
edit shows a diff and can be undone."""

from django.db import migrations
from django.utils import timezone

MODELS = ["Segment", "Comparison", "Dimension", "Entry"]


def record_baseline(apps, schema_editor):
    alias = schema_editor.connection.alias
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("comparisons", name)
        historical = apps.get_model("comparisons", f"Historical{name}")
        recorded = set(historical.objects.using(alias).values_list("id", flat=True))
        fields = [f.attname for f in model._meta.concrete_fields]
        historical.objects.using(alias).bulk_create(
            [
                historical(
                    **{field: getattr(obj, field) for field in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason="Recorded when history began",
                )
                for obj in model.objects.using(alias).exclude(pk__in=recorded).iterator()
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0005_editors_view_history"),
    ]

    operations = [migrations.RunPython(record_baseline, migrations.RunPython.noop)]
