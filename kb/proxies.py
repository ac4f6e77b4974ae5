"""The client's address behind trusted proxies (for the login lockout and the API's rate limit).

Why not django-ipware, which django-axes can use: it reads some thirty headers in an order of
precedence (X-Real-IP, CF-Connecting-IP, ...), any of which a client can send; it prefers a
public address to a private one, so the answer depends on the address and not only on the
hops; its `proxy_count` checks that the request came through that many proxies rather than
naming which entry to trust; and its algorithm changed between major versions (7 to 8). kb
needs one rule, the one below, which also serves django-ratelimit (a callable returning a
string), so it is these lines, tested in tests/test_login_lockout.py and
tests/test_short_links.py, rather than a dependency and its settings.
"""

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
