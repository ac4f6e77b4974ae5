"""A database outage answers 503 with Retry-After and a static page, never a 500.

With the database down, readers still get every page cached before the outage
(comparisons/caching.py); any other request needs the database and fails with an
OperationalError (or InterfaceError, for a connection that broke). Those are turned into a
503 by `DatabaseUnavailableMiddleware` (for errors in views) and `server_error` (Django's
500 handler, for errors elsewhere), with a page read from disk once: rendering it needs no
database and no template context. The outage is logged quietly (kb/outages.py).
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.views.defaults import server_error as django_server_error

from kb import outages

RETRY_AFTER_SECONDS = 30


class OutageError(Exception):
    """A request cannot be answered while a part it needs is down (the app raises it)."""


OUTAGE_ERRORS = (OperationalError, InterfaceError, OutageError)
PAGE = (settings.BASE_DIR / "templates" / "503.html").read_bytes()


def unavailable() -> HttpResponse:
    response = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        outages.report("database", f"{request.method} {request.path} answered 503", exception)
        return unavailable()


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, or the 503 page when the error is the database being away."""
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return unavailable()
    return django_server_error(request)
