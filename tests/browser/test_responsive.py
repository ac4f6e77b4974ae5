"""Phones get cards without sideways scrolling; laptops get the side-by-side table."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import COMPARISON, PUBLIC_PAGES

pytestmark = pytest.mark.browser

PHONE = 375


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_no_public_page_scrolls_sideways_at_375_px(open_page, path):
    page = open_page(path, width=PHONE, height=800)

    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")

    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide in a {widths[1]} px window"


def test_each_row_is_a_card_with_its_title_then_entries_labelled_by_segment_at_375_px(open_page):
    page = open_page(COMPARISON, width=PHONE, height=800)
    row = page.locator("#customers")

    labels = row.locator("td[data-segment]").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    title_box = row.locator("th").bounding_box()
    first_entry_box = row.locator("td").first.bounding_box()

    assert labels == ['"B2B"', '"B2C"']
    assert row.evaluate("row => getComputedStyle(row).display") == "block"
    assert title_box["y"] < first_entry_box["y"]
    assert first_entry_box["width"] == pytest.approx(title_box["width"], abs=1)
    expect(page.locator(".comparison-table thead")).not_to_be_in_viewport()


@pytest.mark.parametrize("width", [768, 1280])
def test_the_table_is_side_by_side_from_768_px(open_page, width):
    page = open_page(COMPARISON, width=width)
    row = page.locator("#customers")

    cells = [
        row.locator(selector).bounding_box() for selector in ("th", "td >> nth=0", "td >> nth=1")
    ]

    assert cells[0]["x"] < cells[1]["x"] < cells[2]["x"]
    assert cells[0]["y"] == cells[1]["y"] == cells[2]["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_segment_headers_stay_visible_while_scrolling_a_long_table(open_page):
    page = open_page(COMPARISON, width=1280, height=800)
    header = page.locator(".comparison-table thead th").nth(1)
    top_before = header.bounding_box()["y"]

    page.locator("#success-metrics").scroll_into_view_if_needed()

    assert top_before > 100
    assert header.bounding_box()["y"] == pytest.approx(0, abs=1)
    expect(header).to_be_in_viewport()
    expect(header).to_have_text("B2B")
