"""The API answers at most API_RATE_LIMIT requests per client address, then 429."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from comparisons.api.middleware import period_in_words
from kb.settings import envrate
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

TABLE = "/api/v1/comparisons/b2b-vs-b2c/"


@pytest.fixture(autouse=True)
def three_a_day(settings):
    # A day: a window that ends while a test runs would reset the count.
    settings.API_RATE_LIMIT = "3/d"
    make_comparison(dimensions=1)


def test_the_request_over_the_limit_gets_a_json_429_with_retry_after(client):
    answers = [client.get(TABLE) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused["Content-Type"] == "application/json"
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 24 * 60 * 60
    assert refused.json() == {
        "detail": f"Too many requests: at most 3 per day from one address. "
        f"Try again in {wait} second{'s' if wait != 1 else ''}."
    }
    assert refused["X-Content-Type-Options"] == "nosniff"


def test_a_browser_on_another_site_can_read_the_429(client):
    for _ in range(3):
        client.get(TABLE)
    refused = client.get(TABLE, headers={"Origin": "https://elsewhere.example"})
    assert refused.status_code == 429
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused["Access-Control-Expose-Headers"]


def test_cached_answers_and_304s_count_too(client):
    etag = client.get(TABLE)["ETag"]
    assert client.get(TABLE).status_code == 200  # from the page cache
    assert client.get(TABLE, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(TABLE).status_code == 429


def test_every_api_path_shares_one_budget_per_address(client):
    for url in ("/api/v1/", "/api/v1/comparisons/", "/api/v1/nope/"):
        client.get(url)
    assert client.get("/api/v1/openapi.json").status_code == 429


def test_each_client_address_has_its_own_budget(client):
    for _ in range(3):
        client.get(TABLE, REMOTE_ADDR="192.0.2.1")
    assert client.get(TABLE, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(TABLE, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for number in range(3):
        # What the client puts in front of the proxy's entry is never trusted.
        client.get(TABLE, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 192.0.2.7", **proxy)
    assert client.get(TABLE, HTTP_X_FORWARDED_FOR="192.0.2.7", **proxy).status_code == 429
    assert client.get(TABLE, HTTP_X_FORWARDED_FOR="192.0.2.8", **proxy).status_code == 200


def test_a_spoofed_forwarded_address_from_a_direct_client_is_not_a_new_budget(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # nginx; this client reached gunicorn directly
    direct = {"REMOTE_ADDR": "192.0.2.50"}
    for number in range(3):
        client.get(TABLE, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}", **direct)
    assert client.get(TABLE, HTTP_X_FORWARDED_FOR="198.51.100.9", **direct).status_code == 429


def test_a_garbage_forwarded_address_is_limited_and_never_a_cache_outage(client, settings, caplog):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxied = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "garbage"}
    statuses = [client.get(TABLE, **proxied).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # counted as the proxy's own address
    assert "Cache" not in caplog.text


def test_pages_outside_the_api_are_not_limited(client):
    for _ in range(5):
        assert client.get("/compare/b2b-vs-b2c/").status_code == 200
        assert client.get("/compare/b2b-vs-b2c/changes.atom").status_code == 200


def test_when_the_cache_cannot_count_requests_are_served(client, monkeypatch, caplog):
    def unavailable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", unavailable)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)  # the page cache misses
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: None)
    for _ in range(5):
        assert client.get(TABLE).status_code == 200
    assert "API rate limit: cannot count this request" in caplog.text


@pytest.mark.parametrize(
    "rate, words", [("120/m", "minute"), ("5/1s", "second"), ("1000/2h", "2 hours")]
)
def test_the_429_says_the_rate_in_words(rate, words):
    assert period_in_words(rate) == words


@pytest.mark.parametrize("value", ["120/m", "5/s", "1000/2h", "10000/d"])
def test_the_setting_reads_rates(monkeypatch, value):
    monkeypatch.setenv("API_RATE_LIMIT", value)
    assert envrate("API_RATE_LIMIT", "120/m") == value


@pytest.mark.parametrize("value", ["", "lots", "0/m", "10/minute", "10 per m", "-1/m", "10/0m"])
def test_the_setting_refuses_anything_else(monkeypatch, value):
    monkeypatch.setenv("API_RATE_LIMIT", value)
    with pytest.raises(ImproperlyConfigured):
        envrate("API_RATE_LIMIT", "120/m")
