"""Request errors logged once, as outages are (kb/outages.py): a broken page hit by every
reader must not bury the log.

`RepeatedErrorsFilter` sits on the handler of `django.request` (settings.LOGGING). A 500 is
logged with its traceback the first time its kind of error (exception type and the line
that raised it) is seen, then at most one line per INTERVAL_SECONDS saying how many were
left out. 503s are the database outage page, already logged by kb/outages.py. Per process.
"""

import logging
import threading
import time
import traceback

INTERVAL_SECONDS = 60

_lock = threading.Lock()
# kind -> [logged_at, suppressed]
_seen: dict[tuple, list] = {}


def _kind(record: logging.LogRecord) -> tuple:
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        last = traceback.extract_tb(error.__traceback__)[-1:] or [None]
        where = (last[0].filename, last[0].lineno) if last[0] else ()
        return (type(error).__qualname__, *where)
    return (str(record.msg), getattr(record, "status_code", None))


class RepeatedErrorsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 503:
            return False
        kind, now = _kind(record), time.monotonic()
        with _lock:
            seen = _seen.get(kind)
            if seen is None:
                _seen[kind] = [now, 0]
                return True
            if now - seen[0] < INTERVAL_SECONDS:
                seen[1] += 1
                return False
            suppressed = seen[1]
            _seen[kind] = [now, 0]
        record.msg = (
            f"{record.msg} (again; {suppressed} more like it not logged in the last "
            f"{INTERVAL_SECONDS} s; traceback logged the first time)"
        )
        record.exc_info = record.exc_text = None
        return True
