"""The API's endpoints, version 1: comparisons, a table (or filtered view), a row, search.

Each endpoint reads through the same helpers as the pages, so it shows the same rows,
hides the same drafts (the visibility rule of `visible_to`) and follows the same renames
(a 301 to the current URL). Answers are public pages too: ETag, 304, the page cache.
Errors are JSON (see `comparisons.api.middleware` for those raised outside the API).
"""

import inspect
from typing import Annotated

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError

from comparisons.api import schemas
from comparisons.caching import public_page, unshare
from comparisons.filters import Query as FilterQuery
from comparisons.filters import apply_filter
from comparisons.history.changes import changes_url
from comparisons.lookups import dimension_grid, filtered_grid, get_comparison
from comparisons.models import Comparison, Dimension, Status
from comparisons.redirects import follows_renames
from comparisons.search.queries import QueryTooLong, search
from comparisons.transfer.exports import absolute, json_document

PAGE_SIZE = 50

api = NinjaAPI(
    title="kb",
    version="1",
    description=(
        "Read-only access to kb's comparison tables: the same rows, filters and visibility "
        "as the pages. Anonymous clients see published content only. Every answer carries "
        "an ETag (send it back in If-None-Match to get 304). Requests are limited per client "
        'address (429 with Retry-After). Errors are JSON: {"detail": "…"}.'
    ),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url=None,  # served by `openapi` below: GET and HEAD only, like every page
)

ETAG_HEADER = {"ETag": {"description": "Send it in If-None-Match.", "schema": {"type": "string"}}}
RETRY_HEADER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
DOCUMENTED_HEADERS = {"responses": {200: {"headers": ETAG_HEADER}, 429: {"headers": RETRY_HEADER}}}


def read(path: str, ok, *, errors=(), **options):
    """Register a read-only endpoint: GET (documented) and HEAD, a public page with renames.

    Every endpoint may answer 304 (If-None-Match) and 429 (rate limit), and `errors`; one
    with slugs in its path answers 301 for an old slug. Its docstring documents it.
    """
    responses = {200: ok, 304: None, 429: schemas.Error, **dict.fromkeys(errors, schemas.Error)}
    if "{" in path:
        responses[301] = None  # an old slug: the same request at the current URL

    def register(view):
        summary, _, description = inspect.getdoc(view).partition("\n\n")
        options.update(
            response=responses,
            operation_id=options.pop("operation_id", view.__name__),
            summary=summary,
            description=description or None,
        )
        view = decorate_view(public_page, follows_renames)(view)
        api.api_operation(["HEAD"], path, include_in_schema=False, **options)(view)
        return api.get(path, openapi_extra=DOCUMENTED_HEADERS, **options)(view)

    return register


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404):
    return api.create_response(request, {"detail": str(error) or "Not found."}, status=404)


@api.exception_handler(ValidationError)
def bad_parameters(request: HttpRequest, error: ValidationError):
    problems = [
        f"{error['loc'][-1]}: {error['msg']}" if error.get("loc") else error["msg"]
        for error in error.errors
    ]
    return api.create_response(request, {"detail": "; ".join(problems)}, status=400)


@api.exception_handler(Exception)
def not_ours(request: HttpRequest, error: Exception):
    # Renamed goes on to `follows_renames`; anything else to Django, as on every page.
    raise error


Slug = Annotated[str, Path(description="The comparison's slug.")]
DimensionSlugPath = Annotated[str, Path(description="The row's slug.")]


class FilterParameters(Schema):
    """The filter of the table page, read by the same parser (comparisons/filters.py)."""

    only: list[str] = Field([], description="Row slugs: comma-separated or repeated.")
    tag: list[str] = Field([], description="Tag slugs: a row must carry one of them.")
    segments: list[str] = Field([], description="Segment slugs: the columns to show.")
    min: list[str] = Field(
        [], description="Smallest difference level: same, similar, different or opposite."
    )


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return absolute(f"{request.path}?{query.urlencode()}")


def _links(request: HttpRequest, page) -> dict:
    return {
        "count": page.paginator.count,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_url(request, page.previous_page_number())
        if page.has_previous()
        else None,
    }


def _no_such_page(number: int, pages: int) -> Http404:
    return Http404(f"There is no page {number}: the last page is {pages}.")


def _api_url(name: str, *args) -> str:
    return absolute(reverse(f"api-v1:{name}", args=args))


@read("/", schemas.Index, url_name="index")
def index(request: HttpRequest):
    """Where the API's resources are."""
    return {
        "comparisons": _api_url("comparisons"),
        "search": _api_url("search"),
        "openapi": absolute(reverse("api-v1-openapi")),
    }


@read("/comparisons/", schemas.ComparisonList, errors=(400, 404), url_name="comparisons")
def comparisons(request: HttpRequest, page: int = Query(1, ge=1)):
    """The comparisons, by title, 50 to a page."""
    visible = Comparison.objects.visible_to(request.user).order_by("title", "pk")
    paginator = Paginator(visible, PAGE_SIZE)
    try:
        shown = paginator.page(page)
    except EmptyPage:
        raise _no_such_page(page, paginator.num_pages) from None
    # Rows counted for the page shown only: a count over every table grows with the site.
    ids = [comparison.pk for comparison in shown]
    dimensions = Dimension.objects.filter(comparison__in=ids, status=Status.PUBLISHED)
    counts = dict(dimensions.values_list("comparison").annotate(Count("pk")).order_by())
    return {
        **_links(request, shown),
        "results": [_listed(c, counts.get(c.pk, 0)) for c in shown],
    }


def _listed(comparison: Comparison, dimension_count: int) -> dict:
    return {
        "title": comparison.title,
        "slug": comparison.slug,
        "summary": comparison.summary,
        "url": absolute(comparison.get_absolute_url()),
        "updated": comparison.updated.isoformat(),
        "api_url": _api_url("comparison", comparison.slug),
        "feed_url": absolute(reverse("changes_feed", args=[comparison.slug])),
        "rows": dimension_count,
    }


@read("/comparisons/{slug:comparison}/", schemas.Table, errors=(400, 404), url_name="comparison")
def comparison(request: HttpRequest, comparison: Slug, filters: Query[FilterParameters]):
    """The table, or the filtered view the parameters ask for: the document of export.json.

    Unknown values are ignored and listed in `filter.ignored`, as the page does.
    """
    comparison = get_comparison(request, comparison)
    view = filtered_grid(request, comparison)  # parses request.GET, as the page does
    query = f"?{view.query_string}" if view.query_string else ""
    return json_document(view, absolute(comparison.get_absolute_url() + query))


@read(
    "/comparisons/{slug:comparison}/rows/{slug:dimension}/",
    schemas.RowDocument,
    errors=(400, 404),
    url_name="dimension",
    operation_id="row",  # the API's published name for it
)
def dimension_document(request: HttpRequest, comparison: Slug, dimension: DimensionSlugPath):
    """One row with its table's columns, and where to follow its changes."""
    grid = dimension_grid(request, comparison, dimension)
    dimension = grid.lines[0].dimension
    document = json_document(
        apply_filter(grid, FilterQuery()), absolute(dimension.get_absolute_url())
    )
    return {
        "comparison": document["comparison"],
        "segments": document["segments"],
        "row": document["rows"][0],
        "changes_url": absolute(changes_url(dimension)),
        "feed_url": absolute(
            reverse("dimension_changes_feed", args=[dimension.comparison.slug, dimension.slug])
        ),
    }


@read("/search/", schemas.SearchResults, errors=(400, 404), url_name="search")
def search_results(
    request: HttpRequest,
    q: str = Query(..., description='Words; "a phrase"; -word leaves out rows with it.'),
    page: int = Query(1, ge=1),
):
    """Rows matching the words, best first, 20 to a page: the search page's results."""
    if not q.strip():
        raise HttpError(400, "q: say what to search for.")
    try:
        results = search(q, request.user, page)
    except QueryTooLong as error:
        raise HttpError(400, f"q: {error}") from None
    except EmptyPage:  # past the last page: name it
        last = search(q, request.user, 1).page.paginator.num_pages
        raise _no_such_page(page, last) from None
    hits = results.page.object_list
    if not hits:
        unshare(request)  # any made-up word finds nothing: not an answer to keep
    return {
        "query": results.query,
        **_links(request, results.page),
        "results": [_hit(h) for h in hits],
    }


def _hit(hit) -> dict:
    dimension = hit.dimension
    comparison = dimension.comparison
    return {
        "comparison": {
            "slug": comparison.slug,
            "title": comparison.title,
            "url": absolute(comparison.get_absolute_url()),
            "api_url": _api_url("comparison", comparison.slug),
        },
        "row": {
            "slug": dimension.slug,
            "title": dimension.title,
            "url": absolute(dimension.get_url_in_comparison()),
            "api_url": _api_url("dimension", comparison.slug, dimension.slug),
        },
        "title_html": str(hit.title),
        "snippet_html": str(hit.snippet),
        "tags": [tag.name for tag in dimension.tags.all()],
    }


@csrf_exempt  # like the endpoints: nothing here reads a session to change anything
@require_safe
@public_page
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 description, generated by django-ninja from the endpoints above."""
    description = api.get_openapi_schema(path_params={})
    description["servers"] = [{"url": settings.SITE_URL}]
    return JsonResponse(description)
