"""The Redis cache with bounded waits: a hung or dead Redis costs a request one short wait.

django-redis's RedisCache, given socket timeouts (settings.CACHES), fails a call within a
fraction of a second instead of blocking. After a failure, this subclass skips Redis in this
process for SKIP_SECONDS, failing each call at once: a page makes several cache calls, and
every caller already has a fallback (render the page, count nothing) once the call fails. The
failure is reported (kb/outages.py); the first call after SKIP_SECONDS tries Redis again.

django-redis rather than Django's own RedisCache, which builds a redis-py client for every
call: with redis-py 8 that made a `get` three times slower, and a cached page makes three.
"""

import functools
import time

from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from kb import outages

SKIP_SECONDS = 5

# When Redis last failed in this process (time.monotonic()), or None.
_failed_at: float | None = None


class CacheSkipped(RedisConnectionError):
    """Redis failed less than SKIP_SECONDS ago: not asked again yet."""


def _bounded(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        global _failed_at
        if _failed_at is not None and time.monotonic() - _failed_at < SKIP_SECONDS:
            raise CacheSkipped(f"Redis failed less than {SKIP_SECONDS} s ago; not asked")
        try:
            result = method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            _failed_at = time.monotonic()
            outages.report("cache", f"Redis failed; skipped for {SKIP_SECONDS} s", error)
            raise
        _failed_at = None
        return result

    return call


class BoundedRedisCache(RedisCache):
    pass


for _name in (
    "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
    "delete_many", "clear",
):  # fmt: skip
    setattr(BoundedRedisCache, _name, _bounded(getattr(RedisCache, _name)))
