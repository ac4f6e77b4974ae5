"""Every way content changes (tests/write_paths.py, the one list of write paths) keeps the same
promises to readers: cached pages made stale, search seeing the change at once, old slugs
redirecting. One test per promise, run over every write path; that each records its history,
as one changeset, is tests/test_changesets.py."""

import pytest
from django.contrib.auth.models import AnonymousUser

from comparisons import caching
from comparisons.models import Dimension, Entry
from comparisons.search.queries import search
from tests import write_paths
from tests.factories import make_comparison
from tests.write_paths import RENAMES, ROWS_URL, UNSEARCHED, WRITE_PATHS, Written

pytestmark = pytest.mark.django_db


def _row(slug="row-1") -> Dimension:
    return Dimension.objects.get(comparison__slug="b2b-vs-b2c", slug=slug)


@pytest.fixture
def write(editor_client, tmp_path):
    make_comparison()
    return lambda path: write_paths.run(path, editor_client, tmp_path)


def _ids(path) -> str:
    return path.__name__


@pytest.mark.parametrize("path", WRITE_PATHS, ids=_ids)
def test_every_write_makes_the_cached_pages_stale(write, path, client):
    """The site's generation, under which the home page is cached: every write changes it.
    (Which tables' pages each write makes stale: tests/test_cache_generations.py.)"""
    client.get("/")  # cached now
    before = caching.generation_for("/")
    write(path)
    assert caching.generation_for("/").number > before.number


def _rows(written: Written) -> set[int]:
    """The rows a write wrote: its rows, and those of its cells (deleted ones too)."""
    rows = {pk for model, pk in written.touched if model == "Dimension"}
    cells = [pk for model, pk in written.touched if model == "Entry"]
    return rows | set(Entry.history.filter(id__in=cells).values_list("dimension_id", flat=True))


def _found(word: str) -> set[int]:
    return {hit.dimension.pk for hit in search(word, AnonymousUser(), 1).page.object_list}


@pytest.mark.parametrize("path", [p for p in WRITE_PATHS if p not in UNSEARCHED], ids=_ids)
def test_every_write_is_seen_by_search_at_once(write, path):
    written = write(path)
    assert written.word or written.unfound
    if written.word:
        assert _found(written.word) & _rows(written), f"search for {written.word!r}"
    if written.unfound:
        assert not _found(written.unfound) & _rows(written), f"search for {written.unfound!r}"


@pytest.mark.parametrize("path", RENAMES, ids=_ids)
def test_every_rename_leaves_a_redirect_behind(write, path, client):
    written = write(path)
    assert written.old_urls
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
