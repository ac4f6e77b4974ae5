"""Fuzzed requests to every public URL pattern never get a 5xx.

The patterns come from the URL resolver (all but the admin), so routes added later are
fuzzed too. Unsafe methods without a CSRF token get 403 (405 from the read-only API, which
reads no session); other wrong methods 405. The API's errors are JSON.
"""

import json
import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=50,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KNOWN_VALUES = ["b2b-vs-b2c", "row-1", "research", "md", "csv", "json", "B2B-VS-B2C"]


def public_routes() -> list[str]:
    """Every route as a string like "compare/<slug:comparison>/", admin excluded."""
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    return routes


ROUTES = public_routes()
PARAMETER = re.compile(r"<(?:[^>:]+:)?[^>]+>")

segments = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    st.text(min_size=0, max_size=80).map(lambda text: quote(text, safe="")),
    st.binary(max_size=40).map(lambda raw: quote(raw, safe="")),
)
query_keys = st.one_of(
    st.sampled_from(["only", "segments", "tag", "q", "page", "format", ""]),
    st.text(max_size=20),
)
query_values = st.one_of(st.text(max_size=200), st.sampled_from(KNOWN_VALUES))


@st.composite
def query_strings(draw) -> str:
    kind = draw(st.sampled_from(["pairs", "raw", "long"]))
    if kind == "raw":
        # Percent-encoded garbage and bytes that are not UTF-8, as WSGI passes them (latin-1).
        return draw(st.binary(max_size=300)).decode("latin-1")
    if kind == "long":
        return "only=" + "a," * draw(st.integers(min_value=500, max_value=5000))
    pairs = draw(st.lists(st.tuples(query_keys, query_values), max_size=12))
    return "&".join(f"{quote(key)}={quote(value)}" for key, value in pairs)


def fill(route: str, values: list[str]) -> str:
    values = iter(values)
    return "/" + PARAMETER.sub(lambda _: next(values), route)


accept_headers = st.one_of(
    st.sampled_from(
        ["text/html", "application/json", "*/*", "text/markdown;q=0.9, */*;q=0.1", "image/png"]
    ),
    st.text(max_size=100).filter(lambda text: "\n" not in text and "\r" not in text),
)


@st.composite
def requests(draw):
    route = draw(st.sampled_from(ROUTES))
    count = len(PARAMETER.findall(route))
    path = fill(route, draw(st.lists(segments, min_size=count, max_size=count)))
    return path, draw(query_strings()), draw(accept_headers)


def test_every_public_route_is_fuzzed():
    assert "healthz" in ROUTES
    assert any(route.startswith("compare/") for route in ROUTES)
    assert any(route.startswith("api/v1/comparisons/") for route in ROUTES)
    assert not any(route.startswith("admin") for route in ROUTES)


@FUZZ
@given(request=requests(), method=st.sampled_from(["GET", "HEAD"]))
def test_fuzzed_reads_never_fail_on_the_server(client, comparison, request, method):
    path, query, accept = request
    response = client.generic(method, path, QUERY_STRING=query, HTTP_ACCEPT=accept)
    if path == "/oembed" and response.status_code == 501:
        return  # oEmbed 1.0's answer to a format it does not offer (tests/test_oembed.py)
    assert response.status_code < 500, (method, path, query)
    assert_api_errors_are_json(path, method, response)


def assert_api_errors_are_json(path, method, response):
    if path.startswith("/api/") and response.status_code >= 400 and method != "HEAD":
        assert response["Content-Type"].startswith("application/json"), path
        assert json.loads(response.content)["detail"], path


@FUZZ
@given(request=requests(), method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE"]))
def test_fuzzed_writes_without_csrf_token_are_forbidden(comparison, request, method):
    path, query, accept = request
    client = Client(enforce_csrf_checks=True)
    response = client.generic(method, path, b"x=1", QUERY_STRING=query, HTTP_ACCEPT=accept)
    # 301: CommonMiddleware's trailing slash redirect can only answer before CSRF runs.
    refused = 405 if path.startswith("/api/") else 403
    assert response.status_code in (refused, 404, 301), (method, path, query)
    assert_api_errors_are_json(path, method, response)


@FUZZ
@given(request=requests(), method=st.sampled_from(["OPTIONS", "TRACE", "PROPFIND", "BREW"]))
def test_fuzzed_other_methods_are_not_allowed(client, comparison, request, method):
    path, query, accept = request
    response = client.generic(method, path, QUERY_STRING=query, HTTP_ACCEPT=accept)
    assert response.status_code in (405, 404, 301), (method, path, query)
    assert_api_errors_are_json(path, method, response)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/compare/b2b-vs-b2c/",
        "/compare/b2b-vs-b2c/row-1/",
        "/compare/b2b-vs-b2c/export.csv",
        "/embed/b2b-vs-b2c/",
        "/tags/research/",
        "/healthz",
    ],
)
def test_known_pages_refuse_wrong_methods(client, comparison, path):
    assert client.options(path).status_code == 405
    # The test client skips CSRF checks by default: these reach the view.
    assert client.post(path).status_code == 405
    assert client.delete(path).status_code == 405
    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
