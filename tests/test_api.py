"""The read-only API under /api/v1/: comparisons, a table or view, a row, search."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from comparisons.api import v1
from comparisons.history import writes
from comparisons.models import Comparison, Dimension, Status
from tests.factories import PUBLIC_SITE, make_comparison, redirects, rename

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_site")]

SITE = PUBLIC_SITE
TABLE = "/api/v1/comparisons/b2b-vs-b2c/"


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.content)
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_the_index_says_where_everything_is(client):
    assert get_json(client, "/api/v1/") == {
        "comparisons": f"{SITE}/api/v1/comparisons/",
        "search": f"{SITE}/api/v1/search/",
        "openapi": f"{SITE}/api/v1/openapi.json",
    }


def test_comparisons_are_listed_by_title_with_their_links_and_published_rows(client):
    make_comparison(slug="zeta", dimensions=2, dimension_status=Status.DRAFT)
    make_comparison(slug="alpha", dimensions=3)
    listing = get_json(client, "/api/v1/comparisons/")
    assert [item["slug"] for item in listing["results"]] == ["alpha", "zeta"]
    alpha = listing["results"][0]
    assert alpha["url"] == f"{SITE}/compare/alpha/"
    assert alpha["api_url"] == f"{SITE}/api/v1/comparisons/alpha/"
    assert alpha["feed_url"] == f"{SITE}/compare/alpha/changes.atom"
    assert alpha["rows"] == 3
    assert listing["results"][1]["rows"] == 0
    assert (listing["count"], listing["next"], listing["previous"]) == (2, None, None)


def test_draft_comparisons_are_listed_for_staff_only(editor_client):
    make_comparison(slug="draft-table", status=Status.DRAFT)
    assert get_json(Client(), "/api/v1/comparisons/")["results"] == []
    assert [c["slug"] for c in get_json(editor_client, "/api/v1/comparisons/")["results"]] == [
        "draft-table"
    ]


def test_comparisons_come_in_pages_linked_by_absolute_urls(client, monkeypatch):
    monkeypatch.setattr(v1, "PAGE_SIZE", 2)
    for slug in ("a", "b", "c", "d", "e"):
        make_comparison(slug=slug, dimensions=0)
    second = get_json(client, "/api/v1/comparisons/?page=2")
    assert [item["slug"] for item in second["results"]] == ["c", "d"]
    assert second["count"] == 5
    assert second["next"] == f"{SITE}/api/v1/comparisons/?page=3"
    assert second["previous"] == f"{SITE}/api/v1/comparisons/?page=1"
    last = get_json(client, second["next"].removeprefix(SITE))
    assert [item["slug"] for item in last["results"]] == ["e"] and last["next"] is None


@pytest.mark.parametrize(
    "page, status, detail",
    [
        ("0", 400, "page: Input should be greater than or equal to 1"),
        ("two", 400, "page: Input should be a valid integer, unable to parse string as an integer"),
        ("9", 404, "There is no page 9: the last page is 1."),
    ],
)
def test_a_page_that_does_not_exist_is_a_clear_error(
    client, comparison_of_three, page, status, detail
):
    assert get_json(client, f"/api/v1/comparisons/?page={page}", status) == {"detail": detail}


@pytest.mark.parametrize(
    "query",
    ["", "only=row-1,row-3", "only=row-3&only=ROW-1&segments=b2c", "tag=research&min=different"],
)
def test_a_table_is_the_document_of_its_json_export(client, comparison_of_three, query):
    export = client.get(f"/compare/b2b-vs-b2c/export.json?{query}")
    assert get_json(client, f"{TABLE}?{query}") == json.loads(export.content)


def test_a_filtered_table_lists_what_it_ignored_as_the_page_does(client, comparison_of_three):
    document = get_json(client, f"{TABLE}?only=row-2,nope&min=huge")
    assert [row["slug"] for row in document["rows"]] == ["row-2"]
    assert document["filter"]["ignored"] == [
        {"parameter": "only", "value": "nope"},
        {"parameter": "min", "value": "huge"},
    ]
    assert document["url"] == f"{SITE}/compare/b2b-vs-b2c/?only=row-2"


def test_a_row_comes_with_its_columns_and_where_to_follow_it(client, comparison_of_three):
    document = get_json(client, f"{TABLE}rows/row-2/")
    assert document["row"]["slug"] == "row-2"
    assert [cell["body"] for cell in document["row"]["entries"]] == [
        "B2B answer for row 2",
        "B2C answer for row 2",
    ]
    assert [segment["slug"] for segment in document["segments"]] == ["b2b", "b2c"]
    assert document["comparison"]["slug"] == "b2b-vs-b2c"
    assert document["changes_url"] == f"{SITE}/compare/b2b-vs-b2c/row-2/changes/"
    assert document["feed_url"] == f"{SITE}/compare/b2b-vs-b2c/row-2/changes.atom"


@pytest.mark.parametrize(
    "url, detail",
    [
        ("/api/v1/comparisons/nope/", "No such comparison."),
        (f"{TABLE}rows/nope/", "No such row in this comparison."),
        ("/api/v1/comparisons/draft-table/", "No such comparison."),
        ("/api/v1/comparisons/draft-table/rows/row-1/", "No such comparison."),
        (f"{TABLE}rows/row-3/", "No such row in this comparison."),  # a draft row
    ],
)
def test_unknown_and_unpublished_things_are_404_for_readers(
    client, comparison_of_three, url, detail
):
    make_comparison(slug="draft-table", status=Status.DRAFT)
    Dimension.objects.filter(comparison=comparison_of_three, slug="row-3").update(
        status=Status.DRAFT
    )
    assert get_json(client, url, 404) == {"detail": detail}


def test_drafts_never_appear_in_a_table_for_readers(client, editor_client, comparison_of_three):
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    assert [row["slug"] for row in get_json(Client(), TABLE)["rows"]] == ["row-1", "row-3"]
    assert len(get_json(editor_client, TABLE)["rows"]) == 3


def test_old_slugs_redirect_to_the_current_urls_keeping_the_query(client, comparison_of_three):
    rename(Comparison, "b2b-vs-b2c", "renamed")
    rename(Dimension, "row-1", "first-row")
    renamed = "/api/v1/comparisons/renamed/"
    old = [f"{TABLE}?segments=b2b", f"{renamed}?only=row-1", f"{renamed}rows/row-1/"]
    assert redirects(client, old) == [
        "/api/v1/comparisons/renamed/?segments=b2b",
        "/api/v1/comparisons/renamed/?only=first-row",
        "/api/v1/comparisons/renamed/rows/first-row/",
    ]


def test_search_returns_the_search_pages_rows_with_links(client, comparison_of_three):
    row = Dimension.objects.get(slug="row-2")
    row.title = "Dogfooding"
    writes.save(None, row)  # the write service indexes it for search
    results = get_json(client, "/api/v1/search/?q=dogfood")
    assert results["count"] == 1 and results["query"] == "dogfood"
    hit = results["results"][0]
    assert hit["row"] == {
        "slug": "row-2",
        "title": "Dogfooding",
        "url": f"{SITE}/compare/b2b-vs-b2c/#row-2",
        "api_url": f"{SITE}{TABLE}rows/row-2/",
    }
    assert hit["comparison"]["api_url"] == f"{SITE}{TABLE}"
    assert hit["title_html"] == "<mark>Dogfooding</mark>"
    assert hit["tags"] == ["research"]


def test_search_pages_and_hides_drafts_from_readers(client, comparison_of_three, settings):
    make_comparison(slug="drafts", dimensions=3, status=Status.DRAFT)
    results = get_json(client, "/api/v1/search/?q=answer")
    assert results["count"] == 3
    assert {hit["comparison"]["slug"] for hit in results["results"]} == {"b2b-vs-b2c"}
    assert results["next"] is None
    assert get_json(client, "/api/v1/search/?q=answer&page=2", 404) == {
        "detail": "There is no page 2: the last page is 1."
    }


@pytest.mark.parametrize(
    "query, detail",
    [
        ("", "q: Field required"),
        ("q=", "q: say what to search for."),
        ("q=%20%20", "q: say what to search for."),
        (f"q={'x' * 201}", "q: Search for at most 200 characters."),
    ],
)
def test_a_search_without_words_or_with_too_many_is_a_400(
    client, comparison_of_three, query, detail
):
    assert get_json(client, f"/api/v1/search/?{query}", 400) == {"detail": detail}


@pytest.mark.parametrize(
    "url",
    ["/api/v1/", "/api/v1/comparisons/", TABLE, f"{TABLE}rows/row-1/", "/api/v1/openapi.json"],
)
def test_the_api_reads_only(client, comparison_of_three, url):
    for method in ("post", "put", "patch", "delete", "options"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert response.json() == {
            "detail": "Method not allowed: the API is read-only (GET and HEAD)."
        }
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}
    head = client.head(url)
    assert head.status_code == 200 and head["ETag"] == client.get(url)["ETag"]


@pytest.mark.parametrize(
    "url", ["/api/v1/nope/", "/api/v2/", "/api/v1/comparisons/not%20a%20slug/", "/api/"]
)
def test_unknown_api_paths_answer_json_pointing_at_the_description(client, url):
    assert get_json(client, url, 404) == {
        "detail": f"Not found. The API's paths are in {SITE}/api/v1/openapi.json."
    }


def test_a_request_django_refuses_is_a_json_400(client, comparison_of_three):
    too_many_fields = "&".join(f"f{number}=1" for number in range(1100))
    assert get_json(client, f"{TABLE}?{too_many_fields}", 400) == {"detail": "Bad Request."}


def test_answers_carry_an_etag_and_a_matching_one_gets_304(client, comparison_of_three):
    etag = client.get(TABLE)["ETag"]
    assert client.get(TABLE, headers={"If-None-Match": etag}).status_code == 304
    writes.save(None, Dimension.objects.get(slug="row-1"))  # any edit changes the generation
    assert client.get(TABLE, headers={"If-None-Match": etag}).status_code == 200


def test_any_site_may_read_the_api_from_a_browser(client, comparison_of_three):
    response = client.get(TABLE, headers={"Origin": "https://elsewhere.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == "ETag, Retry-After"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        TABLE,
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]


def test_pages_outside_the_api_send_no_cors_headers(client, comparison_of_three):
    response = client.get("/compare/b2b-vs-b2c/", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("rows", [5, 200])
def test_api_answers_run_a_fixed_number_of_queries(
    client, settings, django_assert_num_queries, rows
):
    settings.PAGE_CACHE = False
    make_comparison(dimensions=rows, bulk=True)
    # Each: the cache generation (the cache is emptied first), then what the matching page
    # or export reads.
    for url, queries in [
        ("/api/v1/comparisons/", 4),  # generation, count, page, its rows counted
        (f"{TABLE}?only=row-1,row-3&tag=research", 6),
        (f"{TABLE}rows/row-2/", 6),
    ]:
        cache.clear()
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_a_server_error_is_json_too(comparison_of_three, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(v1, "json_document", broken)
    response = Client(raise_request_exception=False).get(TABLE)
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side; it has been logged."}
    assert b"a bug" not in response.content
