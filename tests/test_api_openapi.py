"""The API's OpenAPI description is valid, complete, and every answer matches it."""

import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_spec_validator import validate

from comparisons.models import Comparison, Dimension
from tests.factories import make_comparison, rename
from tests.test_fuzz import FUZZ, ROUTES

pytestmark = pytest.mark.django_db

DESCRIPTION = "/api/v1/openapi.json"


@pytest.fixture(autouse=True)
def site_url(settings):
    # The description's server is SITE_URL; the test client's requests go to testserver.
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def description(client) -> dict:
    response = client.get(DESCRIPTION)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def openapi(description) -> OpenAPI:
    return OpenAPI.from_dict(description)


def assert_matches_description(openapi: OpenAPI, response) -> None:
    """The answer is one the description names, for that path and method, with its schema."""
    openapi.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )


def test_the_description_is_valid_openapi_3_1(description):
    validate(description)
    assert description["openapi"] == "3.1.0"
    assert description["servers"] == [{"url": "http://testserver"}]


def test_the_description_names_every_api_route(description):
    routes = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for route in ROUTES
        if route.startswith("api/")
    }
    assert routes == {*description["paths"], DESCRIPTION}
    for operations in description["paths"].values():
        assert set(operations) == {"get"}  # HEAD answers too, undocumented as usual


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/comparisons/",
        "/api/v1/comparisons/?page=1",
        "/api/v1/comparisons/?page=0",
        "/api/v1/comparisons/?page=5",
        "/api/v1/comparisons/b2b-vs-b2c/",
        "/api/v1/comparisons/b2b-vs-b2c/?only=row-1,nope&tag=research&segments=b2c&min=same",
        "/api/v1/comparisons/nope/",
        "/api/v1/comparisons/old-name/",
        "/api/v1/comparisons/b2b-vs-b2c/rows/row-2/",
        "/api/v1/comparisons/b2b-vs-b2c/rows/nope/",
        "/api/v1/comparisons/b2b-vs-b2c/rows/old-row/",
        "/api/v1/search/?q=answer",
        "/api/v1/search/?q=answer&page=3",
        "/api/v1/search/?q=",
        "/api/v1/search/",
    ],
)
def test_every_kind_of_answer_matches_the_description(client, openapi, url):
    make_comparison(slug="old-name", dimensions=3)
    rename(Comparison, "old-name", "b2b-vs-b2c")
    rename(Dimension, "row-3", "old-row")
    rename(Dimension, "old-row", "row-3")
    Dimension.objects.filter(slug="row-2").update(common_ground="")
    response = client.get(url)
    assert response.status_code in (200, 301, 400, 404), url
    assert_matches_description(openapi, response)


def test_a_304_and_a_429_match_the_description(client, openapi, settings):
    make_comparison()
    url = "/api/v1/comparisons/b2b-vs-b2c/"
    not_modified = client.get(url, headers={"If-None-Match": client.get(url)["ETag"]})
    assert not_modified.status_code == 304
    assert_matches_description(openapi, not_modified)
    settings.API_RATE_LIMIT = "2/d"
    too_many = [client.get(url) for _ in range(3)][-1]
    assert too_many.status_code == 429
    assert_matches_description(openapi, too_many)


def test_drafts_and_hostile_text_still_match_the_description(client, openapi):
    make_comparison(slug="draft", status="draft")
    comparison = make_comparison()
    Comparison.objects.filter(pk=comparison.pk).update(summary="<script>alert(1)</script>")
    Dimension.objects.filter(slug="row-1").update(title="\u0007 <b>&amp;\u2028", question="")
    for url in ("/api/v1/comparisons/", "/api/v1/comparisons/b2b-vs-b2c/", "/api/v1/search/?q=b"):
        response = client.get(url)
        assert response.status_code == 200
        assert_matches_description(openapi, response)


API_PATHS = [
    "/api/v1/",
    "/api/v1/comparisons/",
    "/api/v1/comparisons/{}/",
    "/api/v1/comparisons/{}/rows/{}/",
    "/api/v1/search/",
]
slugs = st.one_of(
    st.sampled_from(["b2b-vs-b2c", "row-1", "row-2", "nope"]),
    st.text(min_size=1, max_size=30).map(lambda text: quote(text, safe="")),
)
parameters = st.lists(
    st.tuples(
        st.sampled_from(["only", "tag", "segments", "min", "q", "page", "other"]),
        st.one_of(
            st.sampled_from(["row-1", "research", "b2b", "different", "1", "2", "-1", "0"]),
            st.text(max_size=40),
        ),
    ),
    max_size=6,
)


@FUZZ
@given(
    path=st.sampled_from(API_PATHS),
    values=st.lists(slugs, min_size=2, max_size=2),
    query=parameters,
)
def test_fuzzed_api_requests_get_described_answers_never_a_5xx(
    client, openapi, comparison, path, values, query
):
    url = path.format(*values)
    response = client.get(url, QUERY_STRING="&".join(f"{k}={quote(v)}" for k, v in query))
    assert response.status_code < 500, (url, query)
    try:
        assert_matches_description(openapi, response)
    except PathNotFound:
        # Not an API path at all (a slug the URL patterns refuse): Django's 404, as JSON.
        assert response.status_code == 404 and set(response.json()) == {"detail"}
