"""Public pages cached whole and served conditionally, keyed by the content version.

Every change to public content bumps `ContentVersion` (see comparisons/writes.py), so a
page cached under an older version is never read again. The version is read once per
request (one query), which keeps several app processes consistent without coordination.

`public_page` marks a view's pages as public (ETag, Last-Modified, Cache-Control) and
`PageCacheMiddleware` keeps and serves them. Only requests without a session use the cache:
staff, who may see drafts, always have one, so they neither read nor fill it.
"""

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from comparisons.models import ContentVersion

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 60 * 60
VERSION_ROW = 1
VERSION_SQL = f"SELECT version, changed_at FROM {ContentVersion._meta.db_table} WHERE id = %s"


def bump_content_version(comparison_ids: set[int] | None = None) -> None:
    """Make the cached pages of `comparison_ids` stale (every page if None); call inside the
    transaction of the change (comparisons/writes.py does, for every write).

    Every public page is keyed by one content version today, so any change makes every page
    stale; `comparison_ids` says which tables changed, for invalidation per table.
    """
    updated = ContentVersion.objects.filter(pk=VERSION_ROW).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=VERSION_ROW)


def computed_once_per_version(request: HttpRequest, name: str, compute: Callable[[], object]):
    """`compute()`, shared through the cache until the content changes.

    For aggregates over all content (tag counts) that several pages show and that cost the
    same whatever the page: at 100,000 entries they take hundreds of milliseconds. Uses the
    version already read for `request`.
    """
    version, _ = request_version(request)
    return get_or_compute(f"kb:{name}:{version}", compute)


def get_or_compute(key: str, compute: Callable[[], object], timeout: int = CACHE_SECONDS):
    """`compute()` through the cache; if the cache is down, computed (and the error logged)."""
    try:
        return cache.get_or_set(key, compute, timeout)
    except Exception:
        logger.exception("Cache: cannot read or write %s; computing it.", key)
        return compute()


def current_version() -> tuple[int, datetime | None]:
    # Raw SQL: this runs on every public request, cache hits included, and building the ORM
    # query took longer than the database round trip (0.5 ms against 0.2 ms).
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [VERSION_ROW])
        row = cursor.fetchone()
    if row is None:
        return 0, None
    version, changed_at = row
    return version, _as_orm_value(ContentVersion._meta.get_field("changed_at"), changed_at)


def _as_orm_value(field, value):
    """`value` as read by raw SQL, converted as the ORM would (SQLite returns dates as text)."""
    column = field.get_col(field.model._meta.db_table)
    for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = convert(value, column, connection)
    return value


def request_version(request: HttpRequest) -> tuple[int, datetime | None]:
    """The content version as read once for this request, by the middleware or the view."""
    if not hasattr(request, "_content_version"):
        request._content_version = current_version()
    return request._content_version


def _path_digest(request: HttpRequest) -> str:
    return hashlib.sha256(request.get_full_path().encode()).hexdigest()


def _page_key(request: HttpRequest, version: int) -> str:
    return f"kb:page:{version}:{_path_digest(request)}"


def _etag(request: HttpRequest, version: int) -> str:
    return f'"{version}-{_path_digest(request)[:16]}"'


def _may_use_cache(request: HttpRequest) -> bool:
    """Only readers without a session: staff (who may see drafts) always have one."""
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _is_cacheable(response: HttpResponse) -> bool:
    return (
        getattr(response, "is_public_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
    )


def _from_cache(request: HttpRequest, entry: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = entry
    response = HttpResponse(content, headers=dict(headers))
    last_modified = parse_http_date_safe(response.get("Last-Modified"))
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


class PageCacheMiddleware:
    """Serve readers' public pages from the cache before the rest of the stack runs.

    It sits just after the security and static-file middleware: a hit costs the version
    query and a cache read, and skips sessions, authentication, CSRF, messages, history,
    URL resolution and the view. What it stores is the response as the inner middleware
    left it (CSP, framing and Vary headers included), so a hit is the same response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _may_use_cache(request):
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS: a 400 for another host, as without the cache
        try:
            key = _page_key(request, request_version(request)[0])
            entry = cache.get(key)
        except Exception:
            # The cache or the database is down. Go on without the cache: pages render if
            # they can, and /healthz reports the failure rather than a 500 from here.
            logger.exception("Page cache: cannot read; rendering instead.")
            return self.get_response(request)
        if entry is not None:
            return _from_cache(request, entry)
        response = self.get_response(request)
        if _is_cacheable(response):
            try:
                cache.set(key, (response.content, list(response.items())), CACHE_SECONDS)
            except Exception:
                logger.exception("Page cache: cannot write.")
        return response


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give `view`'s pages ETag and Last-Modified, and offer them to `PageCacheMiddleware`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.user.is_staff:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        version, changed_at = request_version(request)
        etag = _etag(request, version)
        last_modified = int(changed_at.timestamp()) if changed_at else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        response["ETag"] = etag
        if changed_at:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            must_revalidate=True,
            s_maxage=settings.SHARED_CACHE_SECONDS,  # what deploy/nginx.conf may keep
        )
        response.is_public_page = True
        return response

    return wrapper
