"""Each row of a table rendered once per change, and reused by every page that shows it.

The table, its filtered views, the embed and the row page all draw rows with
`comparisons/_row.html`. Rendering it is most of a page's cost, so each row's HTML is kept
in Django's cache under a digest of everything the row template reads: the row's fields and
edit version, its cells (entries with their versions, bodies and sources, in column order),
its tags, old anchors, the table's slug and columns, the page's flags (copy links, embed),
the language, time zone and URL prefix, and the source of the site's templates. After an edit only
the rows whose inputs changed miss the cache; the others are read back, in one cache call.

Keyed by content rather than by a version number alone, a fragment can only be reused for a
row that would render to the same HTML: a draft (its status is an input), a past version of
a pinned embed (its own fields) or a renamed tag or column never picks up another's HTML.
A new field read by the row template must join `_row_inputs`.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from comparisons.tables import Row
from kb import outages

ROW_TEMPLATE = "comparisons/_row.html"
FRAGMENT_SECONDS = 7 * 24 * 60 * 60


@lru_cache(maxsize=1)
def templates_digest() -> str:
    """A digest of the site's templates and static file names, read once per process: HTML
    kept across a deployment is not reused when either changed."""
    digest = hashlib.sha256()
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(directory)).encode() + b"\0")
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def rendering_context() -> tuple:
    """What rendered HTML depends on besides content: templates, language, time zone, URL
    prefix."""
    return (
        templates_digest(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )


def _row_inputs(row: Row, segments, flags: tuple) -> tuple:
    dimension = row.dimension
    return (
        dimension.pk, dimension.version, dimension.status, dimension.title, dimension.slug,
        dimension.question, dimension.common_ground, dimension.difference,
        dimension.comparison.slug,
        [old.slug for old in getattr(dimension, "old_anchors", [])],
        row.updated.isoformat(),
        [(tag.name, tag.slug) for tag in row.tags],
        [(segment.pk, segment.name) for segment in segments],
        [
            (cell.segment.pk, cell.entry.pk, cell.entry.version, cell.entry.body,
             repr(cell.entry.sources))
            if cell.entry else (cell.segment.pk, None)
            for cell in row.cells
        ],
        flags,
    )  # fmt: skip


def fragment_key(row: Row, segments, flags: tuple) -> str:
    inputs = (rendering_context(), _row_inputs(row, segments, flags))
    digest = hashlib.sha256(repr(inputs).encode())
    return f"kb:row:{digest.hexdigest()}"


def render_row(row: Row, segments, copy_links: bool, embed: bool) -> SafeString:
    context = {"row": row, "segments": segments, "copy_links": copy_links, "embed": embed}
    return mark_safe(render_to_string(ROW_TEMPLATE, context))


def rows_html(rows: list[Row], segments, copy_links=False, embed=False) -> list[SafeString]:
    """The HTML of each of `rows`, from the cache where it was rendered before.

    One cache read for all rows and one write for those rendered. If the cache is down the
    rows are rendered (and the error logged): a page never fails for want of its cache.
    """
    flags = (bool(copy_links), bool(embed))
    keys = [fragment_key(row, segments, flags) for row in rows]
    try:
        found = cache.get_many(keys)
    except Exception as error:
        outages.report("cache", "Row fragments: cannot read; rendering every row", error)
        found = {}
    rendered = {}
    for row, key in zip(rows, keys, strict=True):
        if key not in found:
            rendered[key] = render_row(row, segments, *flags)
    if rendered:
        try:
            cache.set_many(rendered, FRAGMENT_SECONDS)
        except Exception as error:
            outages.report("cache", "Row fragments: cannot write", error)
    return [mark_safe(found[key]) if key in found else rendered[key] for key in keys]
