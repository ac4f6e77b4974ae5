"""Backups move between databases: a SQLite file used by a subprocess and the test database
(PostgreSQL in CI's second run), in both directions, compared page by page; and a round trip
through SQLite keeps what a backup carries beyond the pages (short links, history's authors
and changesets, readers' suggestions).

Fast: the SQLite file is migrated once for the module and copied for each test, and each
test's commands run in one `manage.py shell` (one Django start, not one per command)."""

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from comparisons.history.versions import dimension_revisions
from comparisons.models import Dimension
from comparisons.roles import EDITOR_PERMISSIONS
from comparisons.sharing.shortlinks.models import ShortLink
from comparisons.suggestions.models import Suggestion
from comparisons.transfer.backup import delete_everything
from tests import suggestions
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import editor_client_for, make_comparison
from tests.public_pages import render_public_pages

pytestmark = pytest.mark.django_db

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _on_sqlite_file(database: Path, *commands: list[str]) -> None:
    """Run manage.py commands against a SQLite file, as an operator would, in one process."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "False"}
    env.setdefault("SECRET_KEY", "test-only-not-secret")
    env.pop("REDIS_URL", None)
    code = "from django.core.management import call_command\n" + "".join(
        f"call_command(*{command!r})\n" for command in commands
    )
    subprocess.run(
        [sys.executable, str(MANAGE), "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        cwd=settings.BASE_DIR,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """An empty SQLite database, migrated once for the module."""
    database = tmp_path_factory.mktemp("sqlite") / "migrated.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "False"}
    env.setdefault("SECRET_KEY", "test-only-not-secret")
    subprocess.run(
        [sys.executable, str(MANAGE), "migrate", "--no-input"],
        env=env,
        check=True,
        capture_output=True,
        cwd=settings.BASE_DIR,
    )
    return database


@pytest.fixture
def sqlite_file(migrated, tmp_path) -> Path:
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated, database)
    return database


def _pages(out: Path) -> list[str]:
    return [
        "shell",
        "-c",
        f"from tests.public_pages import dump_public_pages; dump_public_pages({str(out)!r})",
    ]


def test_a_sqlite_backup_restores_here_with_identical_pages(sqlite_file, tmp_path):
    backup, pages = tmp_path / "backup.json", tmp_path / "pages.json"
    _on_sqlite_file(
        sqlite_file, ["load_default_content"], ["export_kb", str(backup)], _pages(pages)
    )
    expected = json.loads(pages.read_text())

    call_command("import_kb", str(backup), stdout=StringIO())

    assert render_public_pages() == expected
    assert len(expected) > 20


def test_a_backup_from_here_restores_into_sqlite_with_identical_pages(sqlite_file, tmp_path):
    call_command("load_default_content", stdout=StringIO())
    backup, pages = tmp_path / "backup.json", tmp_path / "pages.json"
    call_command("export_kb", str(backup), stderr=StringIO())
    expected = render_public_pages()

    _on_sqlite_file(sqlite_file, ["import_kb", str(backup)], _pages(pages))

    assert json.loads(pages.read_text()) == expected


def _revisions(dimension) -> list[tuple]:
    return [
        (r.key, r.user.username if r.user else None, r.reason)
        for r in dimension_revisions(dimension.pk)
    ]


def test_a_round_trip_through_sqlite_keeps_short_links_history_changesets_and_suggestions(
    client, sqlite_file, tmp_path
):
    make_comparison()
    dimension = Dimension.objects.get(slug="row-1")
    editor = editor_client_for("ed1")
    editor.post(
        change_url(dimension),
        opened_dimension_form(dimension, title="Saved by ed1", b2c_body="New"),
    )
    first = dimension_revisions(dimension.pk)[-1]
    editor.post(f"/admin/comparisons/dimension/{dimension.pk}/history/{first.key}/restore/")
    revisions = _revisions(dimension)
    code = ShortLink.objects.create_for("/compare/b2b-vs-b2c/?only=row-1").code
    suggestions.send(client, b2b_body="A reader's correction.")
    token = Suggestion.objects.get().token
    out, back = tmp_path / "out.json", tmp_path / "back.json"
    call_command("export_kb", str(out), stderr=StringIO())

    _on_sqlite_file(sqlite_file, ["import_kb", str(out)], ["export_kb", str(back)])
    delete_everything()
    get_user_model().objects.filter(username="ed1").delete()
    call_command("import_kb", str(back), stdout=StringIO())

    assert client.get(f"/v/{code}")["Location"] == "/compare/b2b-vs-b2c/?only=row-1"
    assert ShortLink.objects.count() == 1
    record = Dimension.history.get(title="Saved by ed1")
    author = record.history_user
    assert author.username == "ed1"
    assert not author.is_active and not author.has_usable_password()
    assert record.changeset.user == author
    assert _revisions(dimension) == revisions  # the edit and the restore: two revisions, as before
    assert revisions[0][2].startswith("Restored the version of")
    assert client.get(f"/suggestions/{token}/").status_code == 200


def test_a_fresh_database_gets_the_editors_group_from_migrate_alone(sqlite_file, tmp_path):
    out = tmp_path / "count.txt"
    code = (
        "from django.contrib.auth.models import Group; "
        f"open({str(out)!r}, 'w').write(str(Group.objects.get(name='Editors').permissions.count()))"
    )
    _on_sqlite_file(sqlite_file, ["shell", "-c", code])
    assert int(out.read_text()) == len(EDITOR_PERMISSIONS)
