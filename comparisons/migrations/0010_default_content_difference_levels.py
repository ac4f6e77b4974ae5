"""Give the default content's rows on an existing database their considered difference level.

Only rows still at the field's default are touched, so a level an editor chose stays.
The levels are read from the default content files, the one place they are judged.
"""

import json
from pathlib import Path

from django.db import migrations
from django.db.models import F

DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "default_content"

DEFAULT_LEVEL = "different"


def default_levels() -> dict[tuple[str, str], str]:
    levels = {}
    for path in sorted(DEFAULT_CONTENT.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for comparison in data["comparisons"]:
            for row in comparison["dimensions"]:
                if row.get("difference"):
                    levels[(comparison["slug"], row["slug"])] = row["difference"]
    return levels


def set_levels(apps, schema_editor):
    Dimension = apps.get_model("comparisons", "Dimension")
    for (comparison_slug, slug), level in default_levels().items():
        if level == DEFAULT_LEVEL:
            continue
        # update() leaves `updated` alone: judging a level is not an edit readers must see.
        Dimension.objects.filter(
            comparison__slug=comparison_slug, slug=slug, difference=DEFAULT_LEVEL
        ).update(difference=level)
    # update() sends no signals: make the cached pages showing the old levels stale.
    ContentVersion = apps.get_model("comparisons", "ContentVersion")
    ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [("comparisons", "0009_dimension_difference_level")]

    operations = [migrations.RunPython(set_levels, migrations.RunPython.noop)]
