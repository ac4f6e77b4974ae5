from django import template

from comparisons.sources import printed_sources_html, sources_once

register = template.Library()


@register.simple_tag
def printed_sources(lines) -> str:
    """The printed table's list of the sources cited in `rows`, each URL once. Runs no query."""
    return printed_sources_html(
        [sources_once(slot.entry for slot in line.slots if slot.entry) for line in lines]
    )
