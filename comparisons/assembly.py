"""The table page for readers, assembled from rows stored rendered and the page around them.

An edit makes a table's cached pages stale, but most of what the page shows did not change:
the other rows, and the page around the table (heading, share controls, filter form, notices),
which depends only on the table's layout and its rows' outlines (comparisons/generations.py).
So that page is kept in the cache under those, as text with slots (`Shell`): the rows, their
printed sources, and the moment the pinned embed snippet names. A reader's request reads the
rows with their stored HTML (one query, comparisons/stored_rows.py) and the shell (one
cache read), and fills the slots: no model is loaded and no template rendered.

When the shell is missing, the view renders the page in full with `Pieces` in the
context: the templates write a marker where a slot goes, and `TablePage.finish` fills them,
keeping the shell and the rows' HTML for the next reader. Staff, and requests with query
parameters no page reads, always get the page rendered in full.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.safestring import mark_safe

from comparisons import stored_rows
from comparisons.caching import canonical_query
from comparisons.changes import parse_as_of
from comparisons.filters import FilteredTable
from comparisons.fragments import FRAGMENT_SECONDS, rendering_context
from comparisons.pinned import pin_query
from comparisons.sources import printed_sources_html
from comparisons.tables import Row
from kb import outages

ROWS, SOURCES, PIN = "rows", "sources", "pin"


@dataclass(frozen=True)
class Shell:
    """A page with slots: `texts` around `slots` (one more text than slots)."""

    texts: tuple[str, ...]
    slots: tuple[str, ...]
    row_pks: tuple[int, ...]  # the rows shown, in order
    changed_pks: tuple[int, ...]  # the rows its "changed since this link was shared" names

    def fill(self, values: dict[str, str]) -> str:
        parts = [self.texts[0]]
        for slot, text in zip(self.slots, self.texts[1:], strict=True):
            parts += [values[slot], text]
        return "".join(parts)


class Pieces:
    """What the templates put in slots while the page renders in full."""

    def __init__(self):
        self.token = secrets.token_hex(8)
        self.rows: list[Row] | None = None
        self.rows_html: list[str] = []
        self.sources_html = ""

    def marker(self, slot: str) -> str:
        # Letters, digits and hyphens only: the same whether escaped or not.
        return mark_safe(f"kbslot-{self.token}-{slot}")

    def split(self, content: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        parts = re.split(rf"kbslot-{self.token}-(\w+)", content)
        return tuple(parts[::2]), tuple(parts[1::2])


class TablePage:
    """One request for a table page (a filtered view included)."""

    def __init__(self, request: HttpRequest, slug: str):
        self.listing = self.key = self.pieces = None
        self.moment = parse_as_of(request.GET, timezone.now())
        query, complete = canonical_query(request)
        if not complete or request.user.is_staff:
            return
        self.listing = stored_rows.public_listing(slug)
        if self.listing is not None:
            self.key = _shell_key(self.listing, query, self.moment is not None)
            self.pieces = Pieces()

    def assembled(self) -> HttpResponse | None:
        """The page from stored rows and the cached shell, or None if either is missing."""
        if self.key is None or not self.listing.complete:
            return None
        shell = _read(self.key)
        if shell is None:
            return None
        by_pk = {row.pk: row for row in self.listing.rows}
        rows = [by_pk[pk] for pk in shell.row_pks]
        if self.moment and shell.changed_pks != _changed_since(rows, self.moment):
            return None
        return HttpResponse(
            shell.fill(
                {
                    ROWS: "".join(row.html for row in rows),
                    SOURCES: printed_sources_html([row.sources for row in rows]),
                    PIN: pin_query(timezone.now()),
                }
            )
        )

    def pin_query(self) -> str:
        return self.pieces.marker(PIN) if self.pieces else pin_query(timezone.now())

    def finish(
        self, response: HttpResponse, view: FilteredTable, changed: list[Row]
    ) -> HttpResponse:
        """Fill the slots of the page rendered in full; keep its shell and its rows."""
        if self.pieces is None:
            return response
        texts, slots = self.pieces.split(response.content.decode())
        values = {
            ROWS: "".join(self.pieces.rows_html),
            SOURCES: self.pieces.sources_html,
            PIN: pin_query(timezone.now()),
        }
        response.content = Shell(texts, slots, (), ()).fill(values)
        every_column = view.table.segments == view.source.segments
        # A view naming rows or tags the table lacks is kept by nobody: it stores nothing.
        worth_keeping = every_column and not view.ignored
        if self.pieces.rows is None or not worth_keeping or slots.count(ROWS) != 1:
            return response
        rows = self.pieces.rows
        shell = Shell(
            texts,
            slots,
            tuple(row.dimension.pk for row in rows),
            tuple(row.dimension.pk for row in changed),
        )
        _write(self.key, shell)
        stored_rows.store(self.listing, rows, self.pieces.rows_html)
        return response


def _changed_since(rows: list[stored_rows.StoredRow], moment) -> tuple[int, ...]:
    return tuple(row.pk for row in rows if row.updated and row.updated > moment)


def _shell_key(listing: stored_rows.Listing, query: str, has_moment: bool) -> str:
    inputs = (
        rendering_context(),
        listing.comparison_id,
        listing.layout,
        [(row.pk, row.outline) for row in listing.rows],
        query,
        has_moment,
    )
    return f"kb:shell:{hashlib.sha256(repr(inputs).encode()).hexdigest()}"


def _read(key: str) -> Shell | None:
    try:
        return cache.get(key)
    except Exception as error:
        outages.report("cache", "Page shells: cannot read; rendering the page", error)
        return None


def _write(key: str, shell: Shell) -> None:
    try:
        cache.set(key, shell, FRAGMENT_SECONDS)
    except Exception as error:
        outages.report("cache", "Page shells: cannot write", error)
