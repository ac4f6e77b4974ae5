"""How often one client address may send suggestions, and its keyed hash.

The same rule and limiter as the API and short links: the address is kb.proxies.client_ip
(settings.RATELIMIT_IP_META_KEY), counted by django-ratelimit in the shared cache.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

from kb import outages
from kb.proxies import client_ip


def seconds_to_wait(request: HttpRequest) -> int:
    """0 if this client may send a suggestion now (and count it), else seconds to wait."""
    try:
        usage = get_usage(
            request, group="suggestions", key="ip", rate=settings.SUGGESTIONS_RATE, increment=True
        )
    except Exception as error:  # the cache is down: the form is behind CSRF and a honeypot
        outages.report("cache", "Suggestions: cannot read the rate limit; allowing", error)
        return 0
    if usage is None or not usage["should_limit"]:
        return 0
    return max(usage["time_left"], 1)


def client_hash(request: HttpRequest) -> str:
    """A keyed hash of the client's address: floods can be told apart, addresses not kept."""
    return salted_hmac("kb.suggestions.client", client_ip(request), algorithm="sha256").hexdigest()
