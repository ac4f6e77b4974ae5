"""The staff marker: a cookie telling the proxy in front (deploy/nginx.conf) to pass a staff
member's requests to the app instead of answering from its cache, which holds only what
readers see.

The app never trusts it: what it caches is decided by the signed-in user
(comparisons/caching.py, `is_shareable`), so a forged or replayed marker only costs its sender
the proxy's speed. The marker is signed and names the session it was set for;
`StaffMarkerMiddleware` keeps it true on every response: set while a staff member is signed
in, deleted once their session ends or they are no longer staff (logout, expiry, demotion).
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "kb_staff"
SALT = "kb.staff-marker"


def expected_value(request: HttpRequest) -> str | None:
    """The marker `request` should carry: a digest of the staff member's session, or None."""
    user = request.user
    key = request.session.session_key
    if not (key and user.is_authenticated and user.is_staff):
        return None
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class StaffMarkerMiddleware:
    """Sets, renews or deletes the marker (after authentication, before the page cache)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        carried = COOKIE in request.COOKIES
        if not carried and request.session.session_key is None:
            return response  # a reader without a session: nothing to read
        expected = expected_value(request)
        current = request.get_signed_cookie(COOKIE, default=None, salt=SALT) if carried else None
        if expected is None and carried:
            response.delete_cookie(COOKIE, samesite="Lax")
        elif expected is not None and current != expected:
            response.set_signed_cookie(
                COOKIE,
                expected,
                salt=SALT,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
