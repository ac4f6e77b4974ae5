"""Moments named in URLs as unix timestamps: when a share link was made (`as_of`,
comparisons/history/changes.py), the moment an embed is pinned to (its pin,
comparisons/history/pinned.py)."""

from datetime import UTC, datetime, timedelta

# Timestamps before this are typing mistakes, not moments anyone saw kb at.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# A link made on a machine whose clock runs a little ahead still names a past moment.
CLOCK_SKEW = timedelta(minutes=1)
MAX_DIGITS = 12


def parse_moment(raw: str | None, now: datetime) -> datetime | None:
    """The moment `raw` names, or None if it names no plausible past moment (never an error).

    Only plain digits are read (no sign, no fraction, no exponent), so nothing reaches the
    database or `datetime` that could fail.
    """
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > MAX_DIGITS:
        return None
    moment = datetime.fromtimestamp(int(raw), tz=UTC)
    if moment < EARLIEST or moment > now + CLOCK_SKEW:
        return None
    return moment


def unix_time(moment: datetime) -> str:
    return str(int(moment.timestamp()))
