"""The client's address, for the login lockout and the rate limits: the connection's
address, or the one the proxies listed in TRUSTED_PROXIES saw.

Why not django-ipware, which django-axes can use: it reads some thirty headers in an order of
precedence (X-Real-IP, CF-Connecting-IP, ...), any of which a client can send; it prefers a
public address to a private one, so the answer depends on the address and not only on the
hops; and its algorithm changed between major versions (7 to 8). kb needs one rule, the one
below, which also serves django-ratelimit (a callable returning a string).
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The first address, from the right, that is not a trusted proxy.

    The connection's peer comes first: only if it is a trusted proxy is X-Forwarded-For read,
    where each trusted proxy appended the address it received from. Walking it from the
    right past trusted proxies gives the client; entries further left are whatever the
    client sent. A malformed entry ends the walk at the last address known good, so that no
    header can make the answer anything but a valid address.
    """
    client = _address(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")
    if not _trusted(client):
        return str(client)
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break
        client = address
        if not _trusted(address):
            break
    return str(client)
