"""A table (or a filtered view of it) as a file: Markdown, CSV or JSON.

Each export is built from a loaded `FilteredGrid`, so it runs no query of its own.
The JSON shape is documented in README.md, "Sharing".
"""

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from comparisons.filters import FilteredGrid
from comparisons.grids import DimensionLine
from comparisons.sources import http_url
from comparisons.transfer.spreadsheets import escape_value


@dataclass(frozen=True)
class Export:
    content_type: str
    render: Callable[[FilteredGrid, str], str]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _markdown_field(text: str) -> str:
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


def _dimension_heading(line: DimensionLine) -> str:
    parts = [f"**{line.dimension.title}**"]
    if line.dimension.question:
        parts.append(f"_{line.dimension.question}_")
    if line.dimension.common_ground:
        parts.append(f"Common ground: {line.dimension.common_ground}")
    return _markdown_field("\n".join(parts))


def render_markdown(view: FilteredGrid, url: str) -> str:
    grid = view.grid
    markdown_lines = [f"# {grid.comparison.title}", ""]
    header = ["Row", *(segment.name for segment in grid.segments)]
    markdown_lines.append("| " + " | ".join(_markdown_field(name) for name in header) + " |")
    markdown_lines.append("|" + "---|" * len(header))
    for line in grid.lines:
        fields = [_dimension_heading(line)]
        for slot in line.slots:
            if slot.entry is None:
                fields.append("")
                continue
            text = slot.entry.body + "\n" + _markdown_sources(slot.entry.sources)
            fields.append(_markdown_field(text))
        markdown_lines.append("| " + " | ".join(fields) + " |")
    markdown_lines += ["", f"Source: <{url}>", ""]
    return "\n".join(markdown_lines)


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


def render_csv(view: FilteredGrid, url: str) -> str:
    """One line per row; each segment's entry as plain text, its sources in the next column."""
    grid = view.grid
    out = io.StringIO()
    # A byte order mark, so that spreadsheets open the file as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out)
    segment_headings = [heading for s in grid.segments for heading in (s.name, f"{s.name} sources")]
    records = [["Row", "Question", "Difference", "Common ground", *segment_headings, "Tags", "URL"]]
    for line in grid.lines:
        dimension = line.dimension
        fields = []
        for slot in line.slots:
            entry = slot.entry
            fields += [_plain(entry.body), _plain_sources(entry.sources)] if entry else ["", ""]
        records.append(
            [
                dimension.title,
                dimension.question,
                dimension.get_difference_display(),
                _plain(dimension.common_ground),
                *fields,
                ", ".join(tag.name for tag in line.tags),
                absolute(dimension.get_absolute_url()),
            ]
        )
    # No cell may run as a formula in a spreadsheet (comparisons/transfer/spreadsheets.py).
    writer.writerows([escape_value(value) for value in record] for record in records)
    return out.getvalue()


def _timestamp(value) -> str | None:
    return value.isoformat() if value else None


def json_document(view: FilteredGrid, url: str) -> dict:
    """The table as JSON data: the shape documented in README.md (also the API's table)."""
    grid = view.grid
    comparison = grid.comparison
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
        "segments": [{"slug": s.slug, "name": s.name} for s in grid.segments],
        "rows": [_json_dimension(line) for line in grid.lines],
    }


def render_json(view: FilteredGrid, url: str) -> str:
    return json.dumps(json_document(view, url), ensure_ascii=False, indent=2) + "\n"


def _json_dimension(line: DimensionLine) -> dict:
    dimension = line.dimension
    return {
        "slug": dimension.slug,
        "title": dimension.title,
        "question": dimension.question,
        "difference": dimension.difference,
        "common_ground": dimension.common_ground,
        "tags": [tag.name for tag in line.tags],
        "url": absolute(dimension.get_absolute_url()),
        "updated": _timestamp(dimension.updated),
        "entries": [
            {
                "segment": slot.segment.slug,
                "body": slot.entry.body if slot.entry else None,
                "sources": slot.entry.sources if slot.entry else [],
                "updated": _timestamp(slot.entry.updated) if slot.entry else None,
            }
            for slot in line.slots
        ],
    }


EXPORTS = {
    "md": Export("text/markdown; charset=utf-8", render_markdown),
    "csv": Export("text/csv; charset=utf-8", render_csv),
    "json": Export("application/json", render_json),
}
