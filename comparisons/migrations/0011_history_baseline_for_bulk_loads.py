"""Content written by bulk loads before they recorded history (the default content's cells,
backups, synthetic content) gets one version each, dated when it last changed, so that
restores and pinned embeds find it. Frozen here: it must not change with the app's code."""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

MODELS = ["Segment", "Comparison", "Dimension", "Entry"]
REASON = "Recorded when history was repaired"


def _dimension_tags(apps, alias) -> dict[int, str]:
    ContentType = apps.get_model("contenttypes", "ContentType")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    content_type = (
        ContentType.objects.using(alias).filter(app_label="comparisons", model="dimension").first()
    )
    names = defaultdict(list)
    if content_type is not None:
        items = TaggedItem.objects.using(alias).filter(content_type=content_type)
        for object_id, name in items.values_list("object_id", "tag__name"):
            names[object_id].append(name)
    # As taggit's edit_string_for_tags writes them: sorted, quoted if they hold a comma or space.
    return {
        pk: ", ".join(sorted(f'"{n}"' if "," in n or " " in n else n for n in tags))
        for pk, tags in names.items()
    }


def record_baseline(apps, schema_editor):
    alias = schema_editor.connection.alias
    now = timezone.now()
    tags = _dimension_tags(apps, alias)
    for name in MODELS:
        model = apps.get_model("comparisons", name)
        historical = apps.get_model("comparisons", f"Historical{name}")
        recorded = historical.objects.using(alias).values("id")
        recorded_fields = {f.attname for f in historical._meta.concrete_fields}
        # Derived fields (the search vector) are not in the history.
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in recorded_fields]
        historical.objects.using(alias).bulk_create(
            [
                historical(
                    **{field: getattr(obj, field) for field in fields},
                    # Unchanged since then: nothing but a save could have changed it unrecorded.
                    history_date=getattr(obj, "updated", None) or now,
                    history_type="+",
                    history_change_reason=REASON,
                    **({"tag_names": tags.get(obj.pk, "")} if name == "Dimension" else {}),
                )
                for obj in model.objects.using(alias).exclude(pk__in=recorded).iterator()
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0010_default_content_difference_levels"),
    ]

    operations = [migrations.RunPython(record_baseline, migrations.RunPython.noop)]
