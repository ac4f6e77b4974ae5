"""Figures for the admin's bulk import/export and for export_kb/import_kb.

Run on a database with the default content loaded (nothing is written: the
import is a dry run, the restore is rolled back):

    DEBUG=1 python manage.py shell < benchmarks/bulk_import.py
"""

import json
import time

import tablib
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comparisons.backup import export_kb, import_kb
from comparisons.resources import DimensionResource


def measure(label, action):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    print(f"{label}: {len(queries)} queries, {elapsed * 1000:.0f} ms")
    return result


def dry_run(rows):
    dataset = tablib.Dataset().load(json.dumps(rows), format="json")
    return DimensionResource().import_data(dataset, dry_run=True).totals


rows = json.loads(measure("export rows", lambda: DimensionResource().export()).export("json"))
print("  re-import unchanged:", dict(measure(f"import {len(rows)} rows", lambda: dry_run(rows))))
copies = [{**row, "slug": f"{row['slug']}-{n}"} for n in range(10) for row in rows]
print("  new rows:", dict(measure(f"import {len(copies)} new rows", lambda: dry_run(copies))))

backup = measure("export_kb", export_kb)
print(f"  backup size: {len(json.dumps(backup, default=str)) / 1024:.0f} KiB")


def restore():
    with transaction.atomic():
        counts = import_kb(backup, replace=True)
        transaction.set_rollback(True)
    return counts


print("  restored:", measure("import_kb --replace (rolled back)", restore))
