"""The staff marker: a signed cookie, set when staff log in, that keeps them off the page cache.

Staff may see drafts, so their requests must neither read nor fill the public page cache.
A session cookie cannot tell: anyone can send `sessionid=x`, and the cache would then render
every such request in full. The marker is signed with SECRET_KEY (a client cannot make one),
set by `user_logged_in` for staff and deleted by `user_logged_out`; `StaffMarkerMiddleware`
writes the change to the response of the login or logout.

A staff member without the marker (logged in before it existed) is served cached pages,
which show published content only, until their next login.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.signing import get_cookie_signer
from django.http import HttpRequest, HttpResponse

COOKIE = "kb_staff"
SALT = "kb.staff-marker"
_CHANGE = "_kb_staff_marker"


def is_marked(request: HttpRequest) -> bool:
    """Whether the request carries a valid marker. No query: a signature check."""
    if COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(
        COOKIE, default=None, salt=SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    return value is not None


def signed_value(user_id: int) -> str:
    """The cookie's value, as `HttpResponse.set_signed_cookie` signs it."""
    return get_cookie_signer(salt=COOKIE + SALT).sign(str(user_id))


def set_marker(response: HttpResponse, user_id: int) -> None:
    response.set_cookie(
        COOKIE,
        signed_value(user_id),
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and user.is_staff:
        setattr(request, _CHANGE, user.pk)


def _logged_out(sender, request, user, **kwargs) -> None:
    if request is not None:
        setattr(request, _CHANGE, None)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="kb-staff-marker-in")
    user_logged_out.connect(_logged_out, dispatch_uid="kb-staff-marker-out")


class StaffMarkerMiddleware:
    """Sets or deletes the marker on the response of a login or a logout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if hasattr(request, _CHANGE):
            user_id = getattr(request, _CHANGE)
            if user_id is None:
                response.delete_cookie(COOKIE, samesite="Lax")
            else:
                set_marker(response, user_id)
        return response
