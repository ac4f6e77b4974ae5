"""Make a short link for a public view of a table, and follow one."""

import math

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django_ratelimit.core import get_usage

from comparisons.filters import FilteredGrid, apply_filter, parse_query
from comparisons.grids import load_grid
from comparisons.history.changes import AS_OF
from comparisons.models import Comparison, Dimension
from comparisons.sharing.shortlinks.models import ShortLink
from kb import outages


@require_safe
def follow(request: HttpRequest, code: str) -> HttpResponse:
    """302 to the view the link was made for (a 301 from there if it was renamed since)."""
    link = get_object_or_404(ShortLink, code=code)
    if link.expired:
        link.delete()
        raise Http404("This short link expired.")
    link.record_use()
    return HttpResponseRedirect(link.target)


@require_safe
def short_link_for(request: HttpRequest, comparison: str) -> JsonResponse:
    """The short link of the public view the query string asks for, made on first request.

    A GET rather than a POST: public pages are cached whole for anonymous readers, so they
    carry no CSRF token, and every POST without one is refused site-wide. That is safe
    here because asking twice gives the same link, and a link only ever names what anyone
    may read: it is made as an anonymous reader sees the view, whoever asks.
    """
    comparison = Comparison.objects.public().filter(slug=comparison).first()
    if comparison is None:
        return _json({"error": "No such table (or not published yet)."}, status=404)
    dimensions = Dimension.objects.public()
    view = apply_filter(load_grid(comparison, dimensions), parse_query(request.GET))
    if view.ignored:
        names = ", ".join(f"{item.parameter}={item.value}" for item in view.ignored)
        return _json({"error": f"Not in the published table: {names}."}, status=400)
    target = _target(comparison, view)
    link, created = ShortLink.objects.to_target(target), False
    if link is not None and link.expired:
        link.delete()
        link = None
    if link is None:
        wait = _seconds_to_wait(request)
        if wait:
            response = _json({"error": f"Too many new short links; try again in {wait} s."}, 429)
            response["Retry-After"] = str(wait)
            return response
        link, created = ShortLink.objects.create_for(target), True
    else:
        link.record_use()
    data = {"url": link.url, "code": link.code, "target": f"{settings.SITE_URL}{link.target}"}
    return _json(data, status=201 if created else 200)


def _target(comparison: Comparison, view: FilteredGrid) -> str:
    """The view's canonical path and query, with the moment the link is made (`as_of`).

    That moment is the latest change to the rows shown, rounded up to the second, rather
    than now: both flag the same later changes as "changed since", and this way the same
    view gets the same link until one of its rows is edited.
    """
    latest = max((line.updated for line in view.grid.lines), default=None)
    parts = [view.query_string]
    if latest is not None:
        parts.append(f"{AS_OF}={math.ceil(latest.timestamp())}")
    query = "&".join(part for part in parts if part)
    return f"{comparison.get_absolute_url()}?{query}"


def _seconds_to_wait(request: HttpRequest) -> int:
    """0 if this client may make another link now (and count it), else seconds to wait:
    at most SHORT_LINKS_RATE (an hour's burst) and SHORT_LINKS_PER_DAY."""
    limits = [
        ("short-links", settings.SHORT_LINKS_RATE),
        ("short-links-day", settings.SHORT_LINKS_PER_DAY),
    ]
    wait = 0
    for group, rate in limits:
        try:
            usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
        except Exception as error:
            # The cache is down: links are cheap, let it through.
            outages.report("cache", "Short links: cannot read the rate limit; allowing", error)
            return 0
        if usage is not None and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait


def _json(data: dict, status: int) -> JsonResponse:
    response = JsonResponse(data, status=status)
    # Per request: never kept by the page cache, a browser or a proxy.
    add_never_cache_headers(response)
    return response
