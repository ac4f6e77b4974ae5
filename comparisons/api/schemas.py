"""What the API answers, as schemas: django-ninja builds the OpenAPI description from them.

The table and row documents are the shape of `export.json` (comparisons/transfer/exports.py builds
both); these classes describe that data, they do not build it.
"""

from typing import Annotated

from ninja import Field, Schema
from pydantic import WithJsonSchema

# Timestamps are written as exports write them (ISO 8601 from Python, offset included).
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]


class Error(Schema):
    """Every error: 400, 404, 405, 429 and the like."""

    detail: str = Field(description="What went wrong, in a sentence.")


class Segment(Schema):
    """A column of the table."""

    slug: str
    name: str


class ComparisonInfo(Schema):
    """A comparison (a table), as in the JSON export."""

    title: str
    slug: str
    summary: str = Field(description="Markdown.")
    url: Url = Field(description="The table's page.")
    updated: Timestamp | None


class Source(Schema):
    title: str
    url: str = Field("", description="An http(s) URL, or empty for a source that is not online.")


class Cell(Schema):
    """One cell: a row's entry for one segment (one per segment shown, in column order)."""

    segment: str = Field(description="The segment's slug.")
    body: str | None = Field(description="Markdown; null where the row has no entry yet.")
    sources: list[Source]
    updated: Timestamp | None


class Row(Schema):
    slug: str
    title: str
    question: str
    difference: str = Field(
        description="How far apart the segments are: same, similar, different or opposite."
    )
    common_ground: str = Field(description="Markdown: what is the same for every segment.")
    tags: list[str]
    url: Url = Field(description="The row's own page.")
    updated: Timestamp | None
    entries: list[Cell]


class Ignored(Schema):
    parameter: str
    value: str


class Filter(Schema):
    """The filter as applied: known values only, normalised. Empty lists mean no filter."""

    only: list[str]
    tag: list[str]
    segments: list[str]
    min: list[str]
    ignored: list[Ignored] = Field(description="Values that matched nothing in this table.")


class Table(Schema):
    """A table or a filtered view of it: exactly the document of `export.json`."""

    comparison: ComparisonInfo
    url: Url = Field(description="The (filtered) view's page: its share link.")
    filter: Filter
    segments: list[Segment]
    rows: list[Row]


class RowDocument(Schema):
    """One row, with its table's columns."""

    comparison: ComparisonInfo
    segments: list[Segment]
    row: Row
    changes_url: Url = Field(description="The row's public change log.")
    feed_url: Url = Field(description="The Atom feed of the row's changes.")


class ComparisonListItem(ComparisonInfo):
    api_url: Url = Field(description="The table in this API.")
    feed_url: Url = Field(description="The Atom feed of the table's changes.")
    rows: int = Field(description="How many published rows the table has.")


class Page(Schema):
    count: int = Field(description="Items on all pages.")
    next: Url | None = Field(description="The next page, or null on the last.")
    previous: Url | None = Field(description="The previous page, or null on the first.")


class ComparisonList(Page):
    results: list[ComparisonListItem]


class SearchRow(Schema):
    slug: str
    title: str
    url: Url = Field(description="The row inside its table.")
    api_url: Url


class SearchComparison(Schema):
    slug: str
    title: str
    url: Url
    api_url: Url


class SearchHit(Schema):
    comparison: SearchComparison
    row: SearchRow
    title_html: str = Field(description="The row's title, HTML-escaped, matches in <mark>.")
    snippet_html: str = Field(description="Text around the matches, HTML-escaped, in <mark>.")
    tags: list[str]


class SearchResults(Page):
    query: str = Field(description="The words as searched (control characters removed).")
    results: list[SearchHit]


class Index(Schema):
    """Where everything is."""

    comparisons: Url
    search: Url
    openapi: Url
