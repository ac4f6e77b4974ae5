"""What crawlers read: /robots.txt, and /sitemap.xml, an index of the sitemap files that list
every published page with lastmod.

Each section's file holds at most `LIMIT` URLs (the protocol allows 50,000); bigger sections
are split into pages (`?p=2`, Django's paginator), each two queries (a count and a slice), so
a file costs the same whatever the size of the knowledge base. Locations are written on
SITE_URL, as every absolute link kb makes (never the request's Host).
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from taggit.models import Tag

from comparisons.caching import public_page
from comparisons.models import Comparison, Dimension, Entry, Status

# A file is rendered in one request: small enough to stay fast uncached.
LIMIT = 1_000


class OnSiteUrl(Sitemap):
    limit = LIMIT

    def get_urls(self, page=1, site=None, protocol=None):
        base = urlsplit(settings.SITE_URL)
        return super().get_urls(page, SimpleNamespace(domain=base.netloc), base.scheme)


def _latest_of(queryset) -> Subquery:
    """The latest `updated` of `queryset`, as a subquery: unlike a GROUP BY, the paginator's
    count leaves it out, and a page computes it for its own items only."""
    return Subquery(queryset.order_by("-updated").values("updated")[:1])


def _latest(*moments):
    return max(moment for moment in moments if moment)


def _published_rows():
    return Dimension.objects.published().filter(comparison__status=Status.PUBLISHED)


class HomeSitemap(OnSiteUrl):
    def items(self):
        return ["home", "tags"]

    def location(self, name):
        return reverse(name)


class ComparisonSitemap(OnSiteUrl):
    """Tables: changed when the comparison, one of its published rows or their cells did."""

    def items(self):
        rows = Dimension.objects.published().filter(comparison=OuterRef("pk"))
        cells = Entry.objects.filter(
            dimension__comparison=OuterRef("pk"), dimension__status=Status.PUBLISHED
        )
        return (
            Comparison.objects.published()
            .annotate(rows_updated=_latest_of(rows), cells_updated=_latest_of(cells))
            .order_by("slug")
        )

    def lastmod(self, comparison):
        return _latest(comparison.updated, comparison.rows_updated, comparison.cells_updated)


class RowSitemap(OnSiteUrl):
    """Row pages: changed when the row or one of its cells did."""

    def items(self):
        return (
            _published_rows()
            .select_related("comparison")
            .only("slug", "updated", "comparison__slug")
            .annotate(cells_updated=_latest_of(Entry.objects.filter(dimension=OuterRef("pk"))))
            .order_by("comparison__slug", "position", "pk")
        )

    def lastmod(self, row):
        return _latest(row.updated, row.cells_updated)


class TagSitemap(OnSiteUrl):
    """Tag pages (they list rows' titles, questions and tags): changed with their rows."""

    def items(self):
        return (
            Tag.objects.filter(dimension__in=_published_rows())
            .annotate(rows_updated=Max("dimension__updated"))
            .order_by("slug")
        )

    def location(self, tag):
        return reverse("tag", args=[tag.slug])

    def lastmod(self, tag):
        return tag.rows_updated


SITEMAPS = {
    "pages": HomeSitemap,
    "comparisons": ComparisonSitemap,
    "rows": RowSitemap,
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
