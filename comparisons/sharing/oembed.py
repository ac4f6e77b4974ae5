"""oEmbed provider (https://oembed.com, version 1.0): a kb link pasted into Slack, Notion or
Confluence embeds the live table.

`/oembed?url=<a table, filtered view, row or short link of this site>&format=json` answers a
`rich` embed: an iframe of the embed view (the same rows as the link), its title, kb as the
provider and the view's share picture as the thumbnail. What anyone may read only: a draft
answers 404 as an unknown address does, whoever asks; so does an address on another host.
Pages advertise the endpoint with `<link rel="alternate" type="application/json+oembed">`.
"""

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.defaultfilters import pluralize
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from comparisons.lookups import dimension_grid, filtered_grid, get_comparison
from comparisons.redirects import Renamed, _renamed_query
from comparisons.sharing.shortlinks.models import ShortLink

DEFAULT_WIDTH, DEFAULT_HEIGHT = 800, 600
MIN_SIZE = 100
MAX_WIDTH, MAX_HEIGHT = 2000, 2000
PICTURE_WIDTH, PICTURE_HEIGHT = 1200, 630  # comparisons/sharing/pictures.py
# Renames followed, at most: a row renamed twice is two renames, not a loop.
RENAMES_FOLLOWED = 5
CACHE_SECONDS = 300


@dataclass
class Embedded:
    title: str
    embed_path: str  # the embed view, with the view's query
    picture_path: str


def oembed_url(page_url: str) -> str:
    """The discovery link's target for `page_url` (absolute)."""
    query = urlencode({"url": page_url, "format": "json"})
    return f"{settings.SITE_URL}{reverse('oembed')}?{query}"


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format", "json") != "json":
        return HttpResponse("Only format=json is offered.", status=501, content_type="text/plain")
    try:
        width = _size(request.GET.get("maxwidth"), DEFAULT_WIDTH, MAX_WIDTH)
        height = _size(request.GET.get("maxheight"), DEFAULT_HEIGHT, MAX_HEIGHT)
    except ValueError:
        return HttpResponse("maxwidth and maxheight are whole numbers of pixels.", status=400)
    embedded = _embedded(request.GET.get("url", ""))
    data = {
        "version": "1.0",
        "type": "rich",
        "title": embedded.title,
        "provider_name": settings.SITE_NAME,
        "provider_url": f"{settings.SITE_URL}/",
        "width": width,
        "height": height,
        "html": _iframe(embedded, width, height),
        "cache_age": CACHE_SECONDS,
    }
    # The thumbnail only where it fits the consumer's bounds, as the embed itself must.
    if (width >= PICTURE_WIDTH and height >= PICTURE_HEIGHT) or not _bounded(request):
        data |= {
            "thumbnail_url": f"{settings.SITE_URL}{embedded.picture_path}",
            "thumbnail_width": PICTURE_WIDTH,
            "thumbnail_height": PICTURE_HEIGHT,
        }
    response = JsonResponse(data)
    # Read by consumers' servers and by script on other sites (iframely, a page's own JS).
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def _bounded(request: HttpRequest) -> bool:
    return bool(request.GET.get("maxwidth") or request.GET.get("maxheight"))


def _size(value: str | None, default: int, largest: int) -> int:
    """The embed's side: the consumer's maximum if given (never above `largest`), or the
    default. Raises ValueError for anything but a whole number of at least MIN_SIZE."""
    if not value:
        return default
    if not value.isdigit() or int(value) < MIN_SIZE:
        raise ValueError(value)
    return min(int(value), largest)


def _iframe(embedded: Embedded, width: int, height: int) -> str:
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        f"{settings.SITE_URL}{embedded.embed_path}",
        embedded.title,
        width,
        height,
    )


def _embedded(url: str) -> Embedded:
    """What `url` shows, as anyone may read it; 404 if it is not a public page of this site."""
    try:
        parts = urlsplit(url)
        site = urlsplit(settings.SITE_URL)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != site.netloc.lower():
            raise Http404("Not an address of this site.")
        path, query = parts.path, parts.query
        match = resolve(path)
        if match.url_name == "short_link":
            link = ShortLink.objects.filter(code=match.kwargs["code"]).first()
            if link is None:
                raise Http404("No such short link.")
            target = urlsplit(link.target)
            path, query = target.path, target.query
            match = resolve(path)
    except (ValueError, Resolver404):  # not a URL (urlsplit), or no page at that path
        raise Http404("No such page.") from None
    if match.url_name not in ("comparison", "dimension"):
        raise Http404("Only tables, their views and rows are embedded.")
    kwargs = dict(match.kwargs)
    for _ in range(RENAMES_FOLLOWED):
        reader = _anonymous_request(query)
        try:
            return _describe(reader, match.url_name, kwargs)
        except Renamed as renamed:
            kwargs |= renamed.kwargs
            query = _renamed_query(reader.GET, renamed.values)
    raise Http404("Renamed too many times.")


def _anonymous_request(query: str) -> HttpRequest:
    request = HttpRequest()
    request.user = AnonymousUser()
    request.GET = QueryDict(query)
    return request


def _describe(reader: HttpRequest, kind: str, kwargs: dict) -> Embedded:
    comparison = get_comparison(reader, kwargs["comparison"])
    if kind == "dimension":
        grid = dimension_grid(reader, comparison.slug, kwargs["dimension"])
        dimension = grid.lines[0].dimension
        return Embedded(
            title=f"{dimension.title} · {comparison.title}",
            embed_path=f"{reverse('embed', args=[comparison.slug])}?only={dimension.slug}",
            picture_path=reverse("dimension_picture", args=[comparison.slug, dimension.slug]),
        )
    view = filtered_grid(reader, comparison)
    query = f"?{view.query_string}" if view.query_string else ""
    title = comparison.title
    if view.is_filtered:
        shown = len(view.grid.lines)
        title = (
            f"{title} ({shown} of {view.total_dimensions} row{pluralize(view.total_dimensions)})"
        )
    return Embedded(
        title=title,
        embed_path=f"{reverse('embed', args=[comparison.slug])}{query}",
        picture_path=f"{reverse('comparison_picture', args=[comparison.slug])}{query}",
    )
