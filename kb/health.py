"""/healthz for load balancers: 200 when the database and the cache answer, 503 otherwise,
saying which part is down, within a second whatever hangs: each probe has its own short
wait (the cache's socket timeout, DATABASE_PROBE_SECONDS). Failures are logged quietly
(kb/outages.py): a load balancer probes every few seconds."""

import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kb import database_waits, outages

DATABASE_PROBE_SECONDS = 0.4


def database_ok() -> bool:
    try:
        with database_waits.at_most(DATABASE_PROBE_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            answered = cursor.fetchone() == (1,)
    except Exception as error:
        outages.report("database", "Health check: the database does not answer", error)
        return False
    outages.recovered("database")
    return answered


def cache_ok() -> bool:
    token = secrets.token_hex(8)
    try:
        # A key of its own: app servers sharing one Redis never read each other's probe.
        key = f"healthz:{token}"
        cache.set(key, token, timeout=10)
        answered = cache.get(key) == token
    except Exception as error:
        outages.report("cache", "Health check: the cache does not answer", error)
        return False
    outages.recovered("cache")
    return answered


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "cache": cache_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
