"""An edit makes stale only the cached pages that show what changed: its table's, and those
spanning tables (home, tags, search, sitemap); every other table's pages stay cached."""

from unittest import mock

import pytest

from comparisons import caching
from comparisons.history import writes
from comparisons.models import Comparison, Dimension, Entry, Segment, Status
from comparisons.sharing import picture_responses
from tests.factories import make_comparison, rename

pytestmark = pytest.mark.django_db

A, B = "table-a", "table-b"

# A table's own pages: served from the page cache when cached.
TABLE_PAGES = [
    "/compare/{}/",
    "/compare/{}/?only=row-1,row-2",
    "/compare/{}/row-1/",
    "/compare/{}/export.md",
    "/compare/{}/export.csv",
    "/compare/{}/export.json",
    "/embed/{}/",
    "/compare/{}/changes.atom",
    "/api/v1/comparisons/{}/",
]
# Pictures have a cache of their own, keyed by what they show.
PICTURES = ["/compare/{}/preview.png", "/compare/{}/row-1/preview.png"]
SITE_PAGES = ["/", "/tags/", "/tags/research/", "/search/?q=answer", "/sitemap.xml"]


@pytest.fixture
def two_comparisons(client):
    """Tables A and B, every page of both cached by a reader."""
    make_comparison(slug=A, dimensions=2)
    make_comparison(slug=B, dimensions=2)
    for slug in (A, B):
        for url in TABLE_PAGES + PICTURES:
            assert client.get(url.format(slug)).status_code == 200
    for url in SITE_PAGES:
        assert client.get(url).status_code == 200


def served_from_cache(client, url: str) -> bool:
    """Whether the page was answered by the page cache: no URL resolved, no view run."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.wsgi_request.resolver_match is None


def edit_an_entry_of(slug: str) -> None:
    entry = Entry.objects.get(dimension__comparison__slug=slug, dimension__slug="row-1",
                              segment__slug="b2b")  # fmt: skip
    entry.body = "A freshly edited answer"
    writes.save(None, entry)


# Each test below checks every page of a list after one edit (the pages listed when any fails):
# one reader's cache of both tables, built once, serves them all.


def test_an_edit_to_one_table_leaves_the_other_tables_pages_cached(client, two_comparisons):
    edit_an_entry_of(A)
    assert [page for page in TABLE_PAGES if not served_from_cache(client, page.format(B))] == []
    assert [page for page in TABLE_PAGES if served_from_cache(client, page.format(A))] == []


def test_an_edit_to_one_table_leaves_the_other_tables_pictures_drawn(client, two_comparisons):
    edit_an_entry_of(A)
    with (
        mock.patch.object(picture_responses, "draw_comparison_picture", side_effect=AssertionError),
        mock.patch.object(picture_responses, "draw_dimension_picture", side_effect=AssertionError),
    ):
        assert [client.get(page.format(B)).status_code for page in PICTURES] == [200] * len(
            PICTURES
        )


def test_the_edited_tables_pages_show_the_edit_at_once(client, two_comparisons):
    edit_an_entry_of(A)
    assert [page for page in TABLE_PAGES if served_from_cache(client, page.format(A))] == []
    cells = [page for page in TABLE_PAGES if "changes" not in page]  # feeds list changes only
    assert [p for p in cells if b"freshly edited" not in client.get(p.format(A)).content] == []


def test_pages_spanning_tables_follow_any_edit(client, two_comparisons):
    edit_an_entry_of(B)
    assert [page for page in SITE_PAGES if served_from_cache(client, page)] == []


def test_a_column_renamed_makes_every_tables_pages_stale(client, two_comparisons):
    segment = Segment.objects.get(slug="b2b")
    segment.name = "Enterprise"
    writes.save(None, segment)
    for slug in (A, B):
        assert b"Enterprise" in client.get(f"/compare/{slug}/").content


def test_a_row_moved_between_tables_makes_both_stale(client, two_comparisons):
    row = Dimension.objects.get(comparison__slug=A, slug="row-2")
    row.comparison = Comparison.objects.get(slug=B)
    row.slug = "moved-row"
    writes.save(None, row)
    assert b"moved-row" not in client.get(f"/compare/{A}/").content
    assert b"moved-row" in client.get(f"/compare/{B}/").content


def test_a_renamed_table_redirects_from_its_old_address_at_once(client, two_comparisons):
    rename(Comparison, A, "table-c")
    response = client.get(f"/compare/{A}/")
    assert response.status_code == 301
    assert response["Location"] == "/compare/table-c/"


def test_an_old_address_taken_by_another_table_shows_that_table(client, two_comparisons):
    rename(Comparison, A, "table-c")
    make_comparison(slug=A, segments=("B2G",), dimensions=1)
    assert b"B2G answer" in client.get(f"/compare/{A}/").content


def test_a_deleted_tables_pages_are_gone_at_once(client):
    make_comparison(slug=A, dimensions=0)
    assert client.get(f"/compare/{A}/").status_code == 200
    writes.delete(None, [Comparison.objects.get(slug=A)])
    assert client.get(f"/compare/{A}/").status_code == 410  # Gone: it was public


def test_a_table_restored_under_its_old_id_gets_a_new_generation(client):
    """A restored backup brings tables back under their old ids."""
    table = make_comparison(slug=A, dimensions=0)
    old_id = table.pk
    used = caching.generation_for(f"/compare/{A}/")
    writes.delete(None, [table])
    restored = Comparison(id=old_id, title="Restored", slug=A, status=Status.PUBLISHED)
    writes.save(None, restored, writes.Reason.BACKUP)
    again = caching.generation_for(f"/compare/{A}/")
    assert again.scope == used.scope
    assert again.number > used.number


def test_the_generations_are_read_from_the_cache_after_a_commit(
    client, two_comparisons, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        edit_an_entry_of(A)
    with django_assert_num_queries(0):
        generation = caching.generation_for(f"/compare/{A}/")
        site = caching.generation_for("/")
    assert generation.number > 1
    assert site.scope == "site"


def _edit_in_another_process(slug: str) -> None:
    """What another app process's edit leaves here: the database changed, this process's own
    memory cache untouched (its on-commit write went to that process's cache)."""
    with (
        mock.patch.object(caching.transaction, "on_commit"),
        mock.patch.object(caching, "_cache_call"),
    ):
        edit_an_entry_of(slug)


def test_a_per_process_cache_learns_of_another_process_edit_from_the_database(
    client, two_comparisons, settings
):
    settings.CACHE_IS_SHARED = False  # LocMem without REDIS_URL: one cache per process
    _edit_in_another_process(A)
    page = client.get(f"/compare/{A}/")
    assert page.wsgi_request.resolver_match is not None  # rendered again, not the old copy
    assert client.get(f"/compare/{B}/").wsgi_request.resolver_match is None  # B still cached


def test_a_shared_cache_is_trusted_without_a_query(
    client, two_comparisons, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert client.get(f"/compare/{B}/").status_code == 200
