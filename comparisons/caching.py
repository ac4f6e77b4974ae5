"""Public pages cached whole and served conditionally, keyed by their cache generation.

Every change to public content bumps the generation of the tables it changes and of the site
(comparisons/generations.py), so a page cached under an older generation is never read
again. Readers find the generation in the cache (the database when the cache lacks it), so a
page cached before a database outage is still served during it.

`public_page` marks a view's pages as public (ETag, Last-Modified, Cache-Control) and
`PageCacheMiddleware` keeps and serves them. The key is the path and the query parameters
pages know (`PAGE_PARAMETERS`): any other parameter is left out of it, so that random ones
create no entries. Staff (who may see drafts) neither read nor fill the cache: a request is
staff's when it carries the signed marker set at their login (comparisons/staff_marker.py),
which a client cannot forge, unlike the mere presence of a session cookie.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from comparisons import generations, staff_marker
from comparisons.changes import AS_OF
from comparisons.filters import PARAMETERS
from comparisons.generations import Generation
from kb import outages

CACHE_SECONDS = 24 * 60 * 60

# Every query parameter a public page reads: the filter, the moment of a share link or a
# pinned embed, the search words and page numbers (`p`: the sitemap's pages). A page that
# reads a new parameter must name it here, or it would be served another query's page.
PAGE_PARAMETERS = frozenset({*PARAMETERS, AS_OF, "version", "q", "page", "p"})


def computed_once_per_generation(request: HttpRequest, name: str, compute: Callable[[], object]):
    """`compute()`, shared through the cache until the content changes.

    For aggregates over all content (tag counts) that pages spanning tables show, and that
    cost the same whatever the page: at 100,000 entries they take hundreds of milliseconds.
    Uses the generation already read for `request` (the site's, on such pages).
    """
    return get_or_compute(f"kb:{name}:{request_generation(request).tag}", compute)


def get_or_compute(key: str, compute: Callable[[], object], timeout: int = CACHE_SECONDS):
    """`compute()` through the cache; if the cache is down, computed (and the error logged)."""
    try:
        value = cache.get_or_set(key, compute, timeout)
    except Exception as error:
        outages.report("cache", f"cannot read or write {key[:60]}; computing it", error)
        return compute()
    outages.recovered("cache")
    return value


def request_generation(request: HttpRequest) -> Generation:
    """The generation of the requested page, read once for this request (by the middleware
    or the view). Raises `generations.Unknown` when neither the cache nor the database
    answers (the view then answers 503, see kb/unavailable.py)."""
    if not hasattr(request, "_generation"):
        try:
            request._generation = generations.for_path(request.path_info)
        except generations.Unknown as unknown:
            request._generation = unknown
    if isinstance(request._generation, generations.Unknown):
        raise request._generation
    return request._generation


def canonical_query(request: HttpRequest) -> tuple[str, bool]:
    """(the query string with only the parameters pages know, whether that is all of it)."""
    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    known = [(name, value) for name, value in pairs if name in PAGE_PARAMETERS]
    return urlencode(known), len(known) == len(pairs)


def _path_digest(request: HttpRequest) -> str:
    query, _ = canonical_query(request)
    return hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()


def _page_key(request: HttpRequest, generation: Generation) -> str:
    return f"kb:page:{generation.tag}:{_path_digest(request)}"


def _etag(request: HttpRequest, generation: Generation) -> str:
    return f'"{generation.tag}-{_path_digest(request)[:16]}"'


def _may_use_cache(request: HttpRequest) -> bool:
    """Readers only: staff (who may see drafts) carry the signed staff marker."""
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not staff_marker.is_marked(request)
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

    It sits just after the security and static-file middleware: a hit costs two or three
    cache reads (the generation, the page) and no query, and skips sessions,
    authentication, CSRF, messages, history, URL resolution and the view. What it stores is
    the response as the inner middleware left it (CSP, framing and Vary headers included),
    so a hit is the same response. Only a request whose query holds nothing but known
    parameters fills the cache: a page may echo its query (the API's next links).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _may_use_cache(request):
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS: a 400 for another host, as without the cache
        try:
            key = _page_key(request, request_generation(request))
        except generations.Unknown:
            # Neither the cache nor the database knows the generation: the view answers
            # (/healthz does; a page answers 503, see kb/unavailable.py).
            return self.get_response(request)
        entry = _read(key)
        if entry is not None:
            return _from_cache(request, entry)
        response = self.get_response(request)
        if canonical_query(request)[1] and _is_cacheable(response):
            _write(key, response)
        return response


def _read(key: str):
    try:
        entry = cache.get(key)
    except Exception as error:
        # Go on without the cache: pages render, and /healthz reports the failure.
        outages.report("cache", "Page cache: cannot read; rendering instead", error)
        return None
    outages.recovered("cache")
    return entry


def _write(key: str, response: HttpResponse) -> None:
    try:
        cache.set(key, (response.content, list(response.items())), CACHE_SECONDS)
    except Exception as error:
        outages.report("cache", "Page cache: cannot write", error)


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give `view`'s pages ETag and Last-Modified, and offer them to `PageCacheMiddleware`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.user.is_staff:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        generation = request_generation(request)
        changed_at = generation.changed_at
        etag = _etag(request, generation)
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
