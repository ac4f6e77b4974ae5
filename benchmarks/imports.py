"""Time and queries of the admin's import at 50, 200 and 1,000 lines, on SQLite and PostgreSQL.

    make bench-imports                       # both databases (PostgreSQL: BENCH_DATABASE_URL,
                                             # default postgres://postgres@127.0.0.1:5432/kb_bench)

Each run makes a throwaway test database (Django's `test_` copy, destroyed at the end) holding
one table of N rows with two cells each, exports it through the admin as JSON, edits every
line (title, a cell, tags) and imports it through the admin as an editor does: the preview
POST, then the confirm POST, each timed and its queries counted.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (50, 200, 1000)
POSTGRES = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kb_bench")


def main() -> None:
    if len(sys.argv) > 1:
        return run_here()
    for name, url in (("SQLite", ""), ("PostgreSQL", POSTGRES)):
        env = {**os.environ, "SECRET_KEY": "bench", "DEBUG": "0"}
        env.pop("REDIS_URL", None)
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = url
        print(f"## {name}", flush=True)
        subprocess.run([sys.executable, __file__, "run"], env=env, cwd=ROOT, check=True)


def run_here() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["testserver"]
    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": plain}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print("| lines | preview | confirm | queries (preview / confirm) | per line |")
        print("|---|---|---|---|---|")
        for lines in SIZES:
            print(measure(lines), flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure(lines: int) -> str:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from comparisons.models import Comparison, Dimension
    from tests.admin_import import CONFIRM_URL, IMPORT_URL, confirm_form, export, format_index
    from tests.factories import make_comparison

    Dimension.objects.all().delete()
    Comparison.objects.all().delete()
    make_comparison(slug=f"bench-{lines}", dimensions=lines)
    user = get_user_model().objects.filter(username="bench").first()
    user = user or get_user_model().objects.create_superuser("bench", "b@example.com", "pw")
    client = Client()
    client.force_login(user)
    rows = json.loads(export(client, "json"))
    for row in rows:
        row["title"] += " (edited)"
        row["b2b_body"] += "\n\nEdited in a spreadsheet."
        row["tags"] = "research, pricing"
    upload = SimpleUploadedFile("rows.json", json.dumps(rows).encode())
    form = {"resource": 0, "format": format_index(client, "json"), "import_file": upload}
    p_time, p_queries, preview = _timed(client, IMPORT_URL, form)
    c_time, c_queries, confirmed = _timed(
        client, CONFIRM_URL, confirm_form(preview.content.decode())
    )
    assert confirmed.status_code == 302, confirmed.status_code
    assert Dimension.objects.filter(title__endswith="(edited)").count() == lines
    per_line = (p_queries + c_queries) / lines
    return (
        f"| {lines} | {p_time:.2f} s | {c_time:.2f} s | {p_queries} / {c_queries} "
        f"| {per_line:.2f} |"
    )


def _timed(client, url, data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(url, data)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), response


if __name__ == "__main__":
    main()
