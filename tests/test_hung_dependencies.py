"""A hung Redis or PostgreSQL (stopped, not refusing: the kernel still accepts connections)
costs readers a bounded wait: cached pages keep coming from the database or the cache that
answers, other pages answer 503 within seconds, and /healthz answers within a second.

Redis is a redis-server of the test's own, stopped with SIGSTOP; PostgreSQL is a socket that
accepts connections and never answers (a stopped server looks the same from the client).
`make drill` stops real servers under load, behind gunicorn and nginx.
"""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
from django.db import connection, connections

from kb import database_waits
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = "/compare/b2b-vs-b2c/"


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_server(settings):
    """A Redis of the test's own as the app's cache, configured as settings.py does."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed (apt-get install redis-server)")
    port = spare_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            time.sleep(0.05)
    settings.CACHES = {
        "default": {
            "BACKEND": "kb.cache.BoundedRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": settings.REDIS_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": settings.REDIS_TIMEOUT_SECONDS,
            },
        }
    }
    yield server
    os.kill(server.pid, signal.SIGCONT)
    server.terminate()
    server.wait(10)


def timed(client, url: str, limit: float = 10) -> tuple[int | None, float]:
    """(status, seconds) of a GET, or (None, limit) if it did not answer within `limit` s."""
    answer = {}

    def get():
        started = time.monotonic()
        try:
            answer["status"] = client.get(url).status_code
            answer["seconds"] = time.monotonic() - started
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    thread.join(limit)
    return answer.get("status"), answer.get("seconds", limit)


def test_a_hung_redis_costs_readers_at_most_one_short_wait(client, redis_server):
    make_comparison(dimensions=3)
    assert client.get(TABLE).status_code == 200
    os.kill(redis_server.pid, signal.SIGSTOP)
    try:
        first = timed(client, TABLE)
        after = [timed(client, TABLE) for _ in range(5)]
    finally:
        os.kill(redis_server.pid, signal.SIGCONT)
    assert first[0] == 200 and first[1] < 1.5, first
    # Redis is skipped for a few seconds after it failed: no wait at all.
    assert all(status == 200 and seconds < 0.5 for status, seconds in after), after


def test_healthz_answers_within_a_second_while_redis_hangs(client, redis_server):
    os.kill(redis_server.pid, signal.SIGSTOP)
    try:
        status, seconds = timed(client, "/healthz")
    finally:
        os.kill(redis_server.pid, signal.SIGCONT)
    assert status == 503 and seconds < 1, (status, seconds)


def test_the_cache_is_used_again_once_redis_answers(client, redis_server, monkeypatch):
    from kb import cache as bounded

    make_comparison(dimensions=3)
    os.kill(redis_server.pid, signal.SIGSTOP)
    timed(client, "/healthz")
    os.kill(redis_server.pid, signal.SIGCONT)
    monkeypatch.setattr(bounded, "SKIP_SECONDS", 0)
    assert client.get("/healthz").json() == {"status": "ok", "database": True, "cache": True}


@pytest.fixture
def hung_postgresql(client, settings):
    """The app's PostgreSQL replaced by one that accepts connections and never answers, with
    the web processes' bounded waits (kb/wsgi.py) on."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")  # left out on SQLite by the postgresql marker
    settings.DB_WAIT_SECONDS = 1
    client.get("/healthz")  # the app's modules loaded, as in a server that has run a while
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # never accepted: the kernel completes the handshake, nothing answers
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(silent.getsockname()[1]))
    database_waits.install()
    try:
        yield
    finally:
        database_waits.uninstall()
        database_waits._timed_out_at.value = 0.0
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        silent.close()


@pytest.mark.postgresql
def test_a_hung_postgresql_answers_uncached_pages_503_within_seconds(client, hung_postgresql):
    status, seconds = timed(client, "/search/?q=nothing-cached")
    assert status == 503 and seconds < 2, (status, seconds)
    # The process does not wait on it again for a few seconds.
    status, seconds = timed(client, "/search/?q=something-else")
    assert status == 503 and seconds < 0.5, (status, seconds)


@pytest.mark.postgresql
def test_healthz_answers_within_a_second_while_postgresql_hangs(client, hung_postgresql):
    status, seconds = timed(client, "/healthz")
    assert status == 503 and seconds < 1, (status, seconds)
    assert client.get("/healthz").json()["database"] is False


@pytest.mark.postgresql
def test_web_processes_limit_each_statement_on_the_server(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")  # left out on SQLite by the postgresql marker
    settings.DB_STATEMENT_TIMEOUT = 2
    connection.close()
    database_waits.install()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("2s",)
    finally:
        database_waits.uninstall()
        connection.close()
