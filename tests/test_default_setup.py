"""The setup `make run` starts: no REDIS_URL, so each process has a cache of its own
(`CACHE_IS_SHARED` off; tests/conftest.py turns it on for the rest of the suite). Pages are
served and cached, an edit (the admin's or the shell's) shows on the next request, and staff
pages are never stored. (Another process's edit: tests/test_cache_generations.py.)"""

import pytest
from django.test import Client

from comparisons.history import writes
from comparisons.models import Dimension, Entry, Status
from kb import settings as project_settings
from tests.admin_forms import change_url, opened_dimension_form

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


def served_from_cache(response) -> bool:
    return response.wsgi_request.resolver_match is None


def test_staff_pages_are_never_stored_and_readers_never_see_drafts(
    comparison_of_three, editor_client
):
    reader = Client()  # editor_client is the `client` fixture, logged in
    Dimension.objects.filter(slug="row-3").update(status=Status.DRAFT)
    for _ in range(2):
        staff = editor_client.get(TABLE)
        assert not served_from_cache(staff)
        assert 'id="row-3"' in staff.content.decode()  # staff see the draft
    for _ in range(2):
        assert 'id="row-3"' not in reader.get(TABLE).content.decode()
    assert served_from_cache(reader.get(TABLE))  # the reader's page is stored, the staff's not
    assert not served_from_cache(editor_client.get(TABLE))


def test_an_edit_in_the_admin_shows_to_readers_on_the_next_request(
    comparison_of_three, editor_client
):
    reader = Client()
    reader.get(ROW)
    assert served_from_cache(reader.get(ROW))
    row = Dimension.objects.get(slug="row-1")
    data = opened_dimension_form(row, b2c_body="Now about zeppelins")
    assert editor_client.post(change_url(row), data).status_code == 302
    for url in (ROW, TABLE, "/search/?q=zeppelin"):
        assert "zeppelin" in reader.get(url).content.decode(), url
