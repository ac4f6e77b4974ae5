from django.db import migrations

from comparisons.roles import sync_editor_group


def grant_history_to_editors(apps, schema_editor):
    sync_editor_group(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0005_history_and_edit_versions"),
    ]

    operations = [migrations.RunPython(grant_history_to_editors, migrations.RunPython.noop)]
