"""Readers' public pages cached whole, keyed by URL and a generation; the one sharing rule.

What may be shared-cached is decided by `is_shareable` alone: a GET or HEAD from an anonymous
reader, for a page marked public (`public_page`) whose query names nothing the page does not
know. Such a page says `Cache-Control: public, s-maxage=…` (what deploy/nginx.conf keeps);
every other answer of a public view says `private, no-cache`, so neither cache stores it.

`PageCacheMiddleware` keeps shareable pages in Django's cache under
`kb:page:<generation>:<URL digest>`. The generation is a number per table (`TableGeneration`:
the table's page, filtered views, rows, exports, embed, feeds, API) and one for the pages
spanning tables (`SiteGeneration`: home, tags, search, sitemap, API lists). `bump()`, called
by comparisons/history/writes.py in the transaction of each change, increments the numbers of the
tables changed and the site's, so stale copies are never read again and other tables' pages
stay cached. Readers find the numbers in the cache (the database when the cache lacks them or
they are older than `RECHECK_SECONDS`), so pages cached before a database outage are served
during it.

The key holds only what pages distinguish, so that floods of made-up values store nothing:
parameters no page reads are left out (and such a request stores nothing); `version` (a pinned
embed) is not kept by this cache at all; `as_of` (a share link's moment) counts only as the
number of the table's changes after it (`remember_moments`); a filter naming rows, tags or
columns the table lacks, and a search finding nothing, make the page unshareable (`unshare`).
"""

import bisect
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from comparisons.filters import PARAMETERS
from comparisons.history.changes import AS_OF, parse_as_of
from comparisons.models import Comparison, SiteGeneration, TableGeneration
from kb import outages
from kb.unavailable import OutageError

CACHE_SECONDS = 24 * 60 * 60
# Cached numbers outlive the pages: a page cached before an outage keeps its number.
KEEP_SECONDS = 7 * 24 * 60 * 60
# A shared cache's number is read again from the database after this long (two writers
# committing in the same instant may leave the older number in the cache).
RECHECK_SECONDS = 60
RETRY_SECONDS = 5  # during a database outage, how often a due recheck tries it again
SITE_GENERATION_ID = 1

# Every parameter a public page reads. Pinned embeds (`version`) are not kept here.
PAGE_PARAMETERS = frozenset({*PARAMETERS, AS_OF, "version", "q", "page", "p"})
NOT_KEPT = frozenset({"version"})
# Pages of one table: the comparison's slug follows one of these prefixes.
COMPARISON_PATH = re.compile(r"^/(?:compare|embed|api/v1/comparisons)/(?P<slug>[-\w]+)/")


# --- The rule --------------------------------------------------------------------------------


def is_shareable(request: HttpRequest) -> bool:
    """Whether the answer to `request` may be kept by a shared cache (this one, nginx's).

    Staff see drafts and any signed-in user may see more than a reader, so only anonymous
    readers' requests qualify; a page that wrote a CSRF token (tied to the reader's cookie)
    never does; a view calls `unshare` when its page depends on more.
    """
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "unshared", False)
    )


def unshare(request: HttpRequest) -> None:
    """Keep this request's page out of shared caches (a filter with values the table lacks:
    anyone can make up such values, and each would store a page)."""
    request.unshared = True


# --- Generations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    scope: str  # "site" or "t<comparison id>"
    number: int
    changed_at: datetime | None

    @property
    def tag(self) -> str:
        return f"{self.scope}.{self.number}"


class Unknown(OutageError):
    """Neither the cache nor the database can say a page's generation (the page answers 503)."""


def bump(comparison_ids: set[int] | None) -> None:
    """Make the cached pages of `comparison_ids` (every table if None) and of the site stale.
    Call inside the transaction of the change."""
    now = timezone.now()
    if not SiteGeneration.objects.filter(pk=SITE_GENERATION_ID).update(
        number=F("number") + 1, changed_at=now
    ):
        SiteGeneration.objects.get_or_create(pk=SITE_GENERATION_ID)
    generations = TableGeneration.objects.all()
    if comparison_ids is not None:
        generations = generations.filter(comparison_id__in=comparison_ids)
    bumped = generations.update(number=F("number") + 1, changed_at=now)
    if comparison_ids is None or bumped < len(comparison_ids):
        _create_missing(comparison_ids)
    if comparison_ids is None:
        comparison_ids = set(Comparison.objects.values_list("pk", flat=True))
    # Until the commit, readers read the database; after it, the new numbers are cached.
    _cache_call("delete_many", [_site_key(), *map(_comparison_key, comparison_ids)])
    transaction.on_commit(lambda: _write_through(comparison_ids))


def _create_missing(comparison_ids: set[int] | None) -> None:
    """Numbers for new tables, starting at the site's: above any number a deleted table with
    the same id had (a restored backup reuses ids), as every bump of a table bumps the site."""
    missing = Comparison.objects.filter(generation__isnull=True)
    if comparison_ids is not None:
        missing = missing.filter(pk__in=comparison_ids)
    start = SiteGeneration.objects.get(pk=SITE_GENERATION_ID).number
    TableGeneration.objects.bulk_create(
        [
            TableGeneration(comparison_id=pk, number=start)
            for pk in missing.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def _write_through(comparison_ids: set[int]) -> None:
    generations = TableGeneration.objects.filter(comparison_id__in=comparison_ids)
    entries = {_site_key(): _entry(*_from_database(None))}
    for found in generations.values_list(
        "comparison_id", "comparison__slug", "number", "changed_at"
    ):
        pk, slug, number, changed_at = found
        entries[_slug_key(slug)] = pk
        entries[_comparison_key(pk)] = _entry(Generation(f"t{pk}", number, changed_at), slug)
    _cache_call("set_many", entries, KEEP_SECONDS)


def generation_for(path: str) -> Generation:
    """The generation the page at `path` is cached under (a table's, else the site's)."""
    match = COMPARISON_PATH.match(path)
    slug = match["slug"] if match else None
    cached = _cached(slug)
    fresh = cached and time.time() - cached[1] < RECHECK_SECONDS
    if cached and fresh and settings.CACHE_IS_SHARED:
        return cached[0]
    if cached and outages.failed_within("database", RETRY_SECONDS):
        return cached[0]  # the database just failed: serve rather than wait for it again
    try:
        generation, current_slug = _from_database(slug)
    except Exception as error:
        outages.report("database", "Database: cannot read the cache generation", error)
        if cached:
            return cached[0]  # stale-if-error: the number as last known
        raise Unknown from error
    outages.recovered("database")
    if cached and cached[0] == generation and not settings.CACHE_IS_SHARED:
        return generation  # a per-process cache: written only when the number moved
    if current_slug is None:
        _cache_call("set", _site_key(), _entry(generation), KEEP_SECONDS)
    else:
        pk = int(generation.scope[1:])
        entries = {_slug_key(slug): pk, _comparison_key(pk): _entry(generation, slug)}
        _cache_call("set_many", entries, KEEP_SECONDS)
    return generation


def _cached(slug: str | None) -> tuple[Generation, float] | None:
    """(generation, when it was cached) from the cache, or None."""
    if slug is None:
        entry = _cache_call("get", _site_key())
    else:
        pk = _cache_call("get", _slug_key(slug))
        entry = _cache_call("get", _comparison_key(pk)) if pk else None
        if entry and entry[1] != slug:  # renamed, deleted, or the slug taken by another table
            entry = None
    return (entry[0], entry[2]) if entry else None


def _from_database(slug: str | None) -> tuple[Generation, str | None]:
    """(generation, the table's slug, or None for the site's). One query, two for a path
    naming a slug no table has (an old one: its redirect is a page of the site)."""
    if slug is not None:
        fields = ("pk", "generation__number", "generation__changed_at")
        found = Comparison.objects.filter(slug=slug).values_list(*fields).first()
        if found:
            pk, number, changed_at = found
            return Generation(f"t{pk}", number or 0, changed_at), slug
    site = (
        SiteGeneration.objects.filter(pk=SITE_GENERATION_ID)
        .values_list("number", "changed_at")
        .first()
    )
    return Generation("site", *(site or (0, None))), None


def _entry(generation: Generation, slug: str | None = None) -> tuple:
    return (generation, slug, time.time())


def _site_key() -> str:
    return "kb:gen:site"


def _slug_key(slug: str) -> str:
    return f"kb:gen:slug:{slug}"


def _comparison_key(comparison_id: int) -> str:
    return f"kb:gen:table:{comparison_id}"


# --- Pages -----------------------------------------------------------------------------------


def request_generation(request: HttpRequest) -> Generation:
    """The generation of the requested page, read once per request."""
    if not hasattr(request, "generation"):
        try:
            request.generation = generation_for(request.path_info)
        except Unknown as unknown:
            request.generation = unknown
    if isinstance(request.generation, Unknown):
        raise request.generation
    return request.generation


def _page_query(request: HttpRequest, generation: Generation) -> tuple[str | None, bool]:
    """(what the page's key holds of its query, or None if this cache does not keep it;
    whether the query holds nothing else)."""
    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    known = [(name, value) for name, value in pairs if name in PAGE_PARAMETERS]
    if any(name in NOT_KEPT for name, _ in known):
        return None, False
    if AS_OF in request.GET:
        moments = _cache_call("get", _moments_key(generation))
        if moments is None:
            return None, False
        as_of = parse_as_of(request.GET, timezone.now())
        after = len(moments) - bisect.bisect_right(moments, as_of.timestamp()) if as_of else 0
        known = [(n, v) for n, v in known if n != AS_OF] + [(AS_OF, f"{after} changes after")]
    return urlencode(known), len(known) == len(pairs)


def remember_moments(request: HttpRequest, lines) -> None:
    """Keep when the table's rows and cells changed: a share link's `as_of` is then keyed by
    the number of changes after it (the rows its page flags), not by its value."""
    if AS_OF in request.GET and is_shareable(request):
        moments = sorted(
            moment.timestamp()
            for line in lines
            for moment in [
                line.dimension.updated,
                *(c.entry.updated for c in line.slots if c.entry),
            ]
        )
        _cache_call("set", _moments_key(request_generation(request)), moments, CACHE_SECONDS)


def _moments_key(generation: Generation) -> str:
    return f"kb:moments:{generation.tag}"


def _digest(request: HttpRequest, query: str | None) -> str:
    if query is None:
        query = request.META.get("QUERY_STRING", "")
    return hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()


class PageCacheMiddleware:
    """Serve shareable pages from the cache; keep those the view marked public.

    Placed after authentication (the rule needs the user: a request carrying a session cookie
    costs a session read, whatever the cookie says); a hit skips URL resolution and the view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (settings.PAGE_CACHE and is_shareable(request)):
            return self.get_response(request)
        try:
            generation = request_generation(request)
        except Unknown:
            return self.get_response(request)  # the view answers (503, or /healthz)
        query, complete = _page_query(request, generation)
        if query is None:
            return self.get_response(request)
        key = f"kb:page:{generation.tag}:{_digest(request, query)}"
        entry = _cache_call("get", key)
        if entry is not None:
            return _from_cache(request, entry)
        response = self.get_response(request)
        if complete and is_shareable(request) and _is_kept(response):
            _cache_call("set", key, (response.content, list(response.items())), CACHE_SECONDS)
        return response


def _is_kept(response: HttpResponse) -> bool:
    return (
        getattr(response, "is_public_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
    )


def _from_cache(request: HttpRequest, entry: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = entry
    response = HttpResponse(content, headers=dict(headers))
    response.is_public_page = True
    last_modified = parse_http_date_safe(response.get("Last-Modified"))
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark `view`'s pages public when `is_shareable` allows: ETag, Last-Modified, `s-maxage`
    for the proxy, and an offer to `PageCacheMiddleware`. Otherwise `private, no-cache`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_shareable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        generation = request_generation(request)
        etag = f'"{generation.tag}-{_digest(request, None)[:16]}"'
        changed_at = generation.changed_at
        last_modified = int(changed_at.timestamp()) if changed_at else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        response = view(request, *args, **kwargs)
        if not is_shareable(request):  # the view unshared it
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if response.status_code != 200:
            return response
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(
            response, public=True, max_age=0, must_revalidate=True,
            s_maxage=settings.SHARED_CACHE_SECONDS,  # what deploy/nginx.conf may keep
        )  # fmt: skip
        response.is_public_page = True
        return response

    return wrapper


# --- Values computed once per generation -----------------------------------------------------


def computed_once_per_generation(request: HttpRequest, name: str, compute: Callable[[], object]):
    """`compute()`, shared through the cache until the content changes: for aggregates over
    all content (tag counts) that cost hundreds of milliseconds at 100,000 cells."""
    return get_or_compute(f"kb:{name}:{request_generation(request).tag}", compute)


def get_or_compute(key: str, compute: Callable[[], object], timeout: int = CACHE_SECONDS):
    """`compute()` through the cache; if the cache is down, computed (and the error logged)."""
    value = _cache_call("get", key)
    if value is None:
        value = compute()
        _cache_call("set", key, value, timeout)
    return value


def _cache_call(method: str, *args):
    """`cache.<method>(*args)`; None if the cache fails (logged once per outage)."""
    try:
        result = getattr(cache, method)(*args)
    except Exception as error:
        outages.report("cache", f"Cache: {method} failed; going on without it", error)
        return None
    outages.recovered("cache")
    return result
