"""Deleted tables and rows answer 410 Gone, with a link to where to go instead.

A published table or row that was deleted (it is in the Trash, comparisons/history/trash.py) is not
"never existed": its links were shared. The lookups raise `Gone` only when the history shows
a deletion of something readers could see; anything else stays a 404.
"""

from django.shortcuts import render
from django.urls import reverse

from comparisons.models import Comparison, Dimension, Status


class Gone(Exception):
    def __init__(self, title: str, link: str, link_text: str):
        super().__init__(title)
        self.title, self.link, self.link_text = title, link, link_text


def deleted_comparison(slug: str) -> None:
    """Raise `Gone` if a published table had this slug when it was deleted. One query."""
    record = (
        Comparison.history.filter(slug=slug, history_type="-", status=Status.PUBLISHED)
        .order_by("-history_date")
        .first()
    )
    if record is not None and not Comparison.objects.filter(pk=record.id).exists():
        raise Gone(record.title, reverse("home"), "the home page")


def deleted_dimension(comparison: Comparison, slug: str) -> None:
    """Raise `Gone` if a published row of this table had this slug when it was deleted."""
    record = (
        Dimension.history.filter(
            comparison_id=comparison.pk, slug=slug, history_type="-", status=Status.PUBLISHED
        )
        .order_by("-history_date")
        .first()
    )
    if record is not None and not Dimension.objects.filter(pk=record.id).exists():
        raise Gone(record.title, comparison.get_absolute_url(), str(comparison))


def gone_response(request, gone: Gone):
    context = {"title": gone.title, "link": gone.link, "link_text": gone.link_text}
    return render(request, "410.html", context, status=410)


def deleted_dimensions_of(comparison: Comparison) -> list[Dimension]:
    """The table's rows deleted and not restored, as they were: the table's feed carries their
    removal. One query."""
    records = (
        Dimension.history.filter(comparison_id=comparison.pk, history_type="-")
        .exclude(id__in=Dimension.objects.values("pk"))
        .order_by("id", "-history_date")
    )
    dimensions = {}
    for record in records:
        if record.id not in dimensions:
            dimension = record.instance
            dimension.comparison = comparison
            dimensions[record.id] = dimension
    return list(dimensions.values())
