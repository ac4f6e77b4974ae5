"""Each public row's HTML as readers see it in its table, stored beside its generation.

The write path bumps a row's `RowGeneration` in the transaction of the change and, after the
commit, renders the row and stores its HTML there (`render_after_commit`): the first reader
after an edit reads every row of the table, rendered, in one query (`public_listing`), and
the page around the table from the cache (comparisons/assembly.py).

Stored HTML is used only while `rendered_for` names the row's current numbers and the
rendering context; anything else (a row rendered before a change of layout, of templates,
never rendered) is rendered by the reader and stored for the next one (`store`).

A rendering is labelled with the numbers read *before* its content was loaded: content
committed in between is newer than its label, and a label older than the current numbers is
never used, so stored HTML is never older than the numbers it is used for.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from comparisons.fragments import rendering_context, rows_html
from comparisons.generations import as_orm_value
from comparisons.models import Comparison, Dimension, RowGeneration
from comparisons.sources import sources_once
from comparisons.tables import Row, load_table
from kb import outages

# A write that changes more rows than this leaves the others to their first reader.
RENDER_AT_WRITE_LIMIT = 100
# Rows stored by one statement (SQLite's limit on parameters allows 166).
STORE_BATCH = 100
# The flags of the table page, whose rows are stored (fragments.rows_html).
TABLE_FLAGS = {"copy_links": True, "embed": False}


@dataclass(frozen=True)
class StoredRow:
    pk: int
    number: int | None  # None: the row has no generation yet
    outline: int | None
    html: str | None  # None unless rendered for these numbers, in this context
    sources: list[dict]
    updated: datetime | None


@dataclass(frozen=True)
class Listing:
    """The public rows of a table, in table order, with their stored HTML."""

    comparison_id: int
    layout: int
    rows: list[StoredRow]

    @property
    def complete(self) -> bool:
        return all(row.html is not None for row in self.rows)


def label(number: int, layout: int, context: str | None = None) -> str:
    """What a rendering is labelled with: its numbers and the rendering context."""
    return f"{number}.{layout}.{context or context_digest()}"


def context_digest() -> str:
    return hashlib.sha256(repr(rendering_context()).encode()).hexdigest()[:16]


LISTING_COLUMNS = (
    "comparison_id",
    "comparison__generation__layout",
    "pk",
    "generation__number",
    "generation__outline",
    "generation__rendered_for",
    "generation__html",
    "generation__sources",
    "generation__updated",
)
SLUG = "\0slug"  # stands for the table's slug in the listing's SQL


def _listing_queryset(slug: str):
    return (
        Dimension.objects.public()
        .filter(comparison__slug=slug)
        .order_by("position", "title", "pk")
        .values_list(*LISTING_COLUMNS)
    )


@lru_cache(maxsize=4)
def _listing_sql(vendor: str) -> tuple[str, tuple, int]:
    """The listing's SQL, compiled by the ORM once per process: it runs on every reader's
    request for a table, where compiling it took longer than running it."""
    sql, params = _listing_queryset(SLUG).query.sql_with_params()
    return sql, tuple(params), params.index(SLUG)


def public_listing(slug: str) -> Listing | None:
    """The public rows of the published table `slug`, or None if it shows none. One query."""
    sql, params, slug_at = _listing_sql(connection.vendor)
    params = list(params)
    params[slug_at] = slug
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not found:
        return None
    comparison_id, layout = found[0][0], found[0][1] or 0
    context = context_digest()
    rows = []
    for _, _, pk, number, outline, rendered, html, sources, updated in found:
        current = number is not None and rendered == label(number, layout, context)
        rows.append(
            StoredRow(
                pk=pk,
                number=number,
                outline=outline,
                html=html if current else None,
                sources=json.loads(sources) if isinstance(sources, str) else sources or [],
                updated=_as_datetime(updated),
            )
        )
    return Listing(comparison_id, layout, rows)


def _as_datetime(value) -> datetime | None:
    """A time read by raw SQL, as the ORM reads it (aware, from SQLite too)."""
    if value is None or (isinstance(value, datetime) and timezone.is_aware(value)):
        return value  # PostgreSQL's, as the ORM would have it
    return as_orm_value(value, RowGeneration._meta.get_field("updated"))


def printed_sources(rows: list[Row]) -> list[list[dict]]:
    """Each row's printed sources (the cells' online sources, each URL once)."""
    return [sources_once(cell.entry for cell in row.cells if cell.entry) for row in rows]


def shown_updated(row: Row) -> datetime:
    """When the row or one of the cells shown last changed (comparisons/changes.py)."""
    return max([row.dimension.updated, *(cell.entry.updated for cell in row.cells if cell.entry)])


def store(listing: Listing, rows: list[Row], html: list[str]) -> None:
    """Store the HTML of `rows` (rendered as the table page renders them, after `listing`
    was read) where it is not stored yet: one statement, none if nothing is missing, for at
    most `STORE_BATCH` rows (the next render stores more)."""
    stored = {row.pk: row for row in listing.rows}
    changed = []
    for row, row_html, sources in zip(rows, html, printed_sources(rows), strict=True):
        entry = stored.get(row.dimension.pk)
        if entry is None or entry.number is None or entry.html is not None:
            continue
        changed.append(
            RowGeneration(
                dimension_id=entry.pk,
                rendered_for=label(entry.number, listing.layout),
                html=row_html,
                sources=sources,
                updated=shown_updated(row),
            )
        )
    if not changed:
        return
    try:
        RowGeneration.objects.bulk_update(
            changed[:STORE_BATCH], ["rendered_for", "html", "sources", "updated"]
        )
    except Exception as error:  # a reader's page never fails for it
        # Its own part, not "database": that would make readers trust cached generations.
        outages.report("stored rows", "Stored rows: cannot store rendered rows", error)


def render_after_commit(dimension_ids: list[int]) -> None:
    """Render these rows for readers once the current transaction commits.

    A save of a row with its cells asks for the same row several times, an import for many
    rows: the rows wait on the connection, and the first callback after the commit renders
    them all at once (the others find nothing left). Rows of a rolled-back change wait for the
    next commit, where rendering them again is harmless; past the limit, the rows asked for
    last (the committed change's) are the ones rendered.
    """
    pending = _pending_rows()
    for pk in dimension_ids:
        pending.pop(pk, None)
        pending[pk] = None  # last asked, last in order
    if dimension_ids:
        transaction.on_commit(_render_pending)


def _pending_rows() -> dict[int, None]:
    """Rows waiting to be rendered, in the order they were asked for (an ordered set)."""
    return connection.__dict__.setdefault("kb_rows_to_render", {})


def _render_pending() -> None:
    pending = _pending_rows()
    dimension_ids = list(pending)[-RENDER_AT_WRITE_LIMIT:]
    pending.clear()
    if not dimension_ids:
        return
    try:
        render(dimension_ids)
    except Exception as error:  # the change is committed: its first reader renders the row
        outages.report("stored rows", "Stored rows: cannot render changed rows", error)


def render(dimension_ids) -> int:
    """Render and store the public rows among `dimension_ids` whose HTML is not current.
    Returns how many were stored."""
    # The numbers first, then the content (see the module's docstring).
    numbers = RowGeneration.objects.filter(
        dimension_id__in=dimension_ids, dimension__in=Dimension.objects.public()
    ).values_list(
        "dimension__comparison_id",
        "dimension_id",
        "number",
        "outline",
        "dimension__comparison__generation__layout",
        "rendered_for",
    )
    listings: dict[int, Listing] = {}
    for comparison_id, pk, number, outline, layout, rendered in numbers:
        if layout is None or rendered == label(number, layout):
            continue
        listing = listings.setdefault(comparison_id, Listing(comparison_id, layout, []))
        listing.rows.append(StoredRow(pk, number, outline, None, [], None))
    done = 0
    for comparison in Comparison.objects.filter(pk__in=listings):
        listing = listings[comparison.pk]
        rows = Dimension.objects.public().filter(pk__in=[row.pk for row in listing.rows])
        table = load_table(comparison, rows)
        store(listing, table.rows, rows_html(table.rows, table.segments, **TABLE_FLAGS))
        done += len(table.rows)
    return done
