"""Every public page runs the same few queries for a comparison of 5 rows and of 200."""

import pytest

from tests.conftest import make_comparison

pytestmark = pytest.mark.django_db

BUDGET = 6

# One line per public page; `{slug}` is the comparison under test.
PUBLIC_PAGES = [
    "/",
    "/compare/{slug}/",
    "/compare/{slug}/?only=row-1,row-3&tag=research&segments=b2b",
    "/compare/{slug}/row-2/",
    "/embed/{slug}/",
    "/compare/{slug}/export.md",
    "/compare/{slug}/export.csv",
    "/compare/{slug}/export.json",
    "/tags/research/",
    "/tags/",
    "/search/?q=answer",
    "/compare/{slug}/row-2/changes/",
]


@pytest.mark.parametrize("page", PUBLIC_PAGES)
@pytest.mark.parametrize("rows", [5, 200])
def test_a_public_page_runs_a_fixed_number_of_queries_whatever_its_size(
    client, django_assert_max_num_queries, settings, page, rows
):
    settings.PAGE_CACHE = False  # measure the full render, not a cache hit
    make_comparison(slug="measured", rows=rows)
    url = page.format(slug="measured")
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_cached_public_page_runs_one_query(client, django_assert_num_queries, page):
    make_comparison(slug="measured", rows=5)
    url = page.format(slug="measured")
    first = client.get(url)
    with django_assert_num_queries(1):  # the content version
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
