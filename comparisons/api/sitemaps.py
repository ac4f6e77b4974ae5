"""What crawlers read: /robots.txt, and /sitemap.xml, an index of the sitemap files that list
every published page with lastmod.

Each section's file holds at most `LIMIT` URLs (the protocol allows 50,000); bigger sections
are split into pages (`?p=2`) by ranges of ids (`IdRanges`: crawlers need no order, and the
id index serves any page without an OFFSET), so a file costs the same whatever the size of
the knowledge base. Locations are written on
SITE_URL, as every absolute link kb makes (never the request's Host).
"""

from math import ceil
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Page, Paginator
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe
from taggit.models import Tag

from comparisons.caching import public_page
from comparisons.models import Comparison, Dimension, Entry, Status

# A file is rendered in one request: small enough to stay fast uncached.
LIMIT = 500


class IdRanges(Paginator):
    """Page p holds the items whose ids are in ((p - 1) * per_page, p * per_page]: at most
    per_page of them, found through the id index whatever the page's number (no OFFSET, no
    count of the filtered items). A range of drafts or deleted ids makes a short page."""

    @cached_property
    def num_pages(self):
        last = self.object_list.model.objects.aggregate(last=Max("pk"))["last"] or 0
        return max(1, ceil(last / self.per_page))

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        return Page(self.object_list.filter(pk__gt=low, pk__lte=low + self.per_page), number, self)


class OnSiteUrl(Sitemap):
    limit = LIMIT

    def get_urls(self, page=1, site=None, protocol=None):
        base = urlsplit(settings.SITE_URL)
        return super().get_urls(page, SimpleNamespace(domain=base.netloc), base.scheme)


class ModelSitemap(OnSiteUrl):
    """A sitemap of a queryset (`items()`), paged by id."""

    @property
    def paginator(self):
        return IdRanges(self.items(), self.limit)


def _latest_of(queryset, group: str) -> Subquery:
    """The latest `updated` of `queryset` (filtered on an `OuterRef`, one group per outer
    item), as a subquery computed for a page's own items only. An aggregate rather than
    ORDER BY … LIMIT 1, which PostgreSQL may answer by walking an index on `updated`."""
    latest = queryset.order_by().values(group).annotate(latest=Max("updated")).values("latest")
    return Subquery(latest)


def _latest(*moments):
    return max(moment for moment in moments if moment)


class HomeSitemap(OnSiteUrl):
    def items(self):
        return ["home", "tags"]

    def location(self, name):
        return reverse(name)


class ComparisonSitemap(ModelSitemap):
    """Tables: changed when the comparison, one of its published dimensions or their entries did.
    Fewer per file than dimensions: a table's lastmod reads all its entries."""

    limit = LIMIT // 10

    def items(self):
        dimensions = Dimension.objects.published().filter(comparison=OuterRef("pk"))
        entries = Entry.objects.filter(
            dimension__comparison=OuterRef("pk"), dimension__status=Status.PUBLISHED
        )
        return (
            Comparison.objects.published()
            .annotate(
                rows_updated=_latest_of(dimensions, "comparison"),
                cells_updated=_latest_of(entries, "dimension__comparison"),
            )
            .order_by("pk")
        )

    def lastmod(self, comparison):
        return _latest(comparison.updated, comparison.rows_updated, comparison.cells_updated)


class DimensionSitemap(ModelSitemap):
    """Row pages: changed when the dimension or one of its entries did."""

    def items(self):
        entries = Entry.objects.filter(dimension=OuterRef("pk"))
        return (
            Dimension.objects.public()
            .select_related("comparison")
            .only("slug", "updated", "comparison__slug")
            .annotate(cells_updated=_latest_of(entries, "dimension"))
            .order_by("pk")
        )

    def lastmod(self, dimension):
        return _latest(dimension.updated, dimension.cells_updated)


class TagSitemap(ModelSitemap):
    """Tag pages, without lastmod (optional in the protocol): a tag's latest change is a
    maximum over every row it carries, which costs hundreds of milliseconds at 100,000 cells,
    where the table and row files already tell crawlers what changed."""

    def items(self):
        tagged = Dimension.objects.public().tag_items()
        return Tag.objects.filter(pk__in=tagged.values("tag_id")).order_by("pk")

    def location(self, tag):
        return reverse("tag", args=[tag.slug])


SITEMAPS = {
    "pages": HomeSitemap,
    "comparisons": ComparisonSitemap,
    "rows": DimensionSitemap,
    "tags": TagSitemap,
}


@require_safe
@public_page
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """sitemap.xml: each section's file, and its pages. One count query per section."""
    files = []
    for section, section_sitemap in SITEMAPS.items():
        location = f"{settings.SITE_URL}{reverse('sitemap_section', args=[section])}"
        pages = section_sitemap().paginator.num_pages
        files += [location, *(f"{location}?p={page}" for page in range(2, pages + 1))]
    context = {"sitemaps": [SimpleNamespace(location=location) for location in files]}
    return render(request, "sitemap_index.xml", context, content_type="application/xml")


@require_safe
@public_page
def sitemap(request: HttpRequest, section: str) -> HttpResponse:
    """One section's file (a page of it with `?p=`). Drafts are left out even for staff:
    crawlers never see them."""
    return sitemap_view(request, SITEMAPS, section=section)


@require_safe
@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    """robots.txt: the sitemap, and search pages kept out of indexes (they are noindex too).

    The admin is named only at its default address: a custom ADMIN_URL stays unadvertised,
    and the admin's login page asks robots not to index it anyway.
    """
    context = {"admin_at_default_address": settings.ADMIN_URL == "admin/"}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
