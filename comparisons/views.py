from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from taggit.models import Tag, TaggedItem

from comparisons.caching import (
    computed_once_per_generation,
    public_page,
    remember_moments,
    unshare,
)
from comparisons.filters import PARAMETERS, apply_filter, parse_query
from comparisons.history.changes import AS_OF, as_of_value, changed_rows, parse_as_of
from comparisons.history.pinned import load_table_as_of, parse_pin, pin_query
from comparisons.history.versions import public_row_histories
from comparisons.home import home_tables, recent_changes, table_page, tables_with_counts
from comparisons.lookups import filtered_table, get_comparison, missing_row, row_table, visible_rows
from comparisons.models import DifferenceLevel, Dimension
from comparisons.redirects import follows_renames, with_old_anchors
from comparisons.search.queries import QueryTooLong, search
from comparisons.sharing.picture_responses import row_picture_response, table_picture_response
from comparisons.tables import Table
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
    """Tags of published rows in published comparisons, each with `row_count`."""
    return computed_once_per_generation(request, "published-tags", _count_published_tags)


def _count_published_tags() -> list[Tag]:
    # Counted on taggit's items alone, semi-joined to the public rows: half the time of a join
    # through the tags at 100,000 cells. A row carries a tag once (taggit's unique item).
    items = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Dimension),
        object_id__in=Dimension.objects.public().values("pk"),
    )
    counts = dict(items.values_list("tag_id").annotate(count=Count("pk")))
    tags = list(Tag.objects.filter(pk__in=counts).order_by("name"))
    for tag in tags:
        tag.row_count = counts[tag.pk]
    return tags


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "comparisons/home.html",
        {
            "home": home_tables(request.user),
            "recent_changes": recent_changes(),
            "tags": _published_tags(request),
        },
    )


TABLES_PER_PAGE = 50
ROWS_PER_TAG_PAGE = 50
# What the tag page shows of a row (its cells are on the table): no entries are read.
TAG_PAGE_FIELDS = (
    "slug", "title", "question", "status", "position",
    "comparison__slug", "comparison__title", "comparison__status",
)  # fmt: skip


@require_safe
@public_page
def table_list(request: HttpRequest) -> HttpResponse:
    """Every table (or a topic's: `?topic=`, empty for none), newest change first, paged."""
    topic = request.GET.get("topic")
    try:
        page = Paginator(table_page(request.user, topic), TABLES_PER_PAGE).page(
            request.GET.get("page") or 1
        )
    except InvalidPage:
        raise Http404("No such page of tables.") from None
    page.object_list = tables_with_counts(list(page.object_list))
    return render(request, "comparisons/table_list.html", {"topic": topic, "page": page})


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
    view = filtered_table(request, comparison, with_old_anchors(visible_rows(request), comparison))
    as_of = parse_as_of(request.GET, timezone.now())
    share_query = _with_as_of(view.query_string, as_of)
    asks_filter = any(name in request.GET for name in PARAMETERS)
    if asks_filter and not view.ignored and request.META.get("QUERY_STRING", "") != share_query:
        # A submitted form (repeated keys, any order or case): show the short share link.
        return HttpResponseRedirect(_url_with_query(request.path, share_query))
    remember_moments(request, view.source.rows)
    return render(
        request,
        "comparisons/comparison_detail.html",
        {
            "view": view,
            "table": view.table,
            "canonical_path": _url_with_query(request.path, view.query_string),
            "pin_query": pin_query(timezone.now()),
            "changed_rows": changed_rows(view.table.rows, as_of),
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
        past = load_table_as_of(comparison, pinned_at)
        view = apply_filter(past.table, parse_query(request.GET))
    else:
        view = filtered_table(request, comparison)
    table_url = _url_with_query(comparison.get_absolute_url(), view.query_string)
    return render(
        request,
        "comparisons/embed.html",
        {
            "view": view,
            "table": view.table,
            "canonical_path": table_url,
            "pinned_at": pinned_at,
            "past": past,
        },
    )


@require_safe
@follows_renames
@public_page
def export(request: HttpRequest, comparison: str, format: str) -> HttpResponse:
    comparison = get_comparison(request, comparison)
    view = filtered_table(request, comparison)
    exporter = EXPORTS[format]
    table_url = _url_with_query(comparison.get_absolute_url(), view.query_string)
    response = HttpResponse(
        exporter.render(view, f"{settings.SITE_URL}{table_url}"),
        content_type=exporter.content_type,
    )
    name = f"{comparison.slug}-filtered" if view.is_filtered else comparison.slug
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


@require_safe
@follows_renames
@public_page
def dimension_detail(request: HttpRequest, comparison: str, dimension: str) -> HttpResponse:
    table = row_table(request, comparison, dimension)
    as_of = parse_as_of(request.GET, timezone.now())
    return render(
        request,
        "comparisons/dimension_detail.html",
        {"table": table, "row": table.rows[0], "changed_rows": changed_rows(table.rows, as_of)},
    )


@require_safe
@follows_renames
@public_page
def dimension_changes(request: HttpRequest, comparison: str, dimension: str) -> HttpResponse:
    """The row's public change log: dates and what changed, naming no editor."""
    comparison = get_comparison(request, comparison)
    row = visible_rows(request).filter(comparison=comparison, slug=dimension).first()
    if row is None:
        missing_row(request, comparison, dimension)
    row.comparison = comparison
    public = public_row_histories([row.pk]).get(row.pk, [])
    changes = [revision for revision in reversed(public) if revision.is_listed]
    return render(
        request,
        "comparisons/dimension_changes.html",
        {"comparison": comparison, "dimension": row, "changes": changes},
    )


@require_safe
@follows_renames
def table_picture(request: HttpRequest, comparison: str) -> HttpResponse:
    """The share picture of the table, or of the filtered view the query asks for."""
    comparison = get_comparison(request, comparison)
    view = filtered_table(request, comparison)
    shown = len(view.table.rows)
    subtitle = (
        f"{shown} of {view.total_rows} row{pluralize(view.total_rows)}"
        if view.is_filtered
        else f"{shown} row{pluralize(shown)}"
    )
    if view.chosen["min"]:
        level = DifferenceLevel(view.chosen["min"][0]).label.lower()
        subtitle = f"{subtitle}, difference at least {level}"
    key = _url_with_query(request.path, view.query_string)
    return table_picture_response(request, view.table, _segments_line(view.table, subtitle), key)


@require_safe
@follows_renames
def row_picture(request: HttpRequest, comparison: str, dimension: str) -> HttpResponse:
    """The share picture of one row."""
    table = row_table(request, comparison, dimension)
    return row_picture_response(request, table, request.path)


def _segments_line(table: Table, prefix: str) -> str:
    names = " vs ".join(segment.name for segment in table.segments)
    return " · ".join(part for part in (prefix, names) if part)


@require_safe
@public_page
def tag_detail(request: HttpRequest, tag: str) -> HttpResponse:
    """The rows carrying `tag`, grouped by table, a page of them at a time."""
    tag = get_object_or_404(Tag, slug=tag)
    dimensions = (
        visible_rows(request)
        .filter(tags=tag)
        .select_related("comparison")
        .only(*TAG_PAGE_FIELDS)
        .order_by("comparison__title", "comparison_id", "position", "pk")
    )
    try:
        page = Paginator(dimensions, ROWS_PER_TAG_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page of rows.") from None
    if not page.object_list:
        raise Http404("No rows carry this tag.")
    return render(request, "comparisons/tag_detail.html", {"tag": tag, "page": page})
