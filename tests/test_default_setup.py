"""The setup `make run` starts: no REDIS_URL, so each process has a cache of its own
(`CACHE_IS_SHARED` off; tests/conftest.py turns it on for the rest of the suite). Pages are
served and cached, and an edit shows on the next request."""

import pytest

from comparisons.history import writes
from comparisons.models import Entry, Status
from kb import settings as project_settings

pytestmark = pytest.mark.django_db

TABLE = "/compare/b2b-vs-b2c/"
ROW = "/compare/b2b-vs-b2c/row-1/"


@pytest.fixture(autouse=True)
def per_process_cache(settings):
    settings.CACHE_IS_SHARED = project_settings.CACHE_IS_SHARED
    assert settings.CACHE_IS_SHARED is False, "tests run without REDIS_URL, as `make run` does"


def edit_entry(body: str) -> None:
    entry = Entry.objects.get(dimension__slug="row-1", segment__slug="b2c")
    entry.body = body
    writes.save(None, entry)


@pytest.mark.parametrize("url", ["/", TABLE, ROW, "/tags/research/", "/search/?q=answer"])
def test_pages_are_served_and_served_again_the_same(client, comparison_of_three, url):
    first = client.get(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content


@pytest.mark.parametrize("url", [TABLE, ROW, f"{TABLE}?only=row-1", "/search/?q=zeppelin"])
def test_an_edit_shows_on_the_next_request(client, comparison_of_three, url):
    client.get(url)  # cached, if the page is cached at all
    edit_entry("Now about zeppelins")
    assert "zeppelin" in client.get(url).content.decode()


def test_a_row_removed_and_a_table_unpublished_disappear_at_once(client, comparison_of_three):
    assert 'id="row-3"' in client.get(TABLE).content.decode()
    writes.delete(None, [comparison_of_three.dimensions.get(slug="row-3")])
    assert 'id="row-3"' not in client.get(TABLE).content.decode()
    comparison_of_three.status = Status.DRAFT
    writes.save(None, comparison_of_three)
    assert client.get(TABLE).status_code == 404
