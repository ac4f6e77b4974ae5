"""The HTTP side of share pictures: Django's cache and an ETag around the drawing."""

import hashlib

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

from comparisons.caching import get_or_compute
from comparisons.grids import ComparisonGrid
from comparisons.sharing.pictures import (
    draw_comparison_picture,
    draw_dimension_picture,
    fingerprint,
)

# Long enough to spare redrawing for every crawler; the key changes when the content does.
CACHE_SECONDS = 60 * 60 * 24
BROWSER_SECONDS = 60 * 5


def comparison_picture_response(
    request: HttpRequest, grid: ComparisonGrid, subtitle: str, url: str
) -> HttpResponse:
    """The PNG of `table`, drawn once per URL and content (`url` is the canonical one)."""
    return _picture_response(request, grid, url, lambda: draw_comparison_picture(grid, subtitle))


def dimension_picture_response(
    request: HttpRequest, grid: ComparisonGrid, url: str
) -> HttpResponse:
    """The PNG of a table's one row, headlined by the row."""
    return _picture_response(request, grid, url, lambda: draw_dimension_picture(grid))


def _picture_response(request: HttpRequest, grid: ComparisonGrid, url: str, draw) -> HttpResponse:
    etag = f'"{fingerprint(grid)}"'
    conditional = get_conditional_response(request, etag=etag)
    if conditional is not None:
        return conditional
    key = "picture:" + hashlib.sha256(f"{url} {etag}".encode()).hexdigest()
    picture = get_or_compute(key, draw, CACHE_SECONDS)
    response = HttpResponse(picture, content_type="image/png")
    response["ETag"] = etag
    # A staff member's picture may show drafts: no shared cache may keep it.
    if request.user.is_staff:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    return response
