"""An outage of the cache or the database is logged once, then at most once a minute with
the count of failures left out, and its end once."""

import logging
from unittest import mock

import pytest

from kb import outages
from tests.factories import make_comparison


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(outages, "_now", lambda: now[0])
    return now


def logged(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "kb.outages"]


def fail(times: int) -> None:
    for _ in range(times):
        outages.report("cache", "Page cache: cannot read", ConnectionError("refused"))


def test_the_first_failure_is_logged_with_its_traceback(caplog, clock):
    fail(1)
    assert logged(caplog) == ["Cache is down: Page cache: cannot read (refused)."]
    assert caplog.records[-1].exc_info is not None


def test_failures_within_a_minute_are_not_logged(caplog, clock):
    fail(1)
    clock[0] += 59
    fail(500)
    assert len(logged(caplog)) == 1


def test_after_a_minute_one_line_counts_the_failures_left_out(caplog, clock):
    fail(1)
    clock[0] += 30
    fail(40)
    clock[0] += 31
    fail(1)
    assert len(logged(caplog)) == 2
    assert "40 more failure(s) not logged" in logged(caplog)[-1]


def test_the_end_of_an_outage_is_logged_once(caplog, clock):
    fail(3)
    clock[0] += 90
    outages.recovered("cache")
    outages.recovered("cache")
    assert logged(caplog)[-1] == "Cache is back after 90 s (3 failure(s) in all)."
    assert len(logged(caplog)) == 2


def test_a_new_outage_is_logged_again(caplog, clock):
    fail(2)
    outages.recovered("cache")
    fail(1)
    assert len(logged(caplog)) == 3


@pytest.mark.django_db
def test_requests_while_the_cache_is_down_log_one_error(client, caplog, clock):
    make_comparison(dimensions=2)
    down = ConnectionError("the cache server does not answer")
    with (
        caplog.at_level(logging.WARNING),
        mock.patch("django.core.cache.cache.get", side_effect=down),
        mock.patch("django.core.cache.cache.set", side_effect=down),
        mock.patch("django.core.cache.cache.set_many", side_effect=down),
        mock.patch("django.core.cache.cache.get_or_set", side_effect=down),
    ):
        for _ in range(50):
            assert client.get("/compare/b2b-vs-b2c/").status_code == 200
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1


def test_a_part_that_just_failed_can_be_skipped_for_a_while(clock):
    assert not outages.failed_within("cache", 5)
    fail(1)
    assert outages.failed_within("cache", 5)
    clock[0] += 6
    assert not outages.failed_within("cache", 5)
    outages.recovered("cache")
    assert not outages.failed_within("cache", 5)
