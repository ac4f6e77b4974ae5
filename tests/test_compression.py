"""Public pages are sent gzipped to clients that accept it; the admin and pages carrying a
CSRF token never are (BREACH)."""

import gzip

import pytest

from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate"}


@pytest.mark.parametrize("url", ["/compare/b2b-vs-b2c/", "/", "/sitemap.xml"])
def test_public_pages_are_gzipped_rendered_and_from_the_cache(client, url):
    make_comparison(dimensions=20)
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(url, headers=GZIP)
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content)


def test_clients_not_asking_for_gzip_get_plain_html(client):
    make_comparison(dimensions=20)
    response = client.get("/compare/b2b-vs-b2c/")
    assert "Content-Encoding" not in response
    assert b"Row 20" in response.content


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/"])
def test_the_admin_is_never_compressed(client, url):
    assert "Content-Encoding" not in client.get(url, headers=GZIP)


def test_staff_pages_are_never_compressed(editor_client):
    make_comparison(dimensions=20)
    response = editor_client.get("/compare/b2b-vs-b2c/", headers=GZIP)
    assert "Content-Encoding" not in response
