from django.db import migrations

from comparisons.roles import sync_editor_group


def grant_short_links_to_editors(apps, schema_editor):
    sync_editor_group(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("shortlinks", "0001_initial"),
        # The Editors group and the models it curates.
        ("comparisons", "0010_default_content_difference_levels"),
    ]

    operations = [migrations.RunPython(grant_short_links_to_editors, migrations.RunPython.noop)]
