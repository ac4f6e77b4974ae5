"""The client's address behind trusted proxies (for the login lockout and the API's rate limit)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The connection's address, or the one TRUSTED_PROXY_COUNT proxies saw.

    Each trusted proxy appends the address it received from to X-Forwarded-For, so the
    client is the TRUSTED_PROXY_COUNT-th entry from the right; entries further left are
    whatever the client sent, and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXY_COUNT <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if len(forwarded) < settings.TRUSTED_PROXY_COUNT:
        return remote
    return forwarded[-settings.TRUSTED_PROXY_COUNT]
