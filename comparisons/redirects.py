"""Old slugs answer with a permanent redirect to the current URL.

Old slugs are looked up only when the current one is not found (the 404 path), so a page
found at its current URL runs no extra query.
"""

from functools import wraps

from django.core.validators import slug_re
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponsePermanentRedirect, QueryDict
from django.urls import reverse

from comparisons.gone import Gone, gone_response
from comparisons.models import Comparison, ComparisonSlug, Dimension, DimensionSlug


class Renamed(Exception):
    """Raised by a view that found its object under an old slug.

    `kwargs` are URL kwargs to replace; `values` maps a query parameter to the old slugs in
    its (comma-separated) values and their current slugs. Every other parameter is kept.
    """

    def __init__(self, values: dict[str, dict[str, str]] | None = None, **kwargs):
        super().__init__(kwargs)
        self.values = values or {}
        self.kwargs = kwargs


def follows_renames(view):
    """Turn `Renamed` into a 301 to the same view with current slugs and the same query,
    and `Gone` into a 410 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs):
        try:
            return view(request, **kwargs)
        except Gone as gone:
            return gone_response(request, gone)
        except Renamed as renamed:
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, **renamed.kwargs})
            query = _renamed_query(request.GET, renamed.values)
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapper


def _renamed_query(query: QueryDict, values: dict[str, dict[str, str]]) -> str:
    """`query` with old slugs replaced in place: same parameters, same order (as_of too)."""
    query = query.copy()
    for name, renames in values.items():
        query.setlist(
            name,
            [
                ",".join(renames.get(item.strip().lower(), item) for item in value.split(","))
                for value in query.getlist(name)
            ],
        )
    return query.urlencode(safe=",")


def renamed_comparison(slug: str, visible) -> str | None:
    """The current slug of the comparison once called `slug`, among `visible`. One query."""
    old = ComparisonSlug.objects.filter(slug=slug, comparison__in=visible).select_related(
        "comparison"
    )
    found = old.first()
    return found.comparison.slug if found else None


def renamed_dimension(comparison: Comparison, slug: str, visible) -> dict[str, str] | None:
    """The current URL kwargs of the row once called `slug` in `comparison`. One query."""
    old = DimensionSlug.objects.filter(
        comparison=comparison, slug=slug, dimension__in=visible
    ).select_related("dimension__comparison")
    found = old.first()
    if found is None:
        return None
    return {"comparison": found.dimension.comparison.slug, "dimension": found.dimension.slug}


def renamed_dimensions(comparison: Comparison, slugs: list[str], visible) -> dict[str, str]:
    """Old row slugs of `comparison` among `slugs`, mapped to the current slugs of the rows
    among `visible` (a draft's rename is no reader's business).

    Runs one query if any of `slugs` could be a slug at all (others, such as text with NUL
    characters that PostgreSQL refuses, are never sent to the database).
    """
    slugs = [slug for slug in slugs if slug_re.fullmatch(slug)]
    if not slugs:
        return {}
    old = DimensionSlug.objects.filter(
        comparison=comparison, slug__in=slugs, dimension__in=visible.filter(comparison=comparison)
    ).values_list("slug", "dimension__slug")
    return dict(old)


def with_old_anchors(dimensions, comparison: Comparison):
    """`dimensions` with `old_anchors`: their old slugs in `comparison`, for the table's old
    `#` links.

    A copied row link is `/compare/<comparison>/#<row>`; after a rename, an element with the
    old slug as its id keeps it landing on the row. One query for all rows. Old slugs that
    are another row's current slug are left out: that row owns the id now.
    """
    current = Dimension.objects.filter(comparison=comparison).values("slug")
    old = DimensionSlug.objects.filter(comparison=comparison).exclude(slug__in=current)
    return dimensions.prefetch_related(
        Prefetch("old_slugs", queryset=old.order_by("slug"), to_attr="old_anchors")
    )
