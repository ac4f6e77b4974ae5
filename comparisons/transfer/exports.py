"""A table (or a filtered view of it) as a file: Markdown, CSV or JSON.

Each export is built from a loaded `FilteredTable`, so it runs no query of its own.
The JSON shape is documented in README.md, "Sharing".
"""

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from comparisons.filters import FilteredTable
from comparisons.sources import http_url
from comparisons.tables import Row
from comparisons.transfer.spreadsheets import escape_cell


@dataclass(frozen=True)
class Export:
    content_type: str
    render: Callable[[FilteredTable, str], str]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _markdown_cell(text: str) -> str:
    """One table cell of GitHub Markdown: no raw newlines, no unescaped pipes."""
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    return "<br>".join(line for line in lines if line).replace("|", "\\|")


def _markdown_sources(sources: list[dict]) -> str:
    links = [
        f"[{source['title']}]({http_url(source['url'])})"
        if http_url(source.get("url") or "")
        else source["title"]
        for source in sources
    ]
    return "Sources: " + "; ".join(links) if links else ""


def _row_heading(row: Row) -> str:
    parts = [f"**{row.dimension.title}**"]
    if row.dimension.question:
        parts.append(f"_{row.dimension.question}_")
    if row.dimension.common_ground:
        parts.append(f"Common ground: {row.dimension.common_ground}")
    return _markdown_cell("\n".join(parts))


def render_markdown(view: FilteredTable, url: str) -> str:
    table = view.table
    lines = [f"# {table.comparison.title}", ""]
    header = ["Row", *(segment.name for segment in table.segments)]
    lines.append("| " + " | ".join(_markdown_cell(cell) for cell in header) + " |")
    lines.append("|" + "---|" * len(header))
    for row in table.rows:
        cells = [_row_heading(row)]
        for cell in row.cells:
            if cell.entry is None:
                cells.append("")
                continue
            text = cell.entry.body + "\n" + _markdown_sources(cell.entry.sources)
            cells.append(_markdown_cell(text))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Source: <{url}>", ""]
    return "\n".join(lines)


def _plain(markdown: str) -> str:
    """A spreadsheet cell: the words a reader sees, without emphasis marks; a link's address
    kept in brackets after its text; line breaks and other characters as written."""
    text = re.sub(r"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)", r"\1 (\2)", markdown.replace("\r", ""))
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?![\s_])(.+?)(?<![\s_])_(?![\w_])", r"\1", text)
    return re.sub(r"`([^`]*)`", r"\1", text).strip()


def _plain_sources(sources: list[dict]) -> str:
    return "\n".join(
        f"{source['title']} <{http_url(source['url'])}>"
        if http_url(source.get("url") or "")
        else source["title"]
        for source in sources
    )


def render_csv(view: FilteredTable, url: str) -> str:
    """One line per row; each segment's entry as plain text, its sources in the next column."""
    table = view.table
    out = io.StringIO()
    # A byte order mark, so that spreadsheets open the file as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out)
    segment_columns = [heading for s in table.segments for heading in (s.name, f"{s.name} sources")]
    lines = [["Row", "Question", "Difference", "Common ground", *segment_columns, "Tags", "URL"]]
    for row in table.rows:
        dimension = row.dimension
        cells = []
        for cell in row.cells:
            entry = cell.entry
            cells += [_plain(entry.body), _plain_sources(entry.sources)] if entry else ["", ""]
        lines.append(
            [
                dimension.title,
                dimension.question,
                dimension.get_difference_display(),
                _plain(dimension.common_ground),
                *cells,
                ", ".join(tag.name for tag in row.tags),
                absolute(dimension.get_absolute_url()),
            ]
        )
    # No cell may run as a formula in a spreadsheet (comparisons/transfer/spreadsheets.py).
    writer.writerows([escape_cell(cell) for cell in line] for line in lines)
    return out.getvalue()


def _timestamp(value) -> str | None:
    return value.isoformat() if value else None


def json_document(view: FilteredTable, url: str) -> dict:
    """The table as JSON data: the shape documented in README.md (also the API's table)."""
    table = view.table
    comparison = table.comparison
    return {
        "comparison": {
            "title": comparison.title,
            "slug": comparison.slug,
            "summary": comparison.summary,
            "url": absolute(comparison.get_absolute_url()),
            "updated": _timestamp(comparison.updated),
        },
        "url": url,
        "filter": {
            **{name: list(values) for name, values in view.chosen.items()},
            "ignored": [{"parameter": i.parameter, "value": i.value} for i in view.ignored],
        },
        "segments": [{"slug": s.slug, "name": s.name} for s in table.segments],
        "rows": [_json_row(row) for row in table.rows],
    }


def render_json(view: FilteredTable, url: str) -> str:
    return json.dumps(json_document(view, url), ensure_ascii=False, indent=2) + "\n"


def _json_row(row: Row) -> dict:
    dimension = row.dimension
    return {
        "slug": dimension.slug,
        "title": dimension.title,
        "question": dimension.question,
        "difference": dimension.difference,
        "common_ground": dimension.common_ground,
        "tags": [tag.name for tag in row.tags],
        "url": absolute(dimension.get_absolute_url()),
        "updated": _timestamp(dimension.updated),
        "entries": [
            {
                "segment": cell.segment.slug,
                "body": cell.entry.body if cell.entry else None,
                "sources": cell.entry.sources if cell.entry else [],
                "updated": _timestamp(cell.entry.updated) if cell.entry else None,
            }
            for cell in row.cells
        ],
    }


EXPORTS = {
    "md": Export("text/markdown; charset=utf-8", render_markdown),
    "csv": Export("text/csv; charset=utf-8", render_csv),
    "json": Export("application/json", render_json),
}
