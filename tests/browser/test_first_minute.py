"""The reader's first minute (issue 30) and a page that paints in one go (issue 26, 3):
what a reader sees and does in Chromium, at a laptop's and a phone's width."""

import io
import re
import unicodedata
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.pages import COMPARISON
from tests.browser.test_keyboard_and_copy_link import CLIPBOARD, tab_until
from tests.browser.test_sharing import READ_CLIPBOARD

pytestmark = pytest.mark.browser

VIEW = COMPARISON + "?only=customers,success-metrics,dogfooding"

# Every layout shift of the page's life so far, as Chromium reports them.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 812)])
def test_a_shared_view_shows_its_rows_above_the_fold(open_page, width, height):
    """Issue 30, 1: the filter form opened on a shared view and pushed the rows 1,100 px down."""
    page = open_page(VIEW, width=width, height=height)

    first_row = page.locator(".comparison-table tbody").first
    assert first_row.bounding_box()["y"] + 40 < height
    expect(page.locator(".filter-form details")).not_to_have_attribute("open", "")


def test_a_phone_card_puts_the_question_and_level_before_the_answers(open_page):
    """Issue 30, 3."""
    page = open_page(COMPARISON, width=375, height=812)
    card = page.locator(".comparison-table tbody").first
    question = card.locator(".question").bounding_box()["y"]
    level = card.locator(".difference").bounding_box()["y"]
    answers = card.locator("td[data-segment]").first.bounding_box()["y"]
    assert question < answers and level < answers


def test_the_table_is_quiet_headed_row_and_dated_once(open_page):
    """Issue 30, 4: "DIMENSION", a date on every row, underlined sources, a wide common ground."""
    page = open_page(COMPARISON)
    expect(page.locator(".comparison-table thead th").first).to_have_text(re.compile("^row$", re.I))
    assert page.locator(".comparison-table .updated").count() == 0
    source = page.locator(".sources a").first
    assert source.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"
    # "Different", what most rows are, is the bar alone (its words left to screen readers).
    different = page.locator(".comparison-table .difference-different").first
    assert different.bounding_box()["width"] < 40


@pytest.mark.parametrize("width", [1280, 375])
def test_the_share_links_line_up_under_the_buttons(open_page, width):
    """Issue 30, 6: the downloads dropped to a second line and floated mid-width."""
    page = open_page(COMPARISON, width=width, permissions=CLIPBOARD)
    buttons = page.locator(".share-actions").bounding_box()
    downloads = page.get_by_text("Download", exact=False).first.bounding_box()
    assert abs(downloads["x"] - buttons["x"]) < 2
    expect(page.locator(".share")).not_to_contain_text("Atom")


def test_printed_on_a4_every_row_stays_whole(open_page):
    """Issue 30, 7: "Product-led and hybrid B2B" split across pages 2 and 3 on A4."""
    page = open_page(COMPARISON)
    rows = page.locator(".comparison-table tbody").evaluate_all(
        "rows => rows.map(row => [row.querySelector('.row-title').innerText,"
        " row.querySelector('td[data-segment]').innerText.split(/\\s+/).slice(0, 3).join(' ')])"
    )
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    pages = [
        " ".join(unicodedata.normalize("NFKC", sheet.extract_text()).split()) for sheet in pdf.pages
    ]
    for title, first_words in rows:
        sheet = next(n for n, text in enumerate(pages) if title in text)
        assert first_words in pages[sheet], f"{title}: its cells start on another page"


def test_copy_link_keeps_the_commas_of_the_view(open_page, site, settings):
    """Issue 30, 8: the copied link wrote %2C."""
    settings.SITE_URL = site.url
    page = open_page(VIEW, permissions=CLIPBOARD)
    page.get_by_role("button", name="Copy link", exact=True).click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(f"{site.url}{VIEW}") + r"&as_of=\d+", copied)


def test_copy_table_pastes_the_row_header_as_a_plain_cell(open_page, site):
    """Issue 30, 11: the question inside <th> pasted bold and centred."""
    page = open_page(VIEW, permissions=CLIPBOARD)
    page.get_by_role("button", name="Copy table").click()
    expect(page.locator("[data-share-status]")).to_have_text(re.compile("^Table copied"))
    html = page.evaluate(READ_CLIPBOARD)["html"]
    body = html[html.index("</thead>") :]
    assert "<th" not in body
    assert re.search(r"<td>\s*<strong><a href=", body)


def test_from_a_rows_title_tab_reaches_its_copy_link_next(open_page):
    """Issue 30, 13: Tab went to the sources, then back to the row's copy-link icon."""
    page = open_page(COMPARISON, permissions=CLIPBOARD)
    tab_until(page, lambda focused: focused["text"] == "Customers and target market")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "row-link" in focused


PAGES = [
    "/",
    "/tables/",
    COMPARISON,
    VIEW,
    COMPARISON + "dogfooding/",
    COMPARISON + "dogfooding/changes/",
    "/tags/",
    "/tags/pricing/",
    "/search/?q=customers",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_paint_in_one_go(open_page, path):
    """Issue 26, 3: share.js revealed the share buttons after load and pushed the table down."""
    page = open_page(path, permissions=CLIPBOARD)
    page.wait_for_load_state("load")
    assert page.evaluate(LAYOUT_SHIFT) == 0


def test_the_share_buttons_are_in_place_before_the_script_and_hidden_without_it(browser, site):
    for scripting in (True, False):
        context = browser.new_context(base_url=site.url, java_script_enabled=scripting)
        page = context.new_page()
        page.goto(COMPARISON)
        button = page.get_by_role("button", name="Copy table")
        if scripting:
            expect(button).to_be_visible()
        else:
            expect(button).to_be_hidden()
        context.close()


ELEMENTS = """selector => [...document.querySelectorAll(selector)].reduce(
  (total, element) => total + 1 + element.getElementsByTagName("*").length, 0)"""


def test_the_table_holds_at_most_600_dom_nodes_per_20_rows_besides_its_sources(open_page):
    """Issue 26, 3: 1,018 elements on the table; the sources take what they need."""
    page = open_page(COMPARISON)
    nodes = page.evaluate(ELEMENTS, "html")
    sources = page.evaluate(ELEMENTS, ".comparison-table .sources, .print-sources")
    rows = page.locator(".comparison-table tbody").count()
    assert nodes - sources <= 600 * rows / 20, f"{nodes} elements ({sources} sources), {rows} rows"


def test_a_consumer_follows_the_oembed_discovery_link_and_embeds_the_live_view(
    open_page, site, settings
):
    """Issue 30: the oEmbed link a page advertises gives an iframe that shows the view."""
    settings.SITE_URL = site.url
    page = open_page(VIEW)
    endpoint = page.locator('link[rel="alternate"][type="application/json+oembed"]')
    href = endpoint.get_attribute("href")
    assert urlsplit(href).path == "/oembed"
    # The consumer: follows the link, then writes the answer's HTML into its own page.
    consumer = page.context.new_page()
    answer = consumer.goto(href)
    assert answer.headers["content-type"] == "application/json"
    data = answer.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    consumer.set_content(f"<!doctype html><title>Notes</title><body>{data['html']}</body>")
    frame = consumer.frame_locator("iframe")
    expect(frame.locator(".comparison-table tbody")).to_have_count(3)
