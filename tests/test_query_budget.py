"""Every public page runs the same few queries for a comparison of 5 rows and of 200."""

import pytest

from tests.factories import make_comparison
from tests.pages import (
    FEED,
    FILE,
    HTML,
    IMAGE,
    JSON,
    REDIRECT,
    SAMPLE,
    make_short_link,
    page_types,
    urls,
)

pytestmark = pytest.mark.django_db

BUDGET = 6

NAMES = {**SAMPLE, "comparison": "measured"}
PAGES = page_types(HTML, FILE, IMAGE, FEED, JSON)
CACHED_PAGES = urls(NAMES, HTML, FILE, FEED, JSON)
REDIRECTS = urls(NAMES, REDIRECT)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
@pytest.mark.parametrize("rows", [5, 200])
def test_a_public_page_runs_a_fixed_number_of_queries_whatever_its_size(
    client, django_assert_max_num_queries, settings, page, rows
):
    settings.PAGE_CACHE = False  # measure the full render, not a cache hit
    make_comparison(slug="measured", dimensions=rows, bulk=True)
    url = page.url(NAMES)
    with django_assert_max_num_queries(BUDGET + page.extra_queries):
        response = client.get(url)
    assert response.status_code == 200, url


# Pictures are kept by their own cache (sharing/picture_responses.py), not the page cache.
@pytest.mark.parametrize("url", CACHED_PAGES.values(), ids=CACHED_PAGES.keys())
def test_a_cached_public_page_runs_no_query(client, django_assert_num_queries, url):
    make_comparison(slug="measured", dimensions=5)
    first = client.get(url)
    with django_assert_num_queries(0):  # the generation and the page come from the cache
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content


@pytest.mark.parametrize("url", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_a_redirect_runs_the_generation_and_one_lookup(client, django_assert_num_queries, url):
    make_comparison(slug="measured", dimensions=200, bulk=True)
    make_short_link(NAMES)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.status_code == 302
