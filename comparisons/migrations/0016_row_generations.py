from django.db import migrations, models
import django.db.models.deletion


def create_row_generations(apps, schema_editor):
    Dimension = apps.get_model("comparisons", "Dimension")
    RowGeneration = apps.get_model("comparisons", "RowGeneration")
    SiteGeneration = apps.get_model("comparisons", "SiteGeneration")
    site = SiteGeneration.objects.filter(pk=1).first()
    start = site.number if site else 1
    RowGeneration.objects.bulk_create(
        (
            RowGeneration(dimension_id=pk, number=start, outline=start)
            for pk in Dimension.objects.values_list("pk", flat=True).iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('comparisons', '0015_comparison_topic'),
    ]

    operations = [
        migrations.AddField(
            model_name='tablegeneration',
            name='layout',
            field=models.BigIntegerField(default=1),
        ),
        migrations.CreateModel(
            name='RowGeneration',
            fields=[
                ('dimension', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='generation', serialize=False, to='comparisons.dimension')),
                ('number', models.BigIntegerField(default=1)),
                ('outline', models.BigIntegerField(default=1)),
                ('rendered_for', models.CharField(blank=True, max_length=100)),
                ('html', models.TextField(blank=True)),
                ('sources', models.JSONField(blank=True, default=list)),
                ('updated', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(create_row_generations, migrations.RunPython.noop),
    ]
