from django import template

from comparisons.sources import sources_once as _sources_once

register = template.Library()


@register.filter
def sources_once(rows) -> list[dict]:
    """The online sources cited in `rows` (table rows), each URL once. Runs no query."""
    return _sources_once(cell.entry for row in rows for cell in row.cells if cell.entry)
