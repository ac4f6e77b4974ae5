"""What a request may see, found by slug: the one access rule of the pages, feeds and API.

Each lookup raises `Renamed` for an old slug (comparisons/redirects.py turns it into a 301),
`Gone` for a deleted table or row (a 410, comparisons/gone.py) and `Http404` for what is
missing or not visible to the user (drafts, for anonymous readers).
"""

from typing import NoReturn

from django.http import Http404, HttpRequest

from comparisons.caching import unshare
from comparisons.filters import FilteredGrid, apply_filter, parse_query
from comparisons.gone import deleted_comparison, deleted_dimension
from comparisons.grids import ComparisonGrid, load_grid
from comparisons.models import Comparison, Dimension
from comparisons.redirects import Renamed, renamed_comparison, renamed_dimension, renamed_dimensions


def get_comparison(request: HttpRequest, slug: str) -> Comparison:
    """The comparison; `Renamed` if `slug` is an old one; 404 if missing or not visible."""
    visible = Comparison.objects.visible_to(request.user)
    try:
        return visible.get(slug=slug)
    except Comparison.DoesNotExist:
        current = renamed_comparison(slug, visible)
        if current:
            raise Renamed(comparison=current) from None
        deleted_comparison(slug)
        raise Http404("No such comparison.") from None


def visible_dimensions(request: HttpRequest):
    """Rows the user may see: published rows of published comparisons, or everything for staff."""
    return Dimension.objects.visible_to(request.user)


def filtered_grid(request: HttpRequest, comparison: Comparison, dimensions=None) -> FilteredGrid:
    """The table as filtered by the query string. `Renamed` if it names old row slugs.

    `rows` narrows or extends the visible rows' queryset (a prefetch, say).
    """
    query = parse_query(request.GET)
    dimensions = visible_dimensions(request) if dimensions is None else dimensions
    view = apply_filter(load_grid(comparison, dimensions), query)
    renames = renamed_dimensions(
        comparison, view.ignored_values("only"), visible_dimensions(request)
    )
    if renames:
        raise Renamed(values={"only": renames})
    if view.ignored:
        unshare(request)  # made-up values: a page of its own that nobody else asks for
    return view


def dimension_grid(request: HttpRequest, comparison: str, dimension: str) -> ComparisonGrid:
    """The table of one row. `Renamed` if a slug is an old one; 404 if missing or not visible."""
    comparison = get_comparison(request, comparison)
    grid = load_grid(comparison, visible_dimensions(request).filter(slug=dimension))
    if not grid.lines:
        missing_dimension(request, comparison, dimension)
    return grid


def missing_dimension(request: HttpRequest, comparison: Comparison, slug: str) -> NoReturn:
    """`Renamed` if `slug` is an old slug of a row the user may see, else 404."""
    current = renamed_dimension(comparison, slug, visible_dimensions(request))
    if current:
        raise Renamed(**current)
    deleted_dimension(comparison, slug)
    raise Http404("No such row in this comparison.")
