"""Bounded waits on PostgreSQL in the web processes: no query or connection waits for ever.

PostgreSQL's statement_timeout (settings.DB_STATEMENT_TIMEOUT) stops a slow query, but only
a server that runs can enforce it: a hung one (stopped, swapping, behind a network that
drops packets) still gets its TCP traffic answered by the kernel, so the client would wait
until gunicorn kills the worker. psycopg2's wait callback (its documented hook for event
loops) lets the client wait with a deadline instead: `install()` sets one that gives up
after `settings.DB_WAIT_SECONDS` with an OperationalError, which the app answers with 503
(kb/unavailable.py). After such a timeout the process does not wait on the database again
for SKIP_SECONDS: it fails at once, and readers get cached pages meanwhile.
"""

import select
import threading
import time
from contextlib import contextmanager

import psycopg2.extensions
from django.conf import settings
from psycopg2 import OperationalError
from psycopg2.extensions import POLL_OK, POLL_READ, POLL_WRITE

SKIP_SECONDS = 5

_local = threading.local()
# When a wait last timed out in this process (time.monotonic()), or None.
_timed_out_at: float | None = None


class DatabaseTimeout(OperationalError):
    """PostgreSQL did not answer in time (or timed out less than SKIP_SECONDS ago)."""


def install() -> None:
    """Bound every wait on PostgreSQL in this process (called by kb/wsgi.py)."""
    psycopg2.extensions.set_wait_callback(wait)


def uninstall() -> None:
    psycopg2.extensions.set_wait_callback(None)


@contextmanager
def at_most(seconds: float):
    """Waits inside the block give up after `seconds` (a health probe's own budget)."""
    _local.seconds = seconds
    try:
        yield
    finally:
        del _local.seconds


def wait(connection) -> None:
    """Wait for `connection` as psycopg2's blocking calls would, but for a bounded time."""
    global _timed_out_at
    if _timed_out_at is not None and time.monotonic() - _timed_out_at < SKIP_SECONDS:
        raise DatabaseTimeout(f"PostgreSQL timed out less than {SKIP_SECONDS} s ago; not asked")
    seconds = getattr(_local, "seconds", settings.DB_WAIT_SECONDS)
    deadline = time.monotonic() + seconds
    while True:
        state = connection.poll()
        if state == POLL_OK:
            _timed_out_at = None
            return
        if state == POLL_READ:
            readers, writers = [connection.fileno()], []
        elif state == POLL_WRITE:
            readers, writers = [], [connection.fileno()]
        else:
            raise OperationalError(f"Unexpected state from poll(): {state}")
        left = deadline - time.monotonic()
        if left <= 0 or not any(select.select(readers, writers, [], left)[:2]):
            _timed_out_at = time.monotonic()
            raise DatabaseTimeout(f"PostgreSQL did not answer within {seconds:g} s")
