"""The page cache's key holds only the query parameters pages know: random parameters add
no entries, and are served the page without them."""

import secrets

import pytest
from django.core.cache import cache

from comparisons.caching import PAGE_PARAMETERS
from tests.conftest import make_comparison

pytestmark = pytest.mark.django_db

TABLE = "/compare/b2b-vs-b2c/"


def entries() -> int:
    return len(cache._cache)  # the tests' cache: Django's in-memory one


def page_entries() -> int:
    """Whole pages only: the rows a render draws are kept by their content, whatever the URL."""
    return sum(":kb:page:" in key for key in cache._cache)


def test_a_thousand_random_parameters_add_no_cache_entries(client):
    make_comparison(rows=2)
    client.get(TABLE)
    before = entries()
    for _ in range(1000):
        response = client.get(f"{TABLE}?utm_{secrets.token_hex(4)}={secrets.token_hex(8)}")
        assert response.status_code == 200
        assert response.wsgi_request.resolver_match is None  # the cached page
    assert entries() == before


def test_a_page_first_asked_with_unknown_parameters_is_not_cached_under_them(client):
    make_comparison(rows=2)
    client.get("/compare/b2b-vs-b2c/row-1/")  # the table's generation is cached now
    before = page_entries()
    client.get(f"{TABLE}?ref=newsletter")
    assert page_entries() == before
    client.get(TABLE)
    assert page_entries() == before + 1


def test_known_parameters_still_make_distinct_pages(client):
    make_comparison(rows=3)
    client.get("/embed/b2b-vs-b2c/?only=row-1")
    client.get("/embed/b2b-vs-b2c/?only=row-2")
    one = client.get("/embed/b2b-vs-b2c/?only=row-1&fbclid=x").content
    two = client.get("/embed/b2b-vs-b2c/?only=row-2&fbclid=y").content
    assert b"Row 1" in one
    assert b"Row 2" not in one
    assert b"Row 1" not in two


def test_every_parameter_a_page_reads_is_known():
    """The filter, share-link moments, pinned embeds, search and page numbers."""
    assert {"only", "tag", "segments", "min", "as_of", "version", "q", "page", "p"} <= (
        PAGE_PARAMETERS
    )
