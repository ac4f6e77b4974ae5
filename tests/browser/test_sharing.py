"""Taking a view elsewhere: print and PDF, "Copy table", short links, and finding them."""

import io
import re
import unicodedata

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from comparisons.models import Dimension
from tests.browser.pages import COMPARISON
from tests.browser.test_keyboard_and_copy_link import CLIPBOARD, tab_until
from tests.pages import DEFAULT_CONTENT

pytestmark = pytest.mark.browser

TABLE_SLUG = DEFAULT_CONTENT["comparison"]
SHOWN = ["customers", "sales-influence", "dogfooding"]
FILTERED = COMPARISON + "?only=" + ",".join(SHOWN)

READ_CLIPBOARD = """async () => {
  const [item] = await navigator.clipboard.read();
  const text = async (type) => (await item.getType(type)).text();
  return {types: item.types, html: await text("text/html"), plain: await text("text/plain")};
}"""


def shown_dimensions() -> list[Dimension]:
    """The view's rows as the database has them, in the table's order."""
    rows = Dimension.objects.filter(comparison__slug=TABLE_SLUG, slug__in=SHOWN)
    return list(rows.order_by("position"))


def dimension_slugs_shown(page) -> list[str]:
    return page.locator(".comparison-table tbody[id]").evaluate_all(
        "rows => rows.map(row => row.id)"
    )


def words_with_positions(page) -> list[tuple[str, float, float]]:
    """The text on a PDF page, each piece with where it starts (points from bottom left)."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return found


# Margins as the print stylesheet sets them, and as Chromium's print dialog does by default.
@pytest.mark.parametrize("margins", [None, "10mm"], ids=["css-margins", "dialog-margins"])
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_table_prints_side_by_side_within_a_page_per_three_rows(open_page, paper, margins):
    page = open_page(COMPARISON)
    segments = page.locator(".comparison-table thead th").all_inner_texts()[1:]
    rows = len(dimension_slugs_shown(page))
    sides = dict.fromkeys(["top", "right", "bottom", "left"], margins) if margins else None

    pdf = PdfReader(io.BytesIO(page.pdf(format=paper, margin=sides)))

    assert len(pdf.pages) <= rows // 3, f"{len(pdf.pages)} pages for {rows} rows"
    first = words_with_positions(pdf.pages[0])
    headers = [y for text, _, y in first if text == "ROW"]
    assert headers, "no column headers on the first page"
    header = headers[0]
    names = [text for text, _, y in sorted(first, key=lambda item: item[1]) if abs(y - header) < 1]
    assert names == ["ROW", *(name.upper() for name in segments)]
    starts = [x for text, x, y in first if abs(y - header) < 1]
    width_of_page = float(pdf.pages[0].mediabox.width)
    assert max(starts) > width_of_page / 2  # the last column starts in the right half


def test_a_printed_view_says_which_rows_when_and_where_from(open_page, site):
    page = open_page(FILTERED)

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    # NFKC: the PDF draws "fl" and "ff" as ligatures.
    first = unicodedata.normalize("NFKC", pdf.pages[0].extract_text())

    text = " ".join(first.split())
    total = Dimension.objects.filter(comparison__slug=TABLE_SLUG).public().count()
    titles = ", ".join(row.title for row in shown_dimensions())
    assert f"3 of {total} rows: {titles}" in text
    assert re.search(r"Printed \d{1,2} \w{3,4} \d{4} from http", text)
    assert FILTERED in "".join(first.split())  # a long URL may wrap


def test_copy_table_puts_an_html_table_and_markdown_on_the_clipboard(open_page, site, settings):
    settings.SITE_URL = site.url
    page = open_page(FILTERED, permissions=CLIPBOARD)

    page.get_by_role("button", name="Copy table").click()

    expect(page.locator("[data-share-status]")).to_have_text(re.compile("^Table copied"))
    copied = page.evaluate(READ_CLIPBOARD)
    assert {"text/html", "text/plain"} <= set(copied["types"])
    html, markdown = copied["html"], copied["plain"]
    rows = shown_dimensions()
    # The header, a line per row, and one more for each row's common ground.
    assert re.search(r"<table[ >]", html)
    assert html.count("<tr") == 1 + len(rows) + sum(bool(row.common_ground) for row in rows)
    for row in rows:
        assert row.title in html and f"**{row.title}**" in markdown
    assert "Customer access" not in html and "Customer access" not in markdown
    source = next(
        source
        for entry in rows[0].entries.order_by("segment__position")
        for source in entry.sources
        if source["url"]
    )
    assert f'<a href="{source["url"]}">{source["title"]}' in html.replace("&amp;", "&")
    assert "<p>Sources:</p><ol>" in html
    link_back = f"{site.url}{FILTERED}"
    assert f'<a href="{link_back}">{link_back}</a>' in html.replace("&amp;", "&")
    assert "row-link" not in html and "Difference level" not in html  # no page controls
    assert markdown.startswith("# Product management: B2B vs B2C")
    assert "| Row | B2B | B2C |" in markdown
    assert f"[{source['title']}]({source['url']})" in markdown
    assert markdown.rstrip().endswith(f"Source: <{link_back}>")


def test_a_short_link_opened_fresh_shows_the_same_rows(open_page, site, settings):
    settings.SITE_URL = site.url
    page = open_page(FILTERED, permissions=CLIPBOARD)

    page.get_by_role("button", name="Copy short link").click()

    expect(page.locator("[data-share-status]")).to_have_text("Short link copied")
    short = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(site.url) + r"/v/[2-9a-zA-Z]{10}", short)
    expect(page.locator("[data-share-result] a")).to_have_text(short)
    fresh = open_page(short)
    expect(fresh).to_have_url(re.compile(re.escape(FILTERED) + r"&as_of=\d+$"))
    assert dimension_slugs_shown(fresh) == dimension_slugs_shown(page) == SHOWN
    # Asked again for the same view, the same link.
    page.get_by_role("button", name="Copy short link").click()
    expect(page.locator("[data-share-result] a")).to_have_text(short)


@pytest.mark.parametrize("path", [COMPARISON, FILTERED, COMPARISON + "dogfooding/"])
def test_a_reader_reaches_the_share_controls_in_a_few_tab_stops(open_page, path):
    page = open_page(path, permissions=CLIPBOARD)

    tab_until(page, lambda focused: focused["text"] == "Copy link", limit=10)


@pytest.mark.parametrize("path", [COMPARISON, COMPARISON + "dogfooding/"])
def test_on_a_phone_the_share_controls_are_on_the_first_screens(open_page, path):
    page = open_page(path, width=375, height=800)

    share = page.locator("section.share").bounding_box()

    assert share["y"] < 2 * 800
    assert (
        page.locator("section.share").bounding_box()["y"]
        < page.locator("table").bounding_box()["y"]
    )
