from django import template
from django.conf import settings

from comparisons.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render an editor's Markdown to sanitised HTML."""
    return render_markdown(text)


@register.filter(is_safe=True)
def absolute_url(path: str) -> str:
    """`path` on the site's public base URL (settings.SITE_URL), never the request's Host."""
    return f"{settings.SITE_URL}{path}"


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME
