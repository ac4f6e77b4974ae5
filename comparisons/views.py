from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from comparisons.models import Comparison, Dimension, Status
from comparisons.tables import load_table, rows_queryset


def _get_comparison(request: HttpRequest, slug: str) -> Comparison:
    """The comparison, or 404 if it does not exist or is a draft the user may not see."""
    return get_object_or_404(Comparison.objects.visible_to(request.user), slug=slug)


def _visible_rows(request: HttpRequest):
    """Rows the user may see: published rows of published comparisons, or everything for staff."""
    return Dimension.objects.visible_to(request.user).filter(
        comparison__in=Comparison.objects.visible_to(request.user)
    )


def home(request: HttpRequest) -> HttpResponse:
    comparisons = Comparison.objects.visible_to(request.user).annotate(
        row_count=Count("dimensions", filter=Q(dimensions__status=Status.PUBLISHED))
    )
    tags = (
        Tag.objects.filter(
            dimension__in=Dimension.objects.published().filter(comparison__status=Status.PUBLISHED)
        )
        .annotate(row_count=Count("dimension", distinct=True))
        .order_by("name")
    )
    return render(request, "comparisons/home.html", {"comparisons": comparisons, "tags": tags})


def comparison_detail(request: HttpRequest, comparison: str) -> HttpResponse:
    comparison = _get_comparison(request, comparison)
    table = load_table(comparison, _visible_rows(request))
    return render(request, "comparisons/comparison_detail.html", {"table": table})


def dimension_detail(request: HttpRequest, comparison: str, dimension: str) -> HttpResponse:
    comparison = _get_comparison(request, comparison)
    table = load_table(comparison, _visible_rows(request).filter(slug=dimension))
    if not table.rows:
        raise Http404("No such row in this comparison.")
    return render(
        request, "comparisons/dimension_detail.html", {"table": table, "row": table.rows[0]}
    )


def tag_detail(request: HttpRequest, tag: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=tag)
    dimensions = list(
        rows_queryset(_visible_rows(request).filter(tags=tag)).order_by(
            "comparison__title", "position"
        )
    )
    if not dimensions:
        raise Http404("No rows carry this tag.")
    return render(request, "comparisons/tag_detail.html", {"tag": tag, "dimensions": dimensions})
