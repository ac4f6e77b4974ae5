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

from comparisons.grids import ComparisonGrid
from comparisons.markdown import plain_text

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


def alt_text(grid: ComparisonGrid, one_dimension: bool = False) -> str:
    """What the picture shows, in words (og:image:alt). Names the segments only if the title
    does not already."""
    title = grid.comparison.title
    names = [segment.name for segment in grid.segments]
    if not all(name in title for name in names):
        title = f"{title} ({_joined(names)} side by side)"
    if one_dimension:
        return f"{grid.lines[0].dimension.title} — a row of {title}"
    titles = [line.dimension.title for line in grid.lines]
    if not titles:
        return f"{title} — no rows"
    shown = ", ".join(titles[:5]) + (f" and {len(titles) - 5} more" if len(titles) > 5 else "")
    return f"{title} — {len(titles)} row{'s' if len(titles) > 1 else ''}: {shown}"


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def fingerprint(grid: ComparisonGrid) -> str:
    """Changes whenever anything the picture shows could change. Runs no query."""
    comparison = grid.comparison
    parts = [DRAWING_STYLE, comparison.title, comparison.updated.isoformat()]
    parts += [f"{segment.pk}:{segment.name}" for segment in grid.segments]
    for line in grid.lines:
        parts.append(f"{line.dimension.pk}:{line.dimension.updated.isoformat()}")
        parts += [tag.name for tag in line.tags]  # tagging leaves `updated` as it was
        parts += [
            f"{slot.entry.pk}:{slot.entry.updated.isoformat()}" for slot in line.slots if slot.entry
        ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def draw_comparison_picture(grid: ComparisonGrid, subtitle: str) -> bytes:
    image, draw = _canvas()
    y = 40
    draw.text((MARGIN, y), "kb · comparison tables", font=font(22), fill=MUTED)
    y += 36
    y = _headline(draw, grid.comparison.title, y)
    if subtitle:
        draw.text((MARGIN, y), subtitle, font=font(24), fill=MUTED)
        y += 40
    _draw_grid(draw, grid, y + 8)
    return _png(image)


def draw_dimension_picture(grid: ComparisonGrid) -> bytes:
    """One row's picture: the row is the headline, its cells fill the card."""
    line = grid.lines[0]
    dimension = line.dimension
    image, draw = _canvas()
    y = 40
    kicker = wrap(f"kb · {grid.comparison.title}", font(22), WIDTH - 2 * MARGIN, 1)
    draw.text((MARGIN, y), kicker[0], font=font(22), fill=MUTED)
    y = _headline(draw, dimension.title, y + 36)
    for text_line in wrap(dimension.question, font(26), WIDTH - 2 * MARGIN, 2):
        draw.text((MARGIN, y), text_line, font=font(26), fill=MUTED)
        y += 34
    footer_y = HEIGHT - 52
    draw.line([MARGIN, footer_y - 14, WIDTH - MARGIN, footer_y - 14], fill=BORDER, width=1)
    tags = ", ".join(tag.name for tag in line.tags)
    footer = f"Difference: {dimension.get_difference_display()}"
    footer = wrap(f"{footer} · Tags: {tags}" if tags else footer, font(22), WIDTH - 2 * MARGIN, 1)
    draw.text((MARGIN, footer_y), footer[0], font=font(22), fill=MUTED)
    _draw_entries(draw, line, top=y + 22, bottom=footer_y - 28)
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


def _draw_entries(draw: ImageDraw.ImageDraw, line, top: int, bottom: int) -> None:
    """The row's cells side by side, each under its segment's name, as many lines as fit."""
    segment_count = max(len(line.slots), 1)
    gap = 40
    width = (WIDTH - 2 * MARGIN - gap * (segment_count - 1)) // segment_count
    texts = [
        plain_text(slot.entry.body) if slot.entry else "Nothing here yet." for slot in line.slots
    ]
    # Short cells in large type, long ones in smaller type: the largest size that fits them.
    for size in (36, 32, 28, 26):
        body, line_height = font(size), round(size * 1.3)
        text_lines = max((bottom - top - 44) // line_height, 1)
        wrapped = [wrap(text, body, width, text_lines + 1) for text in texts]
        if all(len(entry_lines) <= text_lines for entry_lines in wrapped):
            break
    for index, (slot, text) in enumerate(zip(line.slots, texts, strict=True)):
        x = MARGIN + index * (width + gap)
        name = wrap(slot.segment.name, font(26, bold=True), width, 1)
        draw.text((x, top), name[0] if name else "", font=font(26, bold=True), fill=ACCENT)
        for number, text_line in enumerate(wrap(text, body, width, text_lines)):
            draw.text((x, top + 44 + number * line_height), text_line, font=body, fill=FOREGROUND)


def _draw_grid(draw: ImageDraw.ImageDraw, grid: ComparisonGrid, top: int) -> None:
    if not grid.lines:
        draw.text((MARGIN, top + 20), "No rows to show.", font=font(28), fill=MUTED)
        return
    inner = WIDTH - 2 * MARGIN
    title_width = int(inner * 0.26)
    segment_count = max(len(grid.segments), 1)
    segment_width = (inner - title_width) // segment_count
    gap = 20

    draw.rectangle([MARGIN, top, WIDTH - MARGIN, top + 44], fill=SURFACE)
    for index, segment in enumerate(grid.segments):
        x = MARGIN + title_width + index * segment_width + gap // 2
        name = wrap(segment.name, font(26, bold=True), segment_width - gap, 1)
        draw.text((x, top + 8), name[0] if name else "", font=font(26, bold=True), fill=ACCENT)
    y = top + 52

    # One row: room for more of its words. Many rows: two lines each, as many as fit.
    single = len(grid.lines) == 1
    body = font(26 if single else 20)
    line_height = 34 if single else 25
    max_text_lines = 7 if single else 2
    bottom = HEIGHT - 40
    for shown, line in enumerate(grid.lines):
        title_text_lines = wrap(line.dimension.title, font(22, bold=True), title_width - gap, 2)
        level = line.dimension.get_difference_display()
        entry_lines = [
            wrap(
                plain_text(slot.entry.body) if slot.entry else "—",
                body,
                segment_width - gap,
                max_text_lines,
            )
            for slot in line.slots
        ]
        height = max(
            len(title_text_lines) * 27 + 24, max(map(len, entry_lines), default=1) * line_height
        )
        if y + height > bottom:
            rest = len(grid.lines) - shown
            draw.text(
                (MARGIN, y + 2),
                f"+ {rest} more row{'s' if rest > 1 else ''}",
                font=font(22),
                fill=MUTED,
            )
            return
        title_y = y
        for text_line in title_text_lines:
            draw.text((MARGIN, title_y), text_line, font=font(22, bold=True), fill=FOREGROUND)
            title_y += 27
        draw.text((MARGIN, title_y), f"Difference: {level}", font=font(17), fill=MUTED)
        for index, text_lines in enumerate(entry_lines):
            x = MARGIN + title_width + index * segment_width + gap // 2
            for number, text_line in enumerate(text_lines):
                draw.text((x, y + number * line_height), text_line, font=body, fill=FOREGROUND)
        y += height + 10
        draw.line([MARGIN, y - 6, WIDTH - MARGIN, y - 6], fill=BORDER, width=1)
