"""Queries per page for history-related views: prints figures, asserts nothing.

    export DEBUG=1 DATABASE_URL=sqlite:////tmp/bench.sqlite3 ALLOWED_HOSTS=127.0.0.1
    .venv/bin/python manage.py shell < benchmarks/history_queries.py

on a database with the default content loaded; it edits one row 20 times.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comparisons.models import Comparison, Dimension

admin, _ = get_user_model().objects.get_or_create(
    username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
)
staff = Client(HTTP_HOST="127.0.0.1")
staff.force_login(admin)
reader = Client(HTTP_HOST="127.0.0.1")
row = Dimension.objects.order_by("pk").first()
for number in range(20):
    row._history_user = admin
    row.question = f"Question, edit {number}?"
    row.save()
    entry = row.entries.first()
    entry.body = f"{entry.body} ({number})"
    entry.save()
comparison = Comparison.objects.get(pk=row.comparison_id)
pages = [
    ("public table", reader, comparison.get_absolute_url()),
    ("public row page", reader, row.get_absolute_url()),
    ("public change log", reader, f"{row.get_absolute_url()}changes/"),
    ("admin row history", staff, f"/admin/comparisons/dimension/{row.pk}/history/"),
]
print(
    f"row with {row.history.count()} history records, {Dimension.objects.count()} rows in the table"
)
for name, client, url in pages:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    print(f"{name:20} {url:55} status {status}  queries {len(queries)}")
