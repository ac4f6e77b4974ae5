"""Public pages and exports answer a repeated request with 304 until the content changes."""

import pytest

from comparisons.history import writes
from comparisons.models import Entry
from tests.factories import make_comparison
from tests.pages import FEED, FILE, HTML, JSON, SAMPLE, urls

pytestmark = pytest.mark.django_db

PAGES = urls(SAMPLE, HTML, FILE, FEED, JSON)


@pytest.fixture(autouse=True)
def comparison_of_two(db):
    return make_comparison(dimensions=2)


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_a_public_page_sends_validators_and_must_revalidate(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=0" in cache_control
    assert "must-revalidate" in cache_control
    assert "s-maxage=3" in cache_control  # a shared cache (deploy/nginx.conf) keeps it 3 s


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_a_matching_etag_gets_304_with_no_body(client, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_an_unchanged_page_since_last_modified_gets_304(client):
    last_modified = client.get("/compare/b2b-vs-b2c/")["Last-Modified"]
    response = client.get("/compare/b2b-vs-b2c/", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    assert response.content == b""


def test_an_edit_changes_the_etag_and_the_page(client):
    etag = client.get("/compare/b2b-vs-b2c/")["ETag"]
    entry = Entry.objects.first()
    entry.body = "Changed after the first visit"
    writes.save(None, entry)
    response = client.get("/compare/b2b-vs-b2c/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert b"Changed after the first visit" in response.content


def test_each_url_has_its_own_etag(client):
    assert client.get("/")["ETag"] != client.get("/compare/b2b-vs-b2c/")["ETag"]


def test_an_export_keeps_its_download_headers_from_the_cache(client):
    first = client.get("/compare/b2b-vs-b2c/export.csv")
    again = client.get("/compare/b2b-vs-b2c/export.csv")
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == first["Content-Type"]


def test_staff_get_no_shared_validators(editor_client):
    response = editor_client.get("/compare/b2b-vs-b2c/")
    assert "ETag" not in response
    assert "private" in response["Cache-Control"]
