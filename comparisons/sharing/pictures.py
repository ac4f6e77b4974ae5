"""The share picture (og:image of the share card): exactly the rows of a URL, drawn as a PNG.

1200x630, the size link previews show large. A table or filtered view: the title, the
segment headers, then one band per row: its title and difference level, and the first words
of each cell. Rows that do not fit are counted ("+ 3 more rows"). A row page: the row's
title as the headline, its question, then its cells side by side down to a footer with its
difference level and tags. The font is Roboto, vendored in static/fonts/ (Apache 2.0).

Served at `…/preview.png` (comparisons/sharing/picture_responses.py): the public URLs keep the name
they were shared under; in code "preview" is only the draft preview and the import preview.
"""

import hashlib
import io
from functools import cache

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from comparisons.markdown import plain_text
from comparisons.tables import Table

WIDTH, HEIGHT = 1200, 630
MARGIN = 56
# The palette of static/css/base.css (light scheme), so the card looks like the page.
BACKGROUND = "#ffffff"
FOREGROUND = "#1c1e21"
MUTED = "#55595f"
ACCENT = "#0b57d0"
BORDER = "#d6d9de"
SURFACE = "#f5f6f8"
# Roboto (Apache 2.0, its licence beside it), read from the repository: never downloaded.
FONTS = settings.BASE_DIR / "static" / "fonts"

# Bump when the drawing changes, so cached pictures and ETags are redrawn.
DRAWING_STYLE = "2"
# More than any cell can show: the rest of a long text is never measured.
MAX_CHARACTERS = 600


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(FONTS / ("Roboto-Bold.ttf" if bold else "Roboto-Regular.ttf")), size
    )


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """The first words of `text` in at most `max_lines` lines of `width` pixels, "…" if cut."""
    lines: list[str] = []
    line = ""
    for word in text[:MAX_CHARACTERS].split():
        candidate = f"{line} {word}" if line else word
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = _cut(word, face, width)
        if len(lines) >= max_lines:
            return _ellipsis(lines[:max_lines], face, width)
    if line:
        lines.append(line)
    if len(lines) > max_lines or len(text) > MAX_CHARACTERS:
        return _ellipsis(lines[:max_lines], face, width)
    return lines


def _cut(word: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """A word wider than the line, shortened to fit."""
    while len(word) > 1 and face.getlength(word) > width:
        word = word[:-1]
    return word


def _ellipsis(lines: list[str], face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    if not lines:
        return ["…"]
    last = lines[-1]
    while last and face.getlength(last + "…") > width:
        last = last[:-1]
    return [*lines[:-1], last.rstrip(" ,;:.") + "…"]


def alt_text(table: Table, one_row: bool = False) -> str:
    """What the picture shows, in words (og:image:alt). Names the segments only if the title
    does not already."""
    title = table.comparison.title
    names = [segment.name for segment in table.segments]
    if not all(name in title for name in names):
        title = f"{title} ({_joined(names)} side by side)"
    if one_row:
        return f"{table.rows[0].dimension.title} — a row of {title}"
    rows = [row.dimension.title for row in table.rows]
    if not rows:
        return f"{title} — no rows"
    shown = ", ".join(rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
    return f"{title} — {len(rows)} row{'s' if len(rows) > 1 else ''}: {shown}"


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def fingerprint(table: Table) -> str:
    """Changes whenever anything the picture shows could change. Runs no query."""
    comparison = table.comparison
    parts = [DRAWING_STYLE, comparison.title, comparison.updated.isoformat()]
    parts += [f"{segment.pk}:{segment.name}" for segment in table.segments]
    for row in table.rows:
        parts.append(f"{row.dimension.pk}:{row.dimension.updated.isoformat()}")
        parts += [tag.name for tag in row.tags]  # tagging leaves `updated` as it was
        parts += [
            f"{cell.entry.pk}:{cell.entry.updated.isoformat()}" for cell in row.cells if cell.entry
        ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def draw_table_picture(table: Table, subtitle: str) -> bytes:
    image, draw = _canvas()
    y = 40
    draw.text((MARGIN, y), "kb · comparison tables", font=font(22), fill=MUTED)
    y += 36
    y = _headline(draw, table.comparison.title, y)
    if subtitle:
        draw.text((MARGIN, y), subtitle, font=font(24), fill=MUTED)
        y += 40
    _draw_table(draw, table, y + 8)
    return _png(image)


def draw_row_picture(table: Table) -> bytes:
    """One row's picture: the row is the headline, its cells fill the card."""
    row = table.rows[0]
    dimension = row.dimension
    image, draw = _canvas()
    y = 40
    kicker = wrap(f"kb · {table.comparison.title}", font(22), WIDTH - 2 * MARGIN, 1)
    draw.text((MARGIN, y), kicker[0], font=font(22), fill=MUTED)
    y = _headline(draw, dimension.title, y + 36)
    for line in wrap(dimension.question, font(26), WIDTH - 2 * MARGIN, 2):
        draw.text((MARGIN, y), line, font=font(26), fill=MUTED)
        y += 34
    footer_y = HEIGHT - 52
    draw.line([MARGIN, footer_y - 14, WIDTH - MARGIN, footer_y - 14], fill=BORDER, width=1)
    tags = ", ".join(tag.name for tag in row.tags)
    footer = f"Difference: {dimension.get_difference_display()}"
    footer = wrap(f"{footer} · Tags: {tags}" if tags else footer, font(22), WIDTH - 2 * MARGIN, 1)
    draw.text((MARGIN, footer_y), footer[0], font=font(22), fill=MUTED)
    _draw_cells(draw, row, top=y + 22, bottom=footer_y - 28)
    return _png(image)


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 10], fill=ACCENT)
    return image, draw


def _headline(draw: ImageDraw.ImageDraw, text: str, y: int) -> int:
    for line in wrap(text, font(48, bold=True), WIDTH - 2 * MARGIN, 2):
        draw.text((MARGIN, y), line, font=font(48, bold=True), fill=FOREGROUND)
        y += 58
    return y


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_cells(draw: ImageDraw.ImageDraw, row, top: int, bottom: int) -> None:
    """The row's cells side by side, each under its segment's name, as many lines as fit."""
    columns = max(len(row.cells), 1)
    gap = 40
    width = (WIDTH - 2 * MARGIN - gap * (columns - 1)) // columns
    texts = [plain_text(cell.entry.body) if cell.entry else "No entry yet." for cell in row.cells]
    # Short cells in large type, long ones in smaller type: the largest size that fits them.
    for size in (36, 32, 28, 26):
        body, line_height = font(size), round(size * 1.3)
        lines = max((bottom - top - 44) // line_height, 1)
        wrapped = [wrap(text, body, width, lines + 1) for text in texts]
        if all(len(cell_lines) <= lines for cell_lines in wrapped):
            break
    for index, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
        x = MARGIN + index * (width + gap)
        name = wrap(cell.segment.name, font(26, bold=True), width, 1)
        draw.text((x, top), name[0] if name else "", font=font(26, bold=True), fill=ACCENT)
        for number, line in enumerate(wrap(text, body, width, lines)):
            draw.text((x, top + 44 + number * line_height), line, font=body, fill=FOREGROUND)


def _draw_table(draw: ImageDraw.ImageDraw, table: Table, top: int) -> None:
    if not table.rows:
        draw.text((MARGIN, top + 20), "No rows to show.", font=font(28), fill=MUTED)
        return
    inner = WIDTH - 2 * MARGIN
    title_width = int(inner * 0.26)
    columns = max(len(table.segments), 1)
    column_width = (inner - title_width) // columns
    gap = 20

    draw.rectangle([MARGIN, top, WIDTH - MARGIN, top + 44], fill=SURFACE)
    for index, segment in enumerate(table.segments):
        x = MARGIN + title_width + index * column_width + gap // 2
        name = wrap(segment.name, font(26, bold=True), column_width - gap, 1)
        draw.text((x, top + 8), name[0] if name else "", font=font(26, bold=True), fill=ACCENT)
    y = top + 52

    # One row: room for more of its words. Many rows: two lines each, as many as fit.
    single = len(table.rows) == 1
    body = font(26 if single else 20)
    line_height = 34 if single else 25
    max_lines = 7 if single else 2
    bottom = HEIGHT - 40
    for shown, row in enumerate(table.rows):
        title_lines = wrap(row.dimension.title, font(22, bold=True), title_width - gap, 2)
        level = row.dimension.get_difference_display()
        cell_lines = [
            wrap(
                plain_text(cell.entry.body) if cell.entry else "—",
                body,
                column_width - gap,
                max_lines,
            )
            for cell in row.cells
        ]
        height = max(len(title_lines) * 27 + 24, max(map(len, cell_lines), default=1) * line_height)
        if y + height > bottom:
            rest = len(table.rows) - shown
            draw.text(
                (MARGIN, y + 2),
                f"+ {rest} more row{'s' if rest > 1 else ''}",
                font=font(22),
                fill=MUTED,
            )
            return
        title_y = y
        for line in title_lines:
            draw.text((MARGIN, title_y), line, font=font(22, bold=True), fill=FOREGROUND)
            title_y += 27
        draw.text((MARGIN, title_y), f"Difference: {level}", font=font(17), fill=MUTED)
        for index, lines in enumerate(cell_lines):
            x = MARGIN + title_width + index * column_width + gap // 2
            for number, line in enumerate(lines):
                draw.text((x, y + number * line_height), line, font=body, fill=FOREGROUND)
        y += height + 10
        draw.line([MARGIN, y - 6, WIDTH - MARGIN, y - 6], fill=BORDER, width=1)
