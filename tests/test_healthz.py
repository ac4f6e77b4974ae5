"""/healthz: 200 when the database and cache answer, 503 otherwise; never cached, no secrets."""

from unittest import mock

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_it_is_healthy_when_the_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True}
    assert "no-store" in response["Cache-Control"]


def test_it_needs_no_login_and_answers_head(client):
    assert client.head("/healthz").status_code == 200


def test_it_is_unavailable_when_the_database_fails(client, settings):
    with mock.patch("kb.health.connection.cursor", side_effect=DatabaseError("password=s3cret")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False, "cache": True}
    assert "no-store" in response["Cache-Control"]
    assert b"s3cret" not in response.content


def test_it_is_unavailable_when_the_cache_fails(client):
    with mock.patch("kb.health.cache.set", side_effect=ConnectionError("redis://:pw@host")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] is False
    assert b"redis" not in response.content


def test_it_is_unavailable_when_redis_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] is False


def test_it_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
