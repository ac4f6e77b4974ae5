"""Styled 400, 403, 404 and 500 pages that leak nothing with DEBUG off."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

from kb.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db

SECRET = "do-not-show-this-secret"


def boom(request):
    raise RuntimeError(f"database password is {SECRET}")


def forbidden(request):
    raise PermissionDenied(SECRET)


def suspicious(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("test/boom/", boom),
    path("test/forbidden/", forbidden),
    path("test/suspicious/", suspicious),
    *site_urls,
]


def assert_leaks_nothing(html: str):
    assert SECRET not in html
    assert "Traceback" not in html
    assert "SECRET_KEY" not in html
    assert "settings" not in html.lower()


def test_404_is_styled_and_plain(client):
    response = client.get("/compare/no-such-thing/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert "/static/css/base.css" in html
    assert_leaks_nothing(html)
    assert "No such comparison" not in html


@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.parametrize(
    "url, status, heading",
    [("/test/forbidden/", 403, "Forbidden"), ("/test/suspicious/", 400, "Bad request")],
)
def test_403_and_400_are_styled_and_plain(client, url, status, heading):
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert_leaks_nothing(html)


def test_a_post_without_csrf_token_gets_the_styled_403():
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Forbidden</h1>" in html
    assert "CSRF" not in html


def test_an_unknown_host_gets_the_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


@pytest.mark.urls("tests.test_error_pages")
def test_500_is_self_contained_and_leaks_nothing():
    client = Client(raise_request_exception=False)
    response = client.get("/test/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/base.css">' in html
    assert "{%" not in html
    assert_leaks_nothing(html)
    assert response["Content-Security-Policy"]
