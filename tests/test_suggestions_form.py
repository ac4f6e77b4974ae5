"""Readers suggest a change to a public row: the form, its limits, and the status page."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from comparisons.models import Comparison, Dimension, Status
from comparisons.suggestions.models import Suggestion, SuggestionStatus
from tests.factories import make_comparison
from tests.suggestions import SUGGEST, opened_form, send, stored_dimension, suggestion_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _comparison(db):
    make_comparison(dimensions=2)


def suggest_links(client, page: str) -> list[str]:
    html = client.get(page).content.decode()
    return re.findall(r'href="(/compare/[^"]+/suggest/)"', html)


def test_every_public_row_links_to_its_suggestion_form_but_not_in_embeds(client):
    row_2 = "/compare/b2b-vs-b2c/row-2/suggest/"
    assert suggest_links(client, "/compare/b2b-vs-b2c/") == [SUGGEST, row_2]
    assert suggest_links(client, "/compare/b2b-vs-b2c/?only=row-2") == [row_2]
    assert suggest_links(client, "/compare/b2b-vs-b2c/row-1/") == [SUGGEST]
    assert suggest_links(client, "/embed/b2b-vs-b2c/") == []


def test_draft_rows_shown_to_staff_have_no_suggestion_link(editor_client):
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    assert suggest_links(editor_client, "/compare/b2b-vs-b2c/") == [SUGGEST]


def test_the_form_shows_the_rows_cells_as_they_are_now(client):
    response = client.get(SUGGEST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "B2B answer for row 1" in html and "B2C answer for row 1" in html
    assert "A source | https://example.com/source" in html
    assert "no-cache" in response["Cache-Control"]  # it holds a CSRF token


def test_a_sent_suggestion_is_stored_with_the_versions_the_reader_saw(client):
    seen = stored_dimension().version
    response = send(client, b2c_body="Most B2C apps now pay 15% on the app stores.", name="Ada")
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/suggestions/{suggestion.token}/?sent=1"
    assert suggestion.seen_version == seen
    assert suggestion.status == SuggestionStatus.OPEN
    cells = {cell["body"] for cell in suggestion.cells.values()}
    assert "Most B2C apps now pay 15% on the app stores." in cells
    assert len(suggestion.token) >= 32 and len(suggestion.client_hash) == 64
    assert "127.0.0.1" not in suggestion.client_hash


def test_nothing_is_changed_on_the_site_by_sending(client):
    send(client, b2c_body="Changed by a reader", title="A reader's title")
    assert stored_dimension().title == "Row 1"
    assert "Changed by a reader" not in client.get("/compare/b2b-vs-b2c/").content.decode()


def test_a_suggestion_that_changes_nothing_is_refused(client):
    response = client.post(SUGGEST, suggestion_data(client))
    assert response.status_code == 400
    assert "Change the row or a cell" in response.content.decode()
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("field", "size"),
    [("title", 121), ("question", 251), ("b2b_body", 5001), ("reason", 1001), ("name", 61)],
)
def test_each_field_has_a_size_limit(client, field, size):
    response = send(client, **{field: "x" * size, "b2c_body": "A real change"})
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_sources_must_be_http_links(client):
    response = send(client, b2b_sources="Evil | javascript:alert(1)")
    assert response.status_code == 400
    assert "http://" in response.content.decode()


def test_the_honeypot_field_refuses_robots(client):
    response = send(client, b2c_body="Spam", website="https://spam.example")
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_a_post_without_the_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    data = opened_form(browser)
    data.pop("csrfmiddlewaretoken", None)
    response = browser.post(SUGGEST, {**data, "reason": "r", "title": "New"})
    assert response.status_code == 403
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("status", ["row", "table"])
def test_a_draft_row_or_table_cannot_be_suggested_against(client, status):
    if status == "row":
        Dimension.objects.filter(slug="row-1").update(status=Status.DRAFT)
    else:
        Comparison.objects.update(status=Status.DRAFT)
    assert client.get(SUGGEST).status_code == 404
    assert client.post(SUGGEST, {"title": "x", "reason": "x"}).status_code == 404
    assert not Suggestion.objects.exists()


def test_unknown_rows_are_404(client):
    assert client.get("/compare/b2b-vs-b2c/no-such-row/suggest/").status_code == 404
    assert client.get("/compare/no-such-table/row-1/suggest/").status_code == 404


def test_the_status_page_tells_the_reader_what_happened(client):
    send(client, b2c_body="Better text")
    suggestion = Suggestion.objects.get()
    page = client.get(f"/suggestions/{suggestion.token}/?sent=1")
    assert page.status_code == 200
    assert "Open" in page.content.decode() and "private link" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    Suggestion.objects.update(status=SuggestionStatus.DECLINED, editor_note="Our source is newer.")
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert "Declined" in page and "Our source is newer." in page
    assert "Better text" not in page  # what the reader sent is never echoed


def test_an_unknown_token_is_404(client):
    send(client, b2c_body="Better text")
    assert client.get("/suggestions/not-the-token/").status_code == 404


FLOOD = 10_000


def test_a_flood_from_one_address_is_answered_429_and_the_queue_stays_usable(settings):
    settings.SUGGESTIONS_RATE = "10/d"  # a day: no window ends while the test runs
    flooder = Client(REMOTE_ADDR="203.0.113.9")
    # Encoded once, as a browser would send it: the test then times the site, not the encoding.
    data = urlencode(suggestion_data(flooder, b2c_body="Flood"))
    form = "application/x-www-form-urlencoded"
    answers = [flooder.post(SUGGEST, data, form).status_code for _ in range(FLOOD)]
    assert answers[:10] == [302] * 10
    assert set(answers[10:]) == {429}
    assert Suggestion.objects.count() == 10
    refused = flooder.post(SUGGEST, data, form)
    assert 1 <= int(refused["Retry-After"]) <= 24 * 60 * 60
    # Another reader is not limited, and editors' queue holds the rest.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert send(other, b2c_body="A genuine correction").status_code == 302
    assert Suggestion.objects.open().count() == 11


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(settings):
    settings.SUGGESTIONS_RATE = "1/d"
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert send(first, b2c_body="One").status_code == 302
    assert send(first, b2c_body="Two").status_code == 429
    assert send(second, b2c_body="Three").status_code == 302


def test_a_refused_post_costs_no_query(settings, django_assert_num_queries):
    settings.SUGGESTIONS_RATE = "1/d"
    flooder = Client(REMOTE_ADDR="203.0.113.9")
    data = suggestion_data(flooder, b2c_body="Flood")
    assert flooder.post(SUGGEST, data).status_code == 302
    with django_assert_num_queries(0):
        assert flooder.post(SUGGEST, data).status_code == 429


def test_the_status_page_of_a_row_returned_to_draft_does_not_reveal_it(client):
    send(client, b2c_body="Better text")
    suggestion = Suggestion.objects.get()
    Dimension.objects.filter(slug="row-1").update(status=Status.DRAFT, title="Secret draft title")
    page = client.get(suggestion.get_absolute_url())
    assert page.status_code == 200
    assert "Secret draft title" not in page.content.decode()
    assert "/compare/b2b-vs-b2c/row-1/" not in page.content.decode()
