"""Cache generations: the numbers cached pages are keyed by, per table and for the whole site.

Every change to public content bumps, in the same transaction (comparisons/writes.py):

- the `TableGeneration` of each table it changes: that table's pages (its table, filtered
  views, rows, exports, embed, feeds and API answers) are cached under it, so an edit to one
  table leaves every other table's cached pages valid;
- the `SiteGeneration`: pages that span tables (home, tags, search, sitemap, the API's lists)
  are cached under it.

A change seen by every table (a column renamed, a tag renamed) bumps every table.

Readers find the current numbers in the cache beside the pages, without the database, when
every process shares that cache (`CACHE_IS_SHARED`, Redis); a per-process cache only tells
them the numbers as last known, so they ask the database first (one query) and use those only
when it fails. Either way a page cached before a database outage is still served during it
(stale-if-error). The
database stays the truth: each bump deletes the cached numbers it changes at once and writes
the new ones after the commit, and a cached number older than `RECHECK_SECONDS` is read
again from the database when it answers (two writers finishing in the same instant could
otherwise leave an older number behind).
"""

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from comparisons.models import Comparison, RowGeneration, SiteGeneration, TableGeneration
from kb import outages

SITE_ROW = 1
ROW_BATCH = 1000
RECHECK_SECONDS = 60
# During an outage, how often a process tries the database again for a due recheck.
RETRY_SECONDS = 5
# Cached numbers outlive the pages (a day): a page cached before an outage keeps its number.
KEEP_SECONDS = 7 * 24 * 60 * 60

# Pages of one table: the comparison's slug follows one of these prefixes.
TABLE_PATH = re.compile(r"^/(?:compare|embed|api/v1/comparisons)/(?P<slug>[-\w]+)/")

SITE_KEY = "kb:generation:site"
SITE_SQL = f"SELECT number, changed_at FROM {SiteGeneration._meta.db_table} WHERE id = %s"
TABLE_SQL = (
    f"SELECT c.id, g.number, g.changed_at FROM {Comparison._meta.db_table} c "
    f"LEFT JOIN {TableGeneration._meta.db_table} g ON g.comparison_id = c.id WHERE c.slug = %s"
)


@dataclass(frozen=True)
class Generation:
    """What a page is cached under: `scope` ("site" or "t<comparison id>") and its number."""

    scope: str
    number: int
    changed_at: datetime | None

    @property
    def tag(self) -> str:
        return f"{self.scope}.{self.number}"


class Unknown(Exception):
    """The generation can be read neither from the cache nor from the database."""


# --- Bumping (the write path) ----------------------------------------------------------------


# What a change touched, from the narrowest: the cells of rows; rows (their own fields, tags);
# tables (anything else, and whatever a bulk write did).
CELLS, ROWS, TABLES = "cells", "rows", "tables"


def bump(
    comparison_ids: set[int] | None, dimension_ids: Iterable[int] = (), changed: str = TABLES
) -> None:
    """Make the cached pages of `comparison_ids` (every table if None) and of the whole site
    stale, and mark `dimension_ids` changed (see `RowGeneration`); call inside the
    transaction of the change. `changed` says how far the change reaches: a change to
    `TABLES` also changes the layout of the tables, which every row's HTML depends on."""
    now = timezone.now()
    site = SiteGeneration.objects.filter(pk=SITE_ROW)
    if not site.update(number=F("number") + 1, changed_at=now):
        SiteGeneration.objects.get_or_create(pk=SITE_ROW)
    tables = TableGeneration.objects.all()
    if comparison_ids is not None:
        tables = tables.filter(comparison_id__in=comparison_ids)
    layout = {"layout": F("layout") + 1} if changed == TABLES else {}
    bumped = tables.update(number=F("number") + 1, changed_at=now, **layout)
    if comparison_ids is None or bumped < len(comparison_ids):
        _create_missing(comparison_ids)
    _bump_rows(set(dimension_ids), outline=changed != CELLS)
    _forget(comparison_ids)
    transaction.on_commit(lambda: _write_through(comparison_ids))


def _bump_rows(dimension_ids: set[int], outline: bool) -> None:
    fields = {"number": F("number") + 1}
    if outline:
        fields["outline"] = F("outline") + 1
    ids = sorted(dimension_ids)
    for start in range(0, len(ids), ROW_BATCH):  # SQLite limits a statement's parameters
        batch = ids[start : start + ROW_BATCH]
        bumped = RowGeneration.objects.filter(dimension_id__in=batch).update(**fields)
        if bumped < len(batch):
            # New rows start at the site's number, as new tables do (see below).
            number = SiteGeneration.objects.get(pk=SITE_ROW).number
            RowGeneration.objects.bulk_create(
                [RowGeneration(dimension_id=pk, number=number, outline=number) for pk in batch],
                ignore_conflicts=True,
            )


def _create_missing(comparison_ids: set[int] | None) -> None:
    """Generations for new tables, starting at the site's number: above any number a
    deleted table of the same id had (a restored backup reuses ids), as every bump of a
    table bumps the site too."""
    missing = Comparison.objects.filter(generation__isnull=True)
    if comparison_ids is not None:
        missing = missing.filter(pk__in=comparison_ids)
    missing = list(missing.values_list("pk", flat=True))
    if missing:
        start = SiteGeneration.objects.get(pk=SITE_ROW).number
        TableGeneration.objects.bulk_create(
            [TableGeneration(comparison_id=pk, number=start, layout=start) for pk in missing],
            ignore_conflicts=True,
        )


def _forget(comparison_ids: set[int] | None) -> None:
    """Drop the cached numbers now: until the commit, readers read the database."""
    if comparison_ids is None:
        comparison_ids = Comparison.objects.values_list("pk", flat=True)
    try:
        cache.delete_many([SITE_KEY, *(_table_key(pk) for pk in comparison_ids)])
    except Exception as error:
        outages.report("cache", "Cache generations: cannot drop the old numbers", error)


def _write_through(comparison_ids: set[int] | None) -> None:
    """After the commit: the new numbers in the cache, for readers during an outage."""
    try:
        site = _site_from_database()
        tables = TableGeneration.objects.select_related("comparison").only(
            "number", "changed_at", "comparison__slug"
        )
        if comparison_ids is not None:
            tables = tables.filter(comparison_id__in=comparison_ids)
        entries = {SITE_KEY: _entry(site)}
        for table in tables:
            generation = Generation(f"t{table.comparison_id}", table.number, table.changed_at)
            entries[_slug_key(table.comparison.slug)] = table.comparison_id
            entries[_table_key(table.comparison_id)] = _entry(generation, table.comparison.slug)
        cache.set_many(entries, KEEP_SECONDS)
    except Exception as error:
        # Readers fall back to the database, as when the numbers were evicted.
        outages.report("cache", "Cache generations: cannot write the new numbers", error)


# --- Reading (every public request) ----------------------------------------------------------


def table_slug(path: str) -> str | None:
    """The slug of the table whose page `path` is, or None for a page spanning tables."""
    match = TABLE_PATH.match(path)
    return match["slug"] if match else None


def for_path(path: str) -> Generation:
    """The generation the page at `path` is cached under: from the cache, else the database.

    A table slug no comparison has (an old one, a typo) is a page of the site: a redirect or
    a 404. Raises `Unknown` when neither the cache nor the database can say.
    """
    slug = table_slug(path)
    cached, entry = _cached(slug)
    if cached is not None and settings.CACHE_IS_SHARED and not _due_for_recheck(entry):
        return cached
    if cached is not None and outages.failed_within("database", RETRY_SECONDS):
        return cached  # the database just failed: serve rather than wait for it again
    try:
        generation, table_slug_ = _from_database(slug)
    except Exception as error:
        outages.report("database", "Database: cannot read the cache generation", error)
        if cached is not None:
            return cached  # stale-if-error: the number as last known
        raise Unknown from error
    outages.recovered("database")
    # A shared cache needs the entry's time refreshed after a recheck; a per-process cache
    # reads the database on every request, so it is written only when the number moved.
    if settings.CACHE_IS_SHARED or generation != cached:
        _remember(slug, generation, table_slug_)
    return generation


def _cached(slug: str | None):
    """(generation, raw entry) from the cache, or (None, None)."""
    try:
        if slug is None:
            entry = cache.get(SITE_KEY)
        else:
            comparison_id = cache.get(_slug_key(slug))
            entry = cache.get(_table_key(comparison_id)) if comparison_id else None
            # The slug may have moved on (renamed, deleted, taken by another table).
            if entry is not None and entry[3] != slug:
                entry = None
    except Exception as error:
        outages.report("cache", "Cache: cannot read the cache generation", error)
        return None, None
    outages.recovered("cache")
    if entry is None:
        return None, None
    scope, number, changed_at, _, _ = entry
    return Generation(scope, number, changed_at), entry


def _due_for_recheck(entry) -> bool:
    return time.time() - entry[4] > RECHECK_SECONDS


def _entry(generation: Generation, slug: str | None = None) -> tuple:
    return (generation.scope, generation.number, generation.changed_at, slug, time.time())


def _remember(slug: str | None, generation: Generation, current_slug: str | None) -> None:
    try:
        if current_slug is None:
            if slug is None:
                cache.set(SITE_KEY, _entry(generation), KEEP_SECONDS)
            return
        comparison_id = int(generation.scope[1:])
        cache.set_many(
            {
                _slug_key(current_slug): comparison_id,
                _table_key(comparison_id): _entry(generation, current_slug),
            },
            KEEP_SECONDS,
        )
    except Exception as error:
        outages.report("cache", "Cache: cannot write the cache generation", error)


def _from_database(slug: str | None) -> tuple[Generation, str | None]:
    """(generation, the table's slug or None for the site's). One query (two for an
    unknown slug)."""
    if slug is not None:
        # Raw SQL: this runs on every public request the cache cannot answer.
        with connection.cursor() as cursor:
            cursor.execute(TABLE_SQL, [slug])
            row = cursor.fetchone()
        if row is not None:
            comparison_id, number, changed_at = row
            changed_at = as_orm_value(changed_at) if changed_at is not None else None
            return Generation(f"t{comparison_id}", number or 0, changed_at), slug
    return _site_from_database(), None


def _site_from_database() -> Generation:
    with connection.cursor() as cursor:
        cursor.execute(SITE_SQL, [SITE_ROW])
        row = cursor.fetchone()
    if row is None:
        return Generation("site", 0, None)
    number, changed_at = row
    return Generation("site", number, as_orm_value(changed_at))


def as_orm_value(value, field=None):
    """`value` of `field` (default: a generation's `changed_at`) as read by raw SQL,
    converted as the ORM would (SQLite returns dates as text, or naive)."""
    field = field or SiteGeneration._meta.get_field("changed_at")
    column, converters = _converters(field, connection.vendor)
    for convert in converters:
        value = convert(value, column, connection)
    return value


@lru_cache(maxsize=8)
def _converters(field, vendor: str) -> tuple:
    column = field.get_col(field.model._meta.db_table)
    return column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)


def _slug_key(slug: str) -> str:
    return f"kb:generation:slug:{slug}"


def _table_key(comparison_id: int) -> str:
    return f"kb:generation:table:{comparison_id}"
