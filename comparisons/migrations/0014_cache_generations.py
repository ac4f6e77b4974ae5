from django.db import migrations, models
import django.db.models.deletion


def create_table_generations(apps, schema_editor):
    Comparison = apps.get_model("comparisons", "Comparison")
    TableGeneration = apps.get_model("comparisons", "TableGeneration")
    TableGeneration.objects.bulk_create(
        TableGeneration(comparison_id=pk) for pk in Comparison.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('comparisons', '0013_rows_are_called_rows'),
    ]

    operations = [
        migrations.RenameModel(old_name='ContentVersion', new_name='SiteGeneration'),
        migrations.RenameField(model_name='sitegeneration', old_name='version', new_name='number'),
        migrations.CreateModel(
            name='TableGeneration',
            fields=[
                ('comparison', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='generation', serialize=False, to='comparisons.comparison')),
                ('number', models.BigIntegerField(default=1)),
                ('changed_at', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(create_table_generations, migrations.RunPython.noop),
    ]
