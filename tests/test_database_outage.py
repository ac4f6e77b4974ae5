"""With the database down, pages cached before the outage are served 200 from the cache and
everything else answers 503 with Retry-After, never 500; /healthz says which part is down;
the site recovers by itself when the database is back.

The outage is real: the app's connection is pointed at a port that refuses (PostgreSQL) or
at a file that cannot be opened (SQLite).
"""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection

from tests.factories import make_comparison

pytestmark = pytest.mark.django_db(transaction=True)

CACHED = [
    "/",
    "/compare/b2b-vs-b2c/",
    "/compare/b2b-vs-b2c/?only=row-1",
    "/compare/b2b-vs-b2c/row-1/",
    "/compare/b2b-vs-b2c/export.csv",
    "/embed/b2b-vs-b2c/",
    "/tags/",
    "/search/?q=answer",
    "/api/v1/comparisons/b2b-vs-b2c/",
]
NOT_CACHED = [
    "/compare/b2b-vs-b2c/row-2/",
    "/search/?q=nothing-cached",
    "/tags/research/",
    "/compare/no-such-table/",
]


@contextmanager
def database_down():
    """Point the app's connection at a database that cannot be reached, then back."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/kb.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")  # nothing listens there
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def cached(client):
    make_comparison(dimensions=3)
    for url in CACHED:
        assert client.get(url).status_code == 200, url
    return {url: client.get(url).content for url in CACHED}


def test_pages_cached_before_the_outage_are_served(client, cached):
    with database_down():
        for url in CACHED:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.content == cached[url]


@pytest.mark.parametrize("url", NOT_CACHED)
def test_other_pages_answer_503_with_retry_after(client, cached, url):
    with database_down():
        response = client.get(url)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert b"<h1>Unavailable for a moment</h1>" in response.content
    assert "no-store" in response["Cache-Control"]


def test_writes_answer_503(client, cached):
    with database_down():
        response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 503


def test_every_page_answers_503_when_the_cache_is_down_too(client, cached):
    down = ConnectionError("the cache server does not answer")
    with database_down(), mock.patch("django.core.cache.cache.get", side_effect=down):
        for url in CACHED:
            assert client.get(url).status_code == 503, url


def test_healthz_says_the_database_is_down(client, cached):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False, "cache": True}


def test_the_site_recovers_without_a_restart(client, cached):
    with database_down():
        assert client.get("/compare/b2b-vs-b2c/row-2/").status_code == 503
    assert client.get("/compare/b2b-vs-b2c/row-2/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_an_edit_just_before_the_outage_is_served_during_it(client, cached):
    """The new generation was written to the cache after the commit: readers need no
    database to know the old pages are stale."""
    from comparisons.history import writes
    from comparisons.models import Entry

    entry = Entry.objects.get(dimension__slug="row-1", segment__slug="b2b")
    entry.body = "Edited just before the outage"
    writes.save(None, entry)
    assert b"Edited just before" in client.get("/compare/b2b-vs-b2c/").content
    with database_down():
        response = client.get("/compare/b2b-vs-b2c/")
        stale = client.get("/compare/b2b-vs-b2c/row-1/")
    assert response.status_code == 200
    assert b"Edited just before" in response.content
    assert stale.status_code == 503  # cached before the edit: never served stale
