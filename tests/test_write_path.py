"""Every way content changes keeps the same promises (comparisons/history/writes.py; a shell write
goes through the write service too): a history record
of every object written, cached pages made stale, search finding the new text, old slugs
redirecting. One test per promise, run over every write path."""

from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from comparisons import caching
from comparisons.history import writes
from comparisons.history.versions import dimension_revisions
from comparisons.models import Comparison, Dimension, Entry, Status
from comparisons.search.queries import search
from comparisons.transfer.backup import delete_everything
from comparisons.transfer.resources import DimensionResource
from tests.admin_forms import change_url, opened_dimension_form
from tests.admin_import import confirm, preview
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

ROWS_URL = "/admin/comparisons/dimension/"


@dataclass
class Written:
    """What a write path wrote, and what must follow from it."""

    objects: list[models.Model]
    word: str | None = None  # a word it wrote into a published row: search must find it
    old_urls: list[str] = field(default_factory=list)  # must redirect (permanently) after it
    # Restores of a backup keep the versions in the backup rather than adding one.
    history_kept: bool = False


def _row(slug="row-1") -> Dimension:
    return Dimension.objects.get(comparison__slug="b2b-vs-b2c", slug=slug)


def admin_form(client) -> Written:
    row = _row()
    client.post(
        change_url(row),
        opened_dimension_form(row, slug="renamed", question="Why zebrafinch?"),
    )
    return Written([row], "zebrafinch", ["/compare/b2b-vs-b2c/row-1/"])


def admin_inline_cell(client) -> Written:
    row = _row()
    client.post(change_url(row), opened_dimension_form(row, b2b_body="A quokkaword cell."))
    return Written([row, row.entries.get(segment__slug="b2b")], "quokkaword")


def admin_list_edit(client) -> Written:
    row = _row()
    client.post(
        ROWS_URL,
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": row.pk,
            "form-0-position": 7,
            "form-0-difference": "opposite",
            "form-0-version": row.version,
            "_save": "Save",
        },
    )
    assert _row().position == 7
    return Written([row])


def admin_bulk_publish(client) -> Written:
    draft = _row("row-2")
    draft.status = Status.DRAFT
    draft.save()
    client.post(ROWS_URL, {"action": "publish", "_selected_action": [draft.pk]})
    assert _row("row-2").status == Status.PUBLISHED
    return Written([draft], "row")


def import_confirm(client) -> Written:
    row = _row()
    line = DimensionResource().export(queryset=Dimension.objects.filter(pk=row.pk)).dict[0]
    line["b2c_body"] = "Imported wombatword text."
    confirm(client, preview(client, [line]))
    return Written([row, row.entries.get(segment__slug="b2c")], "wombatword")


def restore(client) -> Written:
    row = _row()
    client.post(change_url(row), opened_dimension_form(row, slug="moved", b2b_body="Later text"))
    first = dimension_revisions(row.pk)[-1]
    client.post(f"/admin/comparisons/dimension/{row.pk}/history/{first.key}/restore/")
    assert _row("row-1").entries.count() == 2
    return Written([row, *row.entries.all()], "answer", ["/compare/b2b-vs-b2c/moved/"])


def shell_save(client) -> Written:
    row = _row()
    row.slug = "from-the-shell"
    row.common_ground = "Both sides: narwhalword."
    writes.save(None, row)
    return Written([row], "narwhalword", ["/compare/b2b-vs-b2c/row-1/"])


def shell_entry_save(client) -> Written:
    entry = _row().entries.get(segment__slug="b2c")
    entry.body = "An axolotlword answer."
    writes.save(None, entry)
    return Written([entry], "axolotlword")


def load_default_content(client) -> Written:
    call_command("load_default_content", stdout=StringIO())
    loaded = Comparison.objects.get(slug="product-management-b2b-vs-b2c")
    rows = list(loaded.dimensions.all())
    entries = list(Entry.objects.filter(dimension__in=rows))
    return Written([loaded, *rows, *entries], "dogfood")


def import_kb(client, tmp_path) -> Written:
    path = tmp_path / "backup.json"
    call_command("export_kb", str(path), stderr=StringIO())
    delete_everything()
    call_command("import_kb", str(path), stdout=StringIO())
    rows = list(Dimension.objects.all())
    entries = list(Entry.objects.all())
    return Written([*rows, *entries], "answer", history_kept=True)


def make_synthetic_content(client) -> Written:
    call_command(
        "make_synthetic_content", "--comparisons", "2", "--dimensions", "3", stdout=StringIO()
    )
    synthetic = Comparison.objects.filter(slug__startswith="synthetic-")
    rows = list(Dimension.objects.filter(comparison__in=synthetic))
    entries = list(Entry.objects.filter(dimension__in=rows))
    word = rows[0].title.split()[0].lower()
    return Written([*synthetic, *rows, *entries], word)


WRITE_PATHS = [
    admin_form,
    admin_inline_cell,
    admin_list_edit,
    admin_bulk_publish,
    import_confirm,
    restore,
    shell_save,
    shell_entry_save,
    load_default_content,
    import_kb,
    make_synthetic_content,
]


@pytest.fixture
def write(editor_client, tmp_path):
    make_comparison()

    def write(path) -> tuple[Written, object]:
        started = timezone.now()
        written = path(editor_client, tmp_path) if path is import_kb else path(editor_client)
        return written, started

    return write


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda path: path.__name__)
def test_every_write_records_a_version_of_every_object_it_wrote(write, path):
    written, started = write(path)
    assert written.objects
    for obj in written.objects:
        versions = type(obj).history.filter(id=obj.pk)
        if not written.history_kept:
            versions = versions.filter(history_date__gte=started)
        assert versions.exists(), f"{obj!r} has no version"


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda path: path.__name__)
def test_every_write_makes_the_cached_pages_stale(write, path, client):
    """The site's generation, under which the home page is cached: every write changes it.
    (Which tables' pages each write makes stale: tests/test_cache_generations.py.)"""
    client.get("/")  # cached now
    before = caching.generation_for("/")
    write(path)
    assert caching.generation_for("/").number > before.number


@pytest.mark.parametrize(
    "path", [p for p in WRITE_PATHS if p is not admin_list_edit], ids=lambda path: path.__name__
)
def test_every_write_is_found_by_search_at_once(write, path):
    written, _ = write(path)
    found = search(written.word, AnonymousUser(), 1)
    rows = {hit.dimension.pk for hit in found.page.object_list}
    written_rows = {
        obj.pk if isinstance(obj, Dimension) else obj.dimension_id
        for obj in written.objects
        if isinstance(obj, Dimension | Entry)
    }
    assert rows & written_rows, f"search for {written.word!r} found {rows}"


@pytest.mark.parametrize("path", [p for p in WRITE_PATHS if p in (admin_form, restore, shell_save)])
def test_every_rename_leaves_a_redirect_behind(write, path, client):
    written, _ = write(path)
    for url in written.old_urls:
        response = client.get(url)
        assert response.status_code == 301, url


def test_the_write_paths_list_covers_every_management_command_that_writes_content():
    writers = {"load_default_content", "import_kb", "make_synthetic_content"}
    assert writers <= {path.__name__ for path in WRITE_PATHS}


def test_a_list_edit_from_a_stale_list_keeps_the_other_editors_change(editor_client):
    make_comparison()
    assert 'name="form-0-version"' in editor_client.get(ROWS_URL).content.decode()
    row = _row()
    stale_version = row.version
    row.difference = "same"  # someone else, meanwhile
    row.save()
    editor_client.post(
        ROWS_URL,
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": row.pk,
            "form-0-position": 9,
            "form-0-difference": "different",  # as the stale list showed it
            "form-0-version": stale_version,
            "_save": "Save",
        },
    )
    row.refresh_from_db()
    assert (row.position, row.difference) == (9, "same")
