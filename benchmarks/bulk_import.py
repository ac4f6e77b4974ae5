"""Figures for the admin's bulk import/export and for export_kb/import_kb.

Run on a database with the default content loaded (nothing is written: the
import is a dry run, the restore and the admin imports are rolled back):

    DEBUG=1 python manage.py shell < benchmarks/bulk_import.py

The last figures are the largest file the admin accepts (IMPORT_MAX_LINES lines,
IMPORT_MAX_BYTES bytes), uploaded and confirmed through the admin as an editor does: first
as new rows, then with every row and cell changed. Each step is one request, which must
end well within gunicorn's timeout (GUNICORN_TIMEOUT, 30 s).
"""

import json
import os
import re
import time

import tablib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comparisons.models import Comparison
from comparisons.transfer.backup import export_kb, import_kb
from comparisons.transfer.import_formats import CSV, FORMATS
from comparisons.transfer.resources import DimensionResource


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


# The largest file the admin accepts, through the admin.

IMPORT_URL = "/admin/comparisons/dimension/import/"
CONFIRM_URL = "/admin/comparisons/dimension/process_import/"
WORDS = ["buyers", "users", "teams", "sales", "seats", "churn", "pricing", "feedback", "roadmap"]


def largest_file(comparison, segments, edit=""):
    """IMPORT_MAX_LINES new rows of `comparison` whose text fills IMPORT_MAX_BYTES as CSV."""
    per_line = settings.IMPORT_MAX_BYTES // settings.IMPORT_MAX_LINES - 200
    text_columns = ["common_ground", *(f"{slug}_body" for slug in segments)]
    size = per_line // len(text_columns)
    rows = []
    for n in range(settings.IMPORT_MAX_LINES):
        words = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(size // 6))
        text = f"{edit}{words}"[:size]
        row = {
            "comparison": comparison.slug,
            "slug": f"bench-{n}",
            "title": f"{edit}Benchmark row {n}",
            "question": f"{edit}What differs in case {n}?",
            "status": "draft",
            "position": 1000 + n,
            "tags": "benchmark",
        }
        row |= dict.fromkeys(text_columns, text)
        row |= {f"{slug}_sources": "A source | https://example.com/source" for slug in segments}
        rows.append(row)
    dataset = tablib.Dataset().load(json.dumps(rows), format="json")
    return dataset.export("csv").encode()


def timed(request):
    """The response, and the seconds it took: on the clock and of this process's CPU."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = request()
    return response, (time.perf_counter() - wall, time.process_time() - cpu)


def admin_import(client, data):
    """Upload `data` (CSV) and confirm it: the times of the two requests."""
    form = {"resource": 0, "format": str(FORMATS.index(CSV)), "import_file": None}
    form["import_file"] = SimpleUploadedFile("largest.csv", data)
    preview, preview_time = timed(lambda: client.post(IMPORT_URL, form))
    html = preview.content.decode()
    if 'name="import_file_name"' not in html:
        raise SystemExit(f"The preview refused the file: {re.sub(r'<[^>]+>', ' ', html)[-2000:]}")
    confirm_form = html.split(f'action="{CONFIRM_URL}"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', confirm_form))
    confirmed, confirm_time = timed(lambda: client.post(CONFIRM_URL, fields))
    assert confirmed.status_code == 302, confirmed.status_code
    return preview_time, confirm_time


def largest_imports():
    comparison = Comparison.objects.first()
    segments = [segment.slug for segment in comparison.segments.all()]
    editor = get_user_model().objects.create_superuser("bench-import", "bench@example.com")
    client = Client(SERVER_NAME="localhost")
    client.force_login(editor)
    for label, edit in (("new rows", ""), ("every row and cell changed", "Edited: ")):
        data = largest_file(comparison, segments, edit)
        (preview, preview_cpu), (confirm, confirm_cpu) = admin_import(client, data)
        lines = settings.IMPORT_MAX_LINES
        print(
            f"admin import of the largest file ({lines} lines, {len(data) / 1024:.0f} KiB CSV), "
            f"{label}: preview {preview:.1f} s ({preview_cpu:.1f} s CPU), "
            f"confirm {confirm:.1f} s ({confirm_cpu:.1f} s CPU)"
        )
    # Other work on the machine stretches the clock times, not the CPU times.
    print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


with transaction.atomic():
    largest_imports()
    transaction.set_rollback(True)
