from datetime import datetime

from django import template
from django.conf import settings
from django.utils import timezone

from comparisons.history.change_words import change_words
from comparisons.history.changes import changes_url as _changes_url
from comparisons.markdown import render_markdown
from comparisons.sharing.oembed import oembed_url
from comparisons.sharing.pictures import alt_text
from comparisons.sources import http_url

register = template.Library()


@register.filter
def markdown(text):
    """Render an editor's Markdown to sanitised HTML."""
    return render_markdown(text)


@register.filter
def link_url(url: str) -> str:
    """A source's URL if it is http(s), else "" (whatever got into the database)."""
    return http_url(url or "")


@register.filter(is_safe=True)
def absolute_url(path: str) -> str:
    """`path` on the site's public base URL (settings.SITE_URL), never the request's Host."""
    return f"{settings.SITE_URL}{path}"


@register.filter
def datetime_attribute(moment: datetime) -> str:
    """A `<time datetime>` value: ISO 8601 to the second (HTML allows at most 3 decimals)."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(microsecond=0).isoformat()


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.filter
def changes_url(dimension) -> str:
    """Where to see what changed on a row (see comparisons.history.changes)."""
    return _changes_url(dimension)


@register.simple_tag
def picture_alt(grid, one_dimension: bool = False) -> str:
    """The share picture's description (og:image:alt). Runs no query."""
    return alt_text(grid, one_dimension)


@register.simple_tag
def oembed_href(path: str) -> str:
    """The oEmbed endpoint's address for the page at `path` (with its query)."""
    return oembed_url(absolute_url(path))


@register.filter
def last_updated(lines) -> datetime | None:
    """The latest change among `lines` (grids.DimensionLine): for a view's "Updated" label."""
    return max((line.updated for line in lines), default=None)


@register.filter(name="change_words")
def change_words_filter(revision) -> str:
    """A change in plain words (comparisons/history/change_words.py)."""
    return change_words(revision)
