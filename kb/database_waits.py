"""Bounded waits on PostgreSQL in the web processes: no query or connection waits for ever.

`install()` (called by kb/wsgi.py) does two things. Each new connection gets PostgreSQL's
statement_timeout (settings.DB_STATEMENT_TIMEOUT), which stops a slow query. But only a
server that runs can enforce it: a hung one (stopped, swapping, behind a network that drops
packets) still gets its TCP traffic answered by the kernel, and the client would wait until
gunicorn kills the worker. So psycopg2's wait callback (its documented hook for event loops)
is set to one that waits with a deadline, `settings.DB_WAIT_SECONDS`, then raises an
OperationalError, which the app answers with 503 (kb/unavailable.py). After such a timeout
no worker waits on the database for SKIP_SECONDS: they fail at once, and readers get cached
pages meanwhile; then one request tries again while the others keep failing at once, so a
hung database holds at most one worker at a time and the rest serve cached pages and
/healthz. Management commands (migrate, loading backups) are left unbounded: their
statements may rightly take longer.
"""

import multiprocessing
import select
import threading
import time
from contextlib import contextmanager

import psycopg2.extensions
from django.conf import settings
from django.db.backends.signals import connection_created
from psycopg2 import OperationalError
from psycopg2.extensions import POLL_OK, POLL_READ, POLL_WRITE

SKIP_SECONDS = 5

_local = threading.local()
# When a wait last timed out, or a retry began (time.monotonic(), one clock for every process
# of the machine); 0: none lately. In shared memory, so that the gunicorn workers forked
# from the master that imported this module (preload_app) share it.
_timed_out_at = multiprocessing.RawValue("d", 0.0)


class DatabaseTimeout(OperationalError):
    """PostgreSQL did not answer in time (or timed out less than SKIP_SECONDS ago)."""


def install() -> None:
    """Bound every statement and every wait on PostgreSQL in this process."""
    connection_created.connect(limit_statements)
    psycopg2.extensions.set_wait_callback(wait)


def uninstall() -> None:
    connection_created.disconnect(limit_statements)
    psycopg2.extensions.set_wait_callback(None)


def limit_statements(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [settings.DB_STATEMENT_TIMEOUT * 1000])


@contextmanager
def at_most(seconds: float):
    """Waits inside the block give up after `seconds` (a health probe's own budget). Such a
    short wait timing out does not make the other requests skip the database: on a busy
    but working server it may just be short."""
    _local.seconds = seconds
    try:
        yield
    finally:
        del _local.seconds


def wait(connection) -> None:
    """Wait for `connection` as psycopg2's blocking calls would, but for a bounded time."""
    last, now = _timed_out_at.value, time.monotonic()
    if last and now - last < SKIP_SECONDS:
        raise DatabaseTimeout(f"PostgreSQL timed out less than {SKIP_SECONDS} s ago; not asked")
    seconds = getattr(_local, "seconds", None)
    full_wait = seconds is None
    if full_wait:
        seconds = settings.DB_WAIT_SECONDS
        if last:
            _timed_out_at.value = now  # this request retries; the others keep failing at once
    deadline = now + seconds
    while True:
        state = connection.poll()
        if state == POLL_OK:
            if _timed_out_at.value:
                _timed_out_at.value = 0.0
            return
        if state == POLL_READ:
            readers, writers = [connection.fileno()], []
        elif state == POLL_WRITE:
            readers, writers = [], [connection.fileno()]
        else:
            raise OperationalError(f"Unexpected state from poll(): {state}")
        left = deadline - time.monotonic()
        if left <= 0 or not any(select.select(readers, writers, [], left)[:2]):
            if full_wait:
                _timed_out_at.value = time.monotonic()
            raise DatabaseTimeout(f"PostgreSQL did not answer within {seconds:g} s")
