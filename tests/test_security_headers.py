"""Security headers on every page type; framing only where `allow_framing` says."""

import re

import pytest
from django.test import Client

from tests.pages import SAMPLE, make_short_link, page_types

pytestmark = pytest.mark.django_db

# Every public page but the embed (which may be framed: tested below), and the other kinds of
# response: the health check, an error page, the admin.
PAGE_TYPES = [
    *(page.url(SAMPLE) for page in page_types() if not page.framable),
    "/healthz",
    "/no-such-page/",
    "/admin/login/",
]


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    directives = csp_directives(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_every_page_type_sends_the_security_headers_and_refuses_framing(client, comparison, url):
    make_short_link(SAMPLE)
    response = client.get(url)
    assert response.status_code in (200, 302, 404)
    assert_common_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    assert csp_directives(response)["frame-ancestors"] == "'none'"


def test_the_admin_sends_the_headers_and_loads_only_static_scripts_and_styles(editor_client):
    response = editor_client.get("/admin/comparisons/comparison/add/")
    assert response.status_code == 200
    assert_common_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    # The CSP forbids inline scripts: every <script> loads a file from this site.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert re.search(r'src="/(static|admin)/', tag), tag
    assert "<style" not in html
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        assert href.startswith("/static/"), href


def test_the_embed_may_be_framed_by_any_site(client, comparison):
    response = client.get("/embed/b2b-vs-b2c/")
    assert response.status_code == 200
    assert_common_headers(response)
    assert "X-Frame-Options" not in response
    assert "frame-ancestors" not in response["Content-Security-Policy"]


@pytest.mark.urls("tests.framing_urls")
def test_allow_framing_lifts_both_frame_denials_on_the_view_it_decorates(client):
    frameable = client.get("/test/frameable/")
    assert "X-Frame-Options" not in frameable
    assert "frame-ancestors" not in frameable["Content-Security-Policy"]
    assert_common_headers(frameable)
    plain = client.get("/test/plain/")
    assert plain["X-Frame-Options"] == "DENY"
    assert csp_directives(plain)["frame-ancestors"] == "'none'"


def test_https_redirect_spares_the_health_check_and_trusts_the_proxy_header(settings, comparison):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()
    redirect = client.get("/compare/b2b-vs-b2c/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://testserver/compare/b2b-vs-b2c/"
    assert client.get("/healthz").status_code == 200
    behind_proxy = client.get("/compare/b2b-vs-b2c/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 200
    assert behind_proxy["Strict-Transport-Security"].startswith("max-age=31536000")
