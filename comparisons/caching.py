"""Public pages cached whole and served conditionally, keyed by the content version.

Every change to public content bumps `ContentVersion` (see comparisons/invalidation.py), so a
page cached under an older version is never read again. The version is read once per
request (one query), which keeps several app processes consistent without coordination.
Staff may see drafts: they neither read nor fill the public cache.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from comparisons.models import ContentVersion

CACHE_SECONDS = 24 * 60 * 60
KEPT_HEADERS = ("Content-Type", "Content-Disposition")
VERSION_ROW = 1


def bump_content_version() -> None:
    """Make every cached public page stale; call inside the transaction of the change."""
    updated = ContentVersion.objects.filter(pk=VERSION_ROW).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=VERSION_ROW)


def computed_once_per_version(name: str, compute: Callable[[], object]):
    """`compute()`, shared through the cache until the content changes. One query (the version).

    For aggregates over all content (tag counts) that several pages show and that cost the
    same whatever the page: at 100,000 entries they take hundreds of milliseconds.
    """
    version, _ = current_version()
    return cache.get_or_set(f"kb:{name}:{version}", compute, CACHE_SECONDS)


def current_version() -> tuple[int, datetime | None]:
    row = ContentVersion.objects.filter(pk=VERSION_ROW).values_list("version", "changed_at")
    return row.first() or (0, None)


def _page_key(request: HttpRequest, version: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"kb:page:{version}:{digest}"


def _etag(request: HttpRequest, version: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]
    return f'"{version}-{digest}"'


def _from_cache(entry: tuple[bytes, dict[str, str]]) -> HttpResponse:
    content, headers = entry
    return HttpResponse(content, headers=headers)


def _for_cache(response: HttpResponse) -> tuple[bytes, dict[str, str]]:
    return response.content, {name: response[name] for name in KEPT_HEADERS if name in response}


def _is_cacheable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view` from the page cache to non-staff readers, with ETag and Last-Modified."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.user.is_staff:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        version, changed_at = current_version()
        etag = _etag(request, version)
        last_modified = int(changed_at.timestamp()) if changed_at else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        key = _page_key(request, version)
        entry = cache.get(key) if settings.PAGE_CACHE else None
        if entry is not None:
            response = _from_cache(entry)
        else:
            response = view(request, *args, **kwargs)
            if not _is_cacheable(response):
                return response
            if settings.PAGE_CACHE:
                cache.set(key, _for_cache(response), CACHE_SECONDS)
        response["ETag"] = etag
        if changed_at:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return response

    return wrapper
