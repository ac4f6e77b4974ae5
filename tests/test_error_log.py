"""A 500 is logged to stderr with its traceback (settings.LOGGING), once per kind of error
and then at most once a minute; the database outage's 503s are left to kb/outages.py."""

import io
import logging
from unittest import mock

import pytest
from django.test import Client

from kb import error_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def stderr():
    """What the request errors' handler writes (to stderr in a server)."""
    handlers = logging.getLogger("django.request").handlers
    (handler,) = [handler for handler in handlers if type(handler) is logging.StreamHandler]
    buffer = io.StringIO()
    saved = handler.setStream(buffer)
    error_log._seen.clear()
    yield buffer
    handler.setStream(saved)


def broken_healthz():
    return mock.patch("kb.health.database_ok", side_effect=RuntimeError("the bug in kb"))


def test_a_500_is_logged_to_stderr_with_its_traceback(stderr):
    with broken_healthz():
        assert Client(raise_request_exception=False).get("/healthz").status_code == 500
    logged = stderr.getvalue()
    assert "Internal Server Error: /healthz" in logged
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the bug in kb" in logged


def test_the_same_error_again_within_a_minute_is_not_logged_again(stderr):
    client = Client(raise_request_exception=False)
    with broken_healthz():
        for _ in range(20):
            client.get("/healthz")
    assert stderr.getvalue().count("Traceback (most recent call last)") == 1


def test_a_repeat_after_a_minute_is_one_line_with_the_count(stderr, monkeypatch):
    client = Client(raise_request_exception=False)
    now = [1000.0]
    monkeypatch.setattr(error_log.time, "monotonic", lambda: now[0])
    with broken_healthz():
        for _ in range(4):
            client.get("/healthz")
        now[0] += 61
        client.get("/healthz")
    logged = stderr.getvalue()
    assert logged.count("Traceback (most recent call last)") == 1
    assert "3 more like it not logged in the last 60 s" in logged


def test_the_outage_page_is_not_logged_as_a_request_error(stderr):
    from django.db import OperationalError

    with mock.patch("kb.health.database_ok", side_effect=OperationalError("down")):
        assert Client().get("/healthz").status_code == 503
    assert "Service Unavailable" not in stderr.getvalue()
