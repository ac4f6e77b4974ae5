from django import template

from comparisons.sources import printed_sources_html
from comparisons.stored_rows import printed_sources as sources_of_rows

register = template.Library()


@register.simple_tag
def printed_sources(rows, pieces=None) -> str:
    """The printed table's list of the sources cited in `rows`, each URL once. Runs no
    query. While a page is assembled (comparisons/assembly.py), its slot."""
    html = printed_sources_html(sources_of_rows(rows))
    if not pieces:
        return html
    pieces.sources_html = html
    return pieces.marker("sources")
