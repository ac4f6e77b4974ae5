"""Give the default content's rows on an existing database their considered difference level.

Only rows still at the field's default are touched, so a level an editor chose stays.
The levels are the ones judged in the default content files when this was written.
"""

from django.db import migrations
from django.db.models import F

DEFAULT_LEVEL = "different"
# The levels judged for the default content when this migration was written: frozen here,
# since the default content files change with the content.
LEVELS = {
    ("product-management-b2b-vs-b2c", "buyer-vs-user"): "opposite",
    ("product-management-b2b-vs-b2c", "customisation"): "opposite",
    ("product-management-b2b-vs-b2c", "dogfooding"): "opposite",
    ("product-management-b2b-vs-b2c", "release-cadence"): "opposite",
    ("product-management-b2b-vs-b2c", "role-of-data"): "opposite",
    ("product-management-b2b-vs-b2c", "sales-influence"): "opposite",
    ("product-management-b2b-vs-b2c", "usability"): "similar",
}


def set_levels(apps, schema_editor):
    Dimension = apps.get_model("comparisons", "Dimension")
    for (comparison_slug, slug), level in LEVELS.items():
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
