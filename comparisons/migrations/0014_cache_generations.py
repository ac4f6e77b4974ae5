from django.db import migrations, models
import django.db.models.deletion


def create_table_generations(apps, schema_editor):
    Comparison = apps.get_model("comparisons", "Comparison")
    TableGeneration = apps.get_model("comparisons", "TableGeneration")
    SiteGeneration = apps.get_model("comparisons", "SiteGeneration")
    # From the site's number: pages cached under the old content version stay unreachable.
    site = SiteGeneration.objects.filter(pk=1).first()
    start = site.number + 1 if site else 1
    TableGeneration.objects.bulk_create(
        TableGeneration(comparison_id=pk, number=start)
        for pk in Comparison.objects.values_list("pk", flat=True)
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
                ('comparison', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='generation', serialize=False, to='comparisons.comparison')),
                ('number', models.BigIntegerField(default=1)),
                ('changed_at', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(create_table_generations, migrations.RunPython.noop),
    ]
