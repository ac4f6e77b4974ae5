"""SQLite's full-text index of rows (FTS5, Porter stemmer, bm25 rank), filled from the rows.

On PostgreSQL nothing is made: `Dimension.search_vector` (0004) does the same there.
"""

import django.db.models.deletion
from django.db import migrations, models

# Frozen here: the app's definition (comparisons/search/queries.py) may change later.
CREATE_SQL = [
    "CREATE VIRTUAL TABLE comparisons_dimension_fts USING fts5("
    "title, question, tags, common_ground, cells, tokenize = 'porter unicode61')",
    # Title 10, question and tags 4, common ground and cells 2: PostgreSQL's A, B and C weights.
    "INSERT INTO comparisons_dimension_fts(comparisons_dimension_fts, rank) "
    "VALUES ('rank', 'bm25(10.0, 4.0, 4.0, 2.0, 2.0)')",
    """
    INSERT INTO comparisons_dimension_fts(rowid, title, question, tags, common_ground, cells)
    SELECT d.id, d.title, d.question,
        coalesce((
            SELECT group_concat(t.name, ' ')
            FROM taggit_taggeditem AS ti
            JOIN taggit_tag AS t ON t.id = ti.tag_id
            JOIN django_content_type AS ct ON ct.id = ti.content_type_id
            WHERE ct.app_label = 'comparisons' AND ct.model = 'dimension' AND ti.object_id = d.id
        ), ''),
        d.common_ground,
        coalesce((SELECT group_concat(e.body, ' ') FROM comparisons_entry AS e
                  WHERE e.dimension_id = d.id), '')
    FROM comparisons_dimension AS d
    """,
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in CREATE_SQL:
            schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE comparisons_dimension_fts")


class Migration(migrations.Migration):

    dependencies = [
        ("comparisons", "0016_row_generations"),
    ]

    operations = [
        migrations.CreateModel(
            name="DimensionText",
            fields=[
                (
                    "dimension",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="text",
                        serialize=False,
                        to="comparisons.dimension",
                    ),
                ),
                ("document", models.TextField(db_column="comparisons_dimension_fts")),
                ("rank", models.FloatField()),
            ],
            options={
                "db_table": "comparisons_dimension_fts",
                "managed": False,
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
