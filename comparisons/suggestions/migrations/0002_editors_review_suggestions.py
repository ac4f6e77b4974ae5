from django.db import migrations

from comparisons.roles import sync_editor_group


def grant_suggestions_to_editors(apps, schema_editor):
    sync_editor_group(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_initial"),
        ("shortlinks", "0002_editors_delete_short_links"),
    ]

    operations = [migrations.RunPython(grant_suggestions_to_editors, migrations.RunPython.noop)]
