"""Floods cannot fill the page cache: its key holds only what pages distinguish, so random
parameters and random values of known ones store nothing and evict nothing.

A flood is checked with a hundred random values of each parameter, not thousands: each value
would be a new page, and not one is stored (not any entry of the cache, pages or not), so more
values could evict nothing more (the cache holds 5,000 entries; kb/settings.py)."""

import secrets

import pytest
from django.core.cache import cache

from comparisons.caching import PAGE_PARAMETERS
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

TABLE = "/compare/b2b-vs-b2c/"
RANDOM_VALUES = 100


def entries() -> int:
    return len(cache._cache)  # the tests' cache: Django's in-memory one


def page_entries() -> int:
    return sum(":kb:page:" in key for key in cache._cache)


def test_a_thousand_random_parameters_add_no_cache_entries(client):
    make_comparison(dimensions=2)
    client.get(TABLE)
    before = entries()
    for _ in range(1000):
        response = client.get(f"{TABLE}?utm_{secrets.token_hex(4)}={secrets.token_hex(8)}")
        assert response.status_code == 200
        assert response.wsgi_request.resolver_match is None  # the cached page
    assert entries() == before


def test_a_page_first_asked_with_unknown_parameters_is_not_cached_under_them(client):
    make_comparison(dimensions=2)
    client.get("/compare/b2b-vs-b2c/row-1/")  # the table's generation is cached now
    before = page_entries()
    client.get(f"{TABLE}?ref=newsletter")
    assert page_entries() == before
    client.get(TABLE)
    assert page_entries() == before + 1


def test_known_parameters_still_make_distinct_pages(client):
    make_comparison(dimensions=3)
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


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("as_of", lambda n: str(1_600_000_000 + n * 7919)),
        ("version", lambda n: str(1_600_000_000 + n * 7919)),
        ("q", lambda n: secrets.token_hex(6)),
        ("only", lambda n: secrets.token_hex(6)),
        ("tag", lambda n: secrets.token_hex(6)),
    ],
)
def test_random_values_store_nothing_and_evict_nothing(client, parameter, value):
    make_comparison(dimensions=3)
    earlier = ["/", TABLE, f"{TABLE}?only=row-1", f"{TABLE}?as_of=1600000000"]
    for url in earlier:
        client.get(url)
        client.get(url)  # as_of: the second request finds when the rows changed
    before = set(cache._cache)
    path = "/search/" if parameter == "q" else TABLE
    for n in range(RANDOM_VALUES):
        assert client.get(path, {parameter: value(n)}).status_code in (200, 301, 302)
    assert set(cache._cache) == before
    for url in earlier:
        assert client.get(url).wsgi_request.resolver_match is None, url


def test_share_links_of_moments_flagging_the_same_rows_share_one_page(client):
    make_comparison(dimensions=2)
    client.get(f"{TABLE}?as_of=1600000000")
    client.get(f"{TABLE}?as_of=1600000000")
    another_moment = client.get(f"{TABLE}?as_of=1600000999")
    assert another_moment.wsgi_request.resolver_match is None  # every row changed after both
