"""Backups move between databases: a SQLite file built in a subprocess and the test
database (PostgreSQL in CI's second run), in both directions, compared page by page."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from comparisons.roles import EDITOR_PERMISSIONS
from tests.public_pages import render_public_pages

pytestmark = pytest.mark.django_db

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _on_sqlite_file(database: Path, *commands: list[str]) -> None:
    """Run manage.py commands against a SQLite file, as an operator would."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "False"}
    env.setdefault("SECRET_KEY", "test-only-not-secret")
    for command in commands:
        subprocess.run(
            [sys.executable, str(MANAGE), *command],
            env=env,
            check=True,
            capture_output=True,
            cwd=settings.BASE_DIR,
        )


def _pages_rendered_by(database: Path, out: Path) -> dict[str, str]:
    code = f"from tests.public_pages import dump_public_pages; dump_public_pages({str(out)!r})"
    _on_sqlite_file(database, ["shell", "-c", code])
    return json.loads(out.read_text())


def test_a_sqlite_backup_restores_here_with_identical_pages(tmp_path):
    database, backup = tmp_path / "source.sqlite3", tmp_path / "backup.json"
    _on_sqlite_file(
        database,
        ["migrate", "--no-input"],
        ["load_default_content"],
        ["export_kb", str(backup)],
    )
    expected = _pages_rendered_by(database, tmp_path / "pages.json")

    call_command("import_kb", str(backup), stdout=StringIO())

    assert render_public_pages() == expected
    assert len(expected) > 20


def test_a_backup_from_here_restores_into_sqlite_with_identical_pages(tmp_path):
    call_command("load_default_content", stdout=StringIO())
    backup = tmp_path / "backup.json"
    call_command("export_kb", str(backup), stderr=StringIO())
    expected = render_public_pages()

    database = tmp_path / "target.sqlite3"
    _on_sqlite_file(database, ["migrate", "--no-input"], ["import_kb", str(backup)])

    assert _pages_rendered_by(database, tmp_path / "pages.json") == expected


def test_a_fresh_database_gets_the_editors_group_from_migrate_alone(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    _on_sqlite_file(database, ["migrate", "--no-input"])
    out = tmp_path / "count.txt"
    code = (
        "from django.contrib.auth.models import Group; "
        f"open({str(out)!r}, 'w').write(str(Group.objects.get(name='Editors').permissions.count()))"
    )
    _on_sqlite_file(database, ["shell", "-c", code])
    assert int(out.read_text()) == len(EDITOR_PERMISSIONS)
