"""Outages of the database or the cache, logged once, then at most once a minute.

While Redis or PostgreSQL is down every request meets the same error: logging each (with
its traceback) buried everything else in the log. `report()` logs the first failure of a
part with its traceback, then at most one line per `INTERVAL_SECONDS` with the count of
failures left out since; `recovered()` logs the end of the outage with its total.
Per process: each gunicorn worker logs its own outage once.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 60

_lock = threading.Lock()
# part -> {"since", "logged_at", "last", "suppressed", "total"}
_outages: dict[str, dict] = {}


def _now() -> float:
    return time.monotonic()


def report(part: str, message: str, error: BaseException) -> None:
    """`part` ("database", "cache") failed with `error` while doing what `message` says."""
    now = _now()
    with _lock:
        outage = _outages.get(part)
        if outage is None:
            _outages[part] = {
                "since": now,
                "logged_at": now,
                "last": now,
                "suppressed": 0,
                "total": 1,
            }
            first, suppressed = True, 0
        else:
            outage["total"] += 1
            outage["last"] = now
            if now - outage["logged_at"] < INTERVAL_SECONDS:
                outage["suppressed"] += 1
                return
            first, suppressed = False, outage["suppressed"]
            outage["logged_at"], outage["suppressed"] = now, 0
    if first:
        logger.error("%s is down: %s (%s).", part.capitalize(), message, error, exc_info=error)
    else:
        logger.error(
            "%s still down: %s (%s); %d more failure(s) not logged in the last %d s.",
            part.capitalize(),
            message,
            error,
            suppressed,
            INTERVAL_SECONDS,
        )


def recovered(part: str) -> None:
    """`part` answered again: log the end of its outage, if there was one. Costs nothing
    otherwise (it runs on every request)."""
    if part not in _outages:
        return
    with _lock:
        outage = _outages.pop(part, None)
    if outage is not None:
        logger.warning(
            "%s is back after %.0f s (%d failure(s) in all).",
            part.capitalize(),
            _now() - outage["since"],
            outage["total"],
        )


def failed_within(part: str, seconds: float) -> bool:
    """Whether `part` failed in this process less than `seconds` ago (and has not answered
    since): callers with a fallback may skip it rather than wait for it to fail again."""
    outage = _outages.get(part)
    return outage is not None and _now() - outage["last"] < seconds
