from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from taggit.models import Tag

from comparisons.caching import (
    computed_once_per_generation,
    public_page,
    remember_moments,
    unshare,
)
from comparisons.filters import PARAMETERS, apply_filter, parse_query
from comparisons.grids import ComparisonGrid
from comparisons.history.changes import AS_OF, as_of_value, changed_lines, parse_as_of
from comparisons.history.pinned import load_grid_as_of, parse_pin, pin_query
from comparisons.history.versions import public_dimension_histories
from comparisons.home import (
    comparison_ids,
    comparisons_with_counts,
    home_comparisons,
    recent_changes,
)
from comparisons.lookups import (
    dimension_grid,
    filtered_grid,
    get_comparison,
    missing_dimension,
    visible_dimensions,
)
from comparisons.models import DifferenceLevel, Dimension
from comparisons.redirects import follows_renames, with_old_anchors
from comparisons.search.queries import QueryTooLong, search
from comparisons.sharing.picture_responses import (
    comparison_picture_response,
    dimension_picture_response,
)
from comparisons.transfer.exports import EXPORTS
from kb.headers import allow_framing


def _url_with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def _with_as_of(query: str, as_of) -> str:
    """A share link's query: the normalised filter, then the moment it was made, if any."""
    if as_of is None:
        return query
    return "&".join(part for part in (query, f"{AS_OF}={as_of_value(as_of)}") if part)


def _published_tags(request: HttpRequest) -> list[Tag]:
    """Tags of published rows in published comparisons, each with `dimension_count`."""
    return computed_once_per_generation(request, "published-tags", _count_published_tags)


def _count_published_tags() -> list[Tag]:
    # Counted on taggit's items alone, semi-joined to the public rows: half the time of a join
    # through the tags at 100,000 cells. A row carries a tag once (taggit's unique item).
    items = Dimension.objects.public().tag_items()
    counts = dict(items.values_list("tag_id").annotate(count=Count("pk")))
    tags = list(Tag.objects.filter(pk__in=counts).order_by("name"))
    for tag in tags:
        tag.dimension_count = counts[tag.pk]
    return tags


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "comparisons/home.html",
        {
            "home": home_comparisons(request.user),
            "recent_changes": recent_changes(),
            "tags": _published_tags(request),
        },
    )


COMPARISONS_PER_PAGE = 50
DIMENSIONS_PER_TAG_PAGE = 50
# What the tag page shows of a dimension (its entries are on the comparison): none are read.
TAG_PAGE_FIELDS = (
    "slug", "title", "question", "status", "position",
    "comparison__slug", "comparison__title", "comparison__status",
)  # fmt: skip


@require_safe
@public_page
def comparison_list(request: HttpRequest) -> HttpResponse:
    """Every table (or a topic's: `?topic=`, empty for none), newest change first, paged."""
    topic = request.GET.get("topic")
    try:
        page = Paginator(comparison_ids(request.user, topic), COMPARISONS_PER_PAGE).page(
            request.GET.get("page") or 1
        )
    except InvalidPage:
        raise Http404("No such page of tables.") from None
    page.object_list = comparisons_with_counts(list(page.object_list))
    return render(request, "comparisons/comparison_list.html", {"topic": topic, "page": page})


@require_safe
@public_page
def tag_list(request: HttpRequest) -> HttpResponse:
    return render(request, "comparisons/tag_list.html", {"tags": _published_tags(request)})


@require_safe
@public_page
def search_page(request: HttpRequest) -> HttpResponse:
    # Tags are suggested only on the empty and no-results pages: read them only there.
    tags = SimpleLazyObject(lambda: _published_tags(request))
    context = {"q": request.GET.get("q", ""), "results": None, "tags": tags}
    try:
        if context["q"].strip():
            context["results"] = search(context["q"], request.user, request.GET.get("page"))
            if not context["results"].page.object_list:
                unshare(request)  # any made-up word finds nothing: not a page to keep
    except QueryTooLong as error:
        context["error"] = str(error)
        return render(request, "comparisons/search.html", context, status=400)
    except InvalidPage:
        raise Http404("No such page of results.") from None
    return render(request, "comparisons/search.html", context)


@require_safe
@follows_renames
@public_page
def comparison_detail(request: HttpRequest, comparison: str) -> HttpResponse:
    comparison = get_comparison(request, comparison)
    view = filtered_grid(
        request, comparison, with_old_anchors(visible_dimensions(request), comparison)
    )
    as_of = parse_as_of(request.GET, timezone.now())
    share_query = _with_as_of(view.query_string, as_of)
    asks_filter = any(name in request.GET for name in PARAMETERS)
    if asks_filter and not view.ignored and request.META.get("QUERY_STRING", "") != share_query:
        # A submitted form (repeated keys, any order or case): show the short share link.
        return HttpResponseRedirect(_url_with_query(request.path, share_query))
    remember_moments(request, view.source.lines)
    return render(
        request,
        "comparisons/comparison_detail.html",
        {
            "view": view,
            "grid": view.grid,
            "canonical_path": _url_with_query(request.path, view.query_string),
            "pin_query": pin_query(timezone.now()),
            "changed_lines": changed_lines(view.grid.lines, as_of),
        },
    )


@require_safe
@allow_framing
@follows_renames
@public_page
def embed(request: HttpRequest, comparison: str) -> HttpResponse:
    """The table with minimal chrome: the only page other sites may frame.

    Pinned (`version=<unix time>`), it shows the rows as they were then.
    """
    comparison = get_comparison(request, comparison)
    pinned_at = parse_pin(request.GET, timezone.now())
    past = None
    if pinned_at:
        # Row slugs in `only` are the ones of that moment: no renames to follow.
        past = load_grid_as_of(comparison, pinned_at)
        view = apply_filter(past.grid, parse_query(request.GET))
    else:
        view = filtered_grid(request, comparison)
    comparison_url = _url_with_query(comparison.get_absolute_url(), view.query_string)
    return render(
        request,
        "comparisons/embed.html",
        {
            "view": view,
            "grid": view.grid,
            "canonical_path": comparison_url,
            "pinned_at": pinned_at,
            "past": past,
        },
    )


@require_safe
@follows_renames
@public_page
def export(request: HttpRequest, comparison: str, format: str) -> HttpResponse:
    comparison = get_comparison(request, comparison)
    view = filtered_grid(request, comparison)
    exporter = EXPORTS[format]
    comparison_url = _url_with_query(comparison.get_absolute_url(), view.query_string)
    response = HttpResponse(
        exporter.render(view, f"{settings.SITE_URL}{comparison_url}"),
        content_type=exporter.content_type,
    )
    name = f"{comparison.slug}-filtered" if view.is_filtered else comparison.slug
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


@require_safe
@follows_renames
@public_page
def dimension_detail(request: HttpRequest, comparison: str, dimension: str) -> HttpResponse:
    grid = dimension_grid(request, comparison, dimension)
    as_of = parse_as_of(request.GET, timezone.now())
    return render(
        request,
        "comparisons/dimension_detail.html",
        {"grid": grid, "line": grid.lines[0], "changed_lines": changed_lines(grid.lines, as_of)},
    )


@require_safe
@follows_renames
@public_page
def dimension_changes(request: HttpRequest, comparison: str, dimension: str) -> HttpResponse:
    """The row's public change log: dates and what changed, naming no editor."""
    comparison = get_comparison(request, comparison)
    dimension_found = (
        visible_dimensions(request).filter(comparison=comparison, slug=dimension).first()
    )
    if dimension_found is None:
        missing_dimension(request, comparison, dimension)
    dimension_found.comparison = comparison
    public = public_dimension_histories([dimension_found.pk]).get(dimension_found.pk, [])
    changes = [revision for revision in reversed(public) if revision.is_listed]
    return render(
        request,
        "comparisons/dimension_changes.html",
        {"comparison": comparison, "dimension": dimension_found, "changes": changes},
    )


@require_safe
@follows_renames
def comparison_picture(request: HttpRequest, comparison: str) -> HttpResponse:
    """The share picture of the table, or of the filtered view the query asks for."""
    comparison = get_comparison(request, comparison)
    view = filtered_grid(request, comparison)
    shown = len(view.grid.lines)
    subtitle = (
        f"{shown} of {view.total_dimensions} row{pluralize(view.total_dimensions)}"
        if view.is_filtered
        else f"{shown} row{pluralize(shown)}"
    )
    if view.chosen["min"]:
        level = DifferenceLevel(view.chosen["min"][0]).label.lower()
        subtitle = f"{subtitle}, difference at least {level}"
    key = _url_with_query(request.path, view.query_string)
    return comparison_picture_response(request, view.grid, _segments_line(view.grid, subtitle), key)


@require_safe
@follows_renames
def dimension_picture(request: HttpRequest, comparison: str, dimension: str) -> HttpResponse:
    """The share picture of one row."""
    grid = dimension_grid(request, comparison, dimension)
    return dimension_picture_response(request, grid, request.path)


def _segments_line(grid: ComparisonGrid, prefix: str) -> str:
    names = " vs ".join(segment.name for segment in grid.segments)
    return " · ".join(part for part in (prefix, names) if part)


@require_safe
@public_page
def tag_detail(request: HttpRequest, tag: str) -> HttpResponse:
    """The rows carrying `tag`, grouped by table, a page of them at a time."""
    tag = get_object_or_404(Tag, slug=tag)
    dimensions = (
        visible_dimensions(request)
        .filter(tags=tag)
        .select_related("comparison")
        .only(*TAG_PAGE_FIELDS)
        .order_by("comparison__title", "comparison_id", "position", "pk")
    )
    try:
        page = Paginator(dimensions, DIMENSIONS_PER_TAG_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page of rows.") from None
    if not page.object_list:
        raise Http404("No rows carry this tag.")
    return render(request, "comparisons/tag_detail.html", {"tag": tag, "page": page})
